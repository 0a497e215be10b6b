//! HTML read as tokens, by html5ever's tokenizer (the parser ammonia already cleans with).
//! Every part of herald that reads HTML goes through here: the plain text of a post, its
//! first image, and the tags the feed lint checks. Two plain scans of the tags serve as fast
//! paths: each either answers exactly as the tokenizer would or says it cannot, and the
//! tokenizer then decides (proptests hold each to the tokenizer).

use std::borrow::Cow;
use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token as RawToken, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::Attribute;

/// One piece of HTML: a start tag, an end tag, or text with its character references
/// decoded. Comments and doctypes are left out.
#[derive(Debug)]
pub enum Token<'a> {
    /// `<name attr="value">`.
    Start(Tag<'a>),
    /// `</name>`.
    End(&'a str),
    /// Text, decoded (`&amp;` is `&`); one run of text may come in several pieces.
    Text(&'a str),
}

/// A start tag: its lowercase name and its attributes, values decoded.
#[derive(Debug)]
pub struct Tag<'a> {
    /// The element's name, lowercase.
    pub name: &'a str,
    attrs: Attrs<'a>,
}

/// A start tag's attributes, as the tokenizer read them or as the plain scan did.
#[derive(Debug, Clone, Copy)]
enum Attrs<'a> {
    Tokenized(&'a [Attribute]),
    Scanned(&'a [(&'a str, Cow<'a, str>)]),
}

impl<'a> Tag<'a> {
    /// The value of an attribute.
    pub fn attr(&self, name: &str) -> Option<&'a str> {
        self.attrs().find(|(key, _)| *key == name).map(|(_, v)| v)
    }

    /// Every attribute as (lowercase name, value), in document order.
    pub fn attrs(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        let (tokenized, scanned): (&'a [Attribute], &'a [(&'a str, Cow<'a, str>)]) =
            match self.attrs {
                Attrs::Tokenized(attrs) => (attrs, &[]),
                Attrs::Scanned(attrs) => (&[], attrs),
            };
        tokenized
            .iter()
            .map(|a| (&*a.name.local, &*a.value))
            .chain(scanned.iter().map(|(k, v)| (*k, &**v)))
    }
}

/// The fast path of the feed lint's markup checks: a scan of the start tags without a
/// tokenizer that calls `fine(is_attribute, lowercase name, quoted value)` for every element
/// and attribute name and returns true only when every call did and nothing looked unusual.
/// It sees at least every tag html5ever's tokenizer sees (inside comments and raw text too),
/// so when it answers true the tokenizer would find nothing; anything it cannot read plainly
/// (an unquoted value, a tag left open) makes it answer false.
pub fn scan_tags(html: &str, mut fine: impl FnMut(bool, &str, Option<&str>) -> bool) -> bool {
    let bytes = html.as_bytes();
    let mut name = String::new();
    let mut at = 0;
    while let Some(found) = memchr::memchr(b'<', &bytes[at..]) {
        let lt = at + found;
        // `</x`, `<!--`, `<?`: not a start tag, and whatever follows is scanned as usual.
        if !bytes.get(lt + 1).is_some_and(u8::is_ascii_alphabetic) {
            at = lt + 1;
            continue;
        }
        match start_tag(html, lt, &mut name, |attribute, value| {
            fine(true, attribute, value)
        }) {
            Some((end, name)) if fine(false, name, None) => at = end,
            _ => return false,
        }
    }
    true
}

/// Elements whose content a tokenizer driven by a tree builder reads as text, not markup.
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
];

