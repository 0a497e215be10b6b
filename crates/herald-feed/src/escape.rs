//! Full posts put into the XML feeds as CDATA, split as quick-xml splits it. A proptest
//! holds it to the crate, and the feeds written whole are held to the ones written a piece
//! at a time on every corpus.

/// `text` as CDATA, split where it holds `]]>` as quick-xml splits it (as the RSS crate
/// writes `content:encoded`).
pub(crate) fn push_cdata(out: &mut Vec<u8>, text: &str) {
    let mut rest = text.as_bytes();
    loop {
        // A section ends after the `]]` of a `]]>`; the `>` begins the next.
        let end = memchr::memmem::find(rest, b"]]>").map_or(rest.len(), |at| at + 2);
        out.extend_from_slice(b"<![CDATA[");
        out.extend_from_slice(&rest[..end]);
        out.extend_from_slice(b"]]>");
        if end == rest.len() {
            return;
        }
        rest = &rest[end..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn text_is_put_in_cdata_as_quick_xml_writes_it(
            chars in proptest::collection::vec(proptest::sample::select(vec![
                'a', ' ', '"', '\\', '/', '<', '>', ']', '&', '\'', ';', '\u{0}', '\u{1}', '\u{8}',
                '\t', '\n', '\u{b}', '\u{c}', '\r', '\u{1f}', '\u{7f}', '\u{80}', 'é', '€',
                '\u{2028}', '𝄞',
            ]), 0..40)
        ) {
            let text: String = chars.into_iter().collect();
            let mut cdata = Vec::new();
            push_cdata(&mut cdata, &text);
            let mut theirs = quick_xml::Writer::new(Vec::new());
            for section in quick_xml::events::BytesCData::escaped(&text) {
                theirs.write_event(quick_xml::events::Event::CData(section)).unwrap();
            }
            proptest::prop_assert_eq!(cdata, theirs.into_inner());
        }
    }
}
