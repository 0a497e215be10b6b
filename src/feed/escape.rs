//! The escaping of full posts into the feeds, byte for byte as the crates escape them but
//! with the runs that need no escaping found eight bytes at a time and copied whole: through
//! the crates, escaping took about 6% of a full build. The feeds written whole by the crates
//! are held to the ones written with these on every corpus (tested).

/// Whether any of the eight bytes of `word` is a control character (`controls`), or one of
/// `bytes`: the classic "has a byte less than" and "has a zero byte" tests on a word, exact
/// for whether any byte matches.
fn any_byte(word: u64, controls: bool, bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut found = if controls {
        word.wrapping_sub(ONES * 0x20) & !word & HIGH
    } else {
        0
    };
    for &b in bytes {
        let x = word ^ (ONES * u64::from(b));
        found |= x.wrapping_sub(ONES) & !x & HIGH;
    }
    found != 0
}

/// Appends `text` to `out`, each byte for which `escape` gives something replaced by it;
/// `plain` says whether eight bytes are all ones `escape` leaves alone.
fn push_escaped(
    out: &mut Vec<u8>,
    text: &str,
    plain: impl Fn(u64) -> bool,
    escape: impl Fn(u8) -> Option<&'static str>,
) {
    let bytes = text.as_bytes();
    out.reserve(bytes.len());
    let mut copied = 0;
    let mut escape_at = |at: usize, out: &mut Vec<u8>| {
        if let Some(escaped) = escape(bytes[at]) {
            out.extend_from_slice(&bytes[copied..at]);
            out.extend_from_slice(escaped.as_bytes());
            copied = at + 1;
        }
    };
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for word in &mut words {
        // Eight bytes with something to escape are looked at one by one, all eight.
        if !plain(u64::from_le_bytes(word.try_into().expect("eight bytes"))) {
            for one in at..at + 8 {
                escape_at(one, out);
            }
        }
        at += 8;
    }
    for one in at..bytes.len() {
        escape_at(one, out);
    }
    out.extend_from_slice(&bytes[copied..]);
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
    out.push(b'"');
    push_escaped(
        out,
        text,
        |word| !any_byte(word, true, b"\"\\"),
        |b| match b {
            0..0x20 => Some(JSON_CONTROLS[usize::from(b)]),
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            _ => None,
        },
    );
    out.push(b'"');
}

/// `text` escaped as quick-xml escapes text (`quick_xml::escape::escape`), as the RSS and
/// Atom crates write it.
pub(crate) fn push_xml_text(out: &mut Vec<u8>, text: &str) {
    push_escaped(
        out,
        text,
        |word| !any_byte(word, false, b"<>&'\""),
        |b| match b {
            b'<' => Some("&lt;"),
            b'>' => Some("&gt;"),
            b'&' => Some("&amp;"),
            b'\'' => Some("&apos;"),
            b'"' => Some("&quot;"),
            _ => None,
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn text_is_escaped_as_serde_json_and_quick_xml_escape_it(
            chars in proptest::collection::vec(proptest::sample::select(vec![
                'a', ' ', '"', '\\', '/', '<', '>', '&', '\'', ';', '\u{0}', '\u{1}', '\u{8}',
                '\t', '\n', '\u{b}', '\u{c}', '\r', '\u{1f}', '\u{7f}', '\u{80}', 'é', '€',
                '\u{2028}', '𝄞',
            ]), 0..40)
        ) {
            let text: String = chars.into_iter().collect();
            let mut json = Vec::new();
            push_json_string(&mut json, &text);
            proptest::prop_assert_eq!(json, serde_json::to_vec(&text).unwrap());
            let mut xml = Vec::new();
            push_xml_text(&mut xml, &text);
            let theirs = quick_xml::escape::escape(text.as_str());
            proptest::prop_assert_eq!(xml, theirs.as_bytes());
        }
    }
}