/// The depth of `html` as the tokenizer's start and end tags give it (elements in `flat`
/// neither open nor close a level), from a plain scan of the tags; `None` when the scan
/// meets anything it does not read the way the tokenizer does (a comment's odd ending, a
/// `<!` or `<?` construct, an element whose content is raw text, an unquoted attribute).
pub fn scanned_depth(html: &str, flat: &[&str]) -> Option<usize> {
    let bytes = html.as_bytes();
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut name = String::new();
    let mut at = 0;
    while let Some(found) = memchr::memchr(b'<', &bytes[at..]) {
        let lt = at + found;
        match bytes.get(lt + 1) {
            Some(b'!') => {
                // Only a plain comment: `<!--`, text without `--!>`, then `-->`.
                let body = html[lt..].strip_prefix("<!--")?;
                if body.starts_with('>') || body.starts_with("->") {
                    return None;
                }
                let end = body.find("-->")?;
                if body[..end].contains("--!>") {
                    return None;
                }
                at = lt + 4 + end + 3;
            }
            Some(b'/') => {
                let start = lt + 2;
                if !bytes.get(start).is_some_and(u8::is_ascii_alphabetic) {
                    return None;
                }
                let close = start + memchr::memchr(b'>', &bytes[start..])?;
                let tag = &html[start..close];
                if tag.contains(['"', '\'', '<']) {
                    return None;
                }
                let end = tag.find(is_space_or_slash).unwrap_or(tag.len());
                if !flat.iter().any(|f| f.eq_ignore_ascii_case(&tag[..end])) {
                    depth = depth.saturating_sub(1);
                }
                at = close + 1;
            }
            Some(b) if b.is_ascii_alphabetic() => {
                let (end, name) = start_tag(html, lt, &mut name, |_, _| true)?;
                if RAW_TEXT.contains(&name) {
                    return None;
                }
                if !flat.contains(&name) {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                at = end;
            }
            Some(b'?') => return None,
            _ => at = lt + 1,
        }
    }
    Some(deepest)
}

fn is_space_or_slash(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ' | '/')
}

/// The start tag whose `<` is at `lt`: calls `attribute` with each attribute's lowercase
/// name and value, and returns where the tag ends (after its `>`) and its lowercase name
/// (lowered into `lowered` only if it has capitals); `None` when an attribute call says so
/// or the tag is not plain (a name with unusual characters, an unquoted value, no `>`).
fn start_tag<'a>(
    html: &'a str,
    lt: usize,
    lowered: &'a mut String,
    mut attribute: impl FnMut(&str, Option<&str>) -> bool,
) -> Option<(usize, &'a str)> {
    let bytes = html.as_bytes();
    let stop = |b: u8| matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>');
    let mut i = lt + 1;
    while i < bytes.len() && !stop(bytes[i]) {
        i += 1;
    }
    let name = &html[lt + 1..i];
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return None;
    }
    // Names are lowered only when they have capitals (a tag the sanitiser wrote has none),
    // and then into a buffer: copying every one took a third of the feed lint's scan.
    let mut key_lowered = String::new();
    loop {
        while i < bytes.len() && (stop(bytes[i]) && bytes[i] != b'>') {
            i += 1;
        }
        match bytes.get(i) {
            None | Some(b'<' | b'"' | b'\'' | b'=') => return None,
            Some(b'>') => break,
            Some(_) => {}
        }
        let start = i;
        while i < bytes.len() && !stop(bytes[i]) && bytes[i] != b'=' {
            i += 1;
        }
        let key = lower(&html[start..i], &mut key_lowered);
        if !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':'))
        {
            return None;
        }
        let mut value = None;
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            let quote = match bytes.get(i) {
                Some(&q @ (b'"' | b'\'')) => q,
                _ => return None,
            };
            let end = memchr::memchr(quote, &bytes[i + 1..])?;
            value = Some(&html[i + 1..i + 1 + end]);
            i += end + 2;
        }
        if !attribute(key, value) {
            return None;
        }
    }
    Some((i + 1, lower(name, lowered)))
}

/// `name` in lowercase: itself when it has no capitals, else lowered into `buffer`.
fn lower<'a>(name: &'a str, buffer: &'a mut String) -> &'a str {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        buffer.clear();
        buffer.push_str(name);
        buffer.make_ascii_lowercase();
        buffer
    } else {
        name
    }
}

/// `text` escaped for HTML text or a quoted attribute value.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    pulldown_cmark_escape::escape_html(&mut out, text).expect("writing to a String");
    out
}

