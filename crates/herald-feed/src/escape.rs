//! Full posts put into the feeds: as JSON strings byte for byte as serde_json escapes them,
//! with the runs that need no escaping found eight bytes at a time and copied whole, and as
//! CDATA split as quick-xml splits it. Proptests hold both to the crates, and the feeds
//! written whole are held to the ones written a piece at a time on every corpus.

/// The bytes of `word` (little-endian) that may be a control character, `"` or `\\`, each
/// as its high bit: the classic "has a byte less than" and "has a zero byte" tests on a
/// word. Every such byte is marked, and nothing is marked when there is none; a byte just
/// above a marked one may be marked too, so each is looked at again.
fn json_escape_candidates(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_in = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    control | zero_in(word ^ (ONES * u64::from(b'"'))) | zero_in(word ^ (ONES * u64::from(b'\\')))
}

/// What serde_json writes for each control character.
const JSON_CONTROLS: [&str; 32] = [
    "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007", "\\b",
    "\\t", "\\n", "\\u000b", "\\f", "\\r", "\\u000e", "\\u000f", "\\u0010", "\\u0011", "\\u0012",
    "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017", "\\u0018", "\\u0019", "\\u001a",
    "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f",
];

/// `text` as a JSON string, quoted and escaped exactly as serde_json escapes it.
pub(crate) fn push_json_string(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut copied = 0;
    let mut escape_at = |at: usize, out: &mut Vec<u8>| {
        // The two-byte escapes (nearly all: line breaks and quotes) are pushed a byte at a
        // time, not copied: a copy call for two bytes took half the time of escaping.
        let short = match bytes[at] {
            b'\n' => b'n',
            b'"' => b'"',
            b'\\' => b'\\',
            b'\t' => b't',
            b'\r' => b'r',
            0x08 => b'b',
            0x0c => b'f',
            b @ 0..0x20 => {
                out.extend_from_slice(&bytes[copied..at]);
                out.extend_from_slice(JSON_CONTROLS[usize::from(b)].as_bytes());
                copied = at + 1;
                return;
            }
            _ => return,
        };
        out.extend_from_slice(&bytes[copied..at]);
        out.push(b'\\');
        out.push(short);
        copied = at + 1;
    };
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for word in &mut words {
        // Only the marked bytes of the eight are looked at (looking at all eight whenever
        // one was marked took a third of the time).
        let mut marked =
            json_escape_candidates(u64::from_le_bytes(word.try_into().expect("eight bytes")));
        while marked != 0 {
            escape_at(at + marked.trailing_zeros() as usize / 8, out);
            marked &= marked - 1;
        }
        at += 8;
    }
    for one in at..bytes.len() {
        escape_at(one, out);
    }
    out.extend_from_slice(&bytes[copied..]);
    out.push(b'"');
}

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
        fn text_is_escaped_as_serde_json_and_quick_xml_write_it(
            chars in proptest::collection::vec(proptest::sample::select(vec![
                'a', ' ', '"', '\\', '/', '<', '>', ']', '&', '\'', ';', '\u{0}', '\u{1}', '\u{8}',
                '\t', '\n', '\u{b}', '\u{c}', '\r', '\u{1f}', '\u{7f}', '\u{80}', 'é', '€',
                '\u{2028}', '𝄞',
            ]), 0..40)
        ) {
            let text: String = chars.into_iter().collect();
            let mut json = Vec::new();
            push_json_string(&mut json, &text);
            proptest::prop_assert_eq!(json, serde_json::to_vec(&text).unwrap());
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