/// Calls `visit` with every token of `html`, in order.
pub fn each_token(html: &str, mut visit: impl FnMut(Token<'_>)) {
    each_token_until(html, |token| {
        visit(token);
        true
    });
}

/// Whether [`scan_serialized`] reads `html` whole (else the tokenizer must).
pub fn reads_as_serialized(html: &str) -> bool {
    scan_serialized(html, &mut |_| {})
}

/// Calls `visit` with every token of HTML as html5ever's serialiser writes it (what the
/// sanitiser gives), read by a plain scan: the tokens the tokenizer would give, though a run
/// of text may come in fewer pieces, so `visit` must not depend on where text is cut.
/// Returns false at the first thing the serialiser does not write (a tag, attribute or
/// character reference written another way), after some tokens may have been given: the
/// caller then starts again with [`each_token`].
pub fn scan_serialized(html: &str, visit: &mut dyn FnMut(Token<'_>)) -> bool {
    let bytes = html.as_bytes();
    // The tokenizer turns CR into LF and drops a leading byte order mark; NUL is an error.
    if memchr::memchr2(b'\r', 0, bytes).is_some() || html.starts_with('\u{feff}') {
        return false;
    }
    let name_end = |from: usize| {
        from + bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            .count()
    };
    let mut attrs: Vec<(&str, Cow<'_, str>)> = Vec::new();
    let mut at = 0;
    loop {
        let lt = memchr::memchr(b'<', &bytes[at..]).map_or(bytes.len(), |found| at + found);
        if lt > at {
            let Some(text) = decode_serialized(&html[at..lt]) else {
                return false;
            };
            visit(Token::Text(&text));
        }
        if lt == bytes.len() {
            return true;
        }
        if bytes.get(lt + 1) == Some(&b'/') {
            let start = lt + 2;
            let end = name_end(start);
            if end == start || !bytes[start].is_ascii_lowercase() || bytes.get(end) != Some(&b'>') {
                return false;
            }
            visit(Token::End(&html[start..end]));
            at = end + 1;
            continue;
        }
        let start = lt + 1;
        let end = name_end(start);
        if end == start || !bytes[start].is_ascii_lowercase() {
            return false;
        }
        let name = &html[start..end];
        if RAW_TEXT.contains(&name) {
            return false;
        }
        attrs.clear();
        let mut i = end;
        // ` name="value"` after ` name="value"`, then `>`.
        while bytes.get(i) != Some(&b'>') {
            if bytes.get(i) != Some(&b' ') {
                return false;
            }
            let key_start = i + 1;
            i = key_start;
            while bytes
                .get(i)
                .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_:".contains(b))
            {
                i += 1;
            }
            if i == key_start || bytes.get(i..i + 2) != Some(b"=\"") {
                return false;
            }
            let key = &html[key_start..i];
            let value_start = i + 2;
            let Some(length) = memchr::memchr(b'"', &bytes[value_start..]) else {
                return false;
            };
            let Some(value) = decode_serialized(&html[value_start..value_start + length]) else {
                return false;
            };
            // The tokenizer keeps the first of two attributes with one name.
            if attrs.iter().any(|(k, _)| *k == key) {
                return false;
            }
            attrs.push((key, value));
            i = value_start + length + 1;
        }
        visit(Token::Start(Tag {
            name,
            attrs: Attrs::Scanned(&attrs),
        }));
        at = i + 1;
    }
}

/// The character references html5ever's serialiser writes, and the `&#39;` of ammonia's
/// text cleaner; the tokenizer decodes each to the same character.
const SERIALIZED_REFERENCES: [(&str, char); 6] = [
    ("&amp;", '&'),
    ("&lt;", '<'),
    ("&gt;", '>'),
    ("&quot;", '"'),
    ("&nbsp;", '\u{a0}'),
    ("&#39;", '\''),
];

/// Text or an attribute value with [`SERIALIZED_REFERENCES`] decoded; `None` when it holds
/// any other character reference.
fn decode_serialized(text: &str) -> Option<Cow<'_, str>> {
    decode_references(text, false)
}

/// `text` with the character references the sanitiser writes (`&amp;`, `&lt;`, `&gt;`,
/// `&quot;`, `&nbsp;`, `&#39;`) decoded and any other `&` kept as it is.
pub fn decode_entities(text: &str) -> String {
    decode_references(text, true).map_or_else(String::new, Cow::into_owned)
}

/// Decodes [`SERIALIZED_REFERENCES`]; an `&` that begins none of them is kept when
/// `keep_others`, else the answer is `None`.
fn decode_references(text: &str, keep_others: bool) -> Option<Cow<'_, str>> {
    // memchr's search: str's own for a char was slower, and this runs on every text between
    // tags (see BENCHMARKS.md, Profiling notes).
    let find_amp = |text: &str| memchr::memchr(b'&', text.as_bytes());
    let Some(first) = find_amp(text) else {
        return Some(Cow::Borrowed(text));
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..first]);
    let mut rest = &text[first..];
    while let Some(amp) = find_amp(rest) {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let found = SERIALIZED_REFERENCES
            .iter()
            .find(|(reference, _)| rest.starts_with(reference));
        match found {
            Some((reference, c)) => {
                out.push(*c);
                rest = &rest[reference.len()..];
            }
            None if keep_others => {
                out.push('&');
                rest = &rest[1..];
            }
            None => return None,
        }
    }
    out.push_str(rest);
    Some(Cow::Owned(out))
}

/// Feeds the whole input; true when the sink stopped the tokenizer before the end.
fn sink_stopped<F: FnMut(Token<'_>) -> bool>(
    tokenizer: &Tokenizer<Sink<F>>,
    input: &BufferQueue,
) -> bool {
    let _ = tokenizer.feed(input);
    tokenizer.sink.stopped.get()
}

/// Calls `visit` with the tokens of `html` in order until it returns false; the tokenizer
/// then stops at the next tag rather than reading the rest (no token reaches `visit` after
/// it said stop).
pub fn each_token_until(html: &str, visit: impl FnMut(Token<'_>) -> bool) {
    let sink = Sink {
        visit: RefCell::new(visit),
        stopped: std::cell::Cell::new(false),
    };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from(html));
    if !sink_stopped(&tokenizer, &input) {
        tokenizer.end();
    }
}

struct Sink<F> {
    visit: RefCell<F>,
    /// Set when `visit` asked to stop; the tokenizer is paused at the next tag.
    stopped: std::cell::Cell<bool>,
}

impl<F: FnMut(Token<'_>) -> bool> TokenSink for Sink<F> {
    type Handle = ();

    fn process_token(&self, token: RawToken, _line: u64) -> TokenSinkResult<()> {
        let is_tag = matches!(token, RawToken::TagToken(_));
        if self.stopped.get() {
            // Only a tag may pause html5ever's tokenizer (it asserts that text goes on).
            return if is_tag {
                TokenSinkResult::Script(())
            } else {
                TokenSinkResult::Continue
            };
        }
        let mut visit = self.visit.borrow_mut();
        let go_on = match token {
            RawToken::TagToken(tag) => match tag.kind {
                TagKind::StartTag => visit(Token::Start(Tag {
                    name: &tag.name,
                    attrs: Attrs::Tokenized(&tag.attrs),
                })),
                TagKind::EndTag => visit(Token::End(&tag.name)),
            },
            RawToken::CharacterTokens(text) => visit(Token::Text(&text)),
            _ => true,
        };
        if !go_on {
            self.stopped.set(true);
            if is_tag {
                return TokenSinkResult::Script(());
            }
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_attributes_and_decoded_text() {
        let mut seen = Vec::new();
        each_token(
            "<P CLASS=x id='a&amp;b'>1 &lt; 2</p><!-- c --><img src=/i.png alt=\"\">",
            |token| {
                seen.push(match token {
                    Token::Start(tag) => format!(
                        "<{} {}>",
                        tag.name,
                        tag.attrs()
                            .map(|(k, v)| format!("{k}={v}"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    ),
                    Token::End(name) => format!("</{name}>"),
                    Token::Text(text) => text.to_string(),
                });
            },
        );
        assert_eq!(
            seen.concat(),
            "<p class=x id=a&b>1 < 2</p><img src=/i.png alt=>"
        );
    }
}
