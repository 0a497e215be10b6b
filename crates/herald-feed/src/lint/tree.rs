//! A feed read as a stream into a tree of its elements, each with its line; the HTML an item
//! or entry carries is checked when its element closes and then dropped, so a large feed is
//! never held whole.

use quick_xml::events::{BytesCData, Event};
use quick_xml::Reader;

use super::html::{active_markup, relative_references};

/// One element of a parsed feed: name (with prefix), attributes, text, children and line.
#[derive(Debug, Default)]
pub(super) struct Element {
    pub(super) line: usize,
    pub(super) name: String,
    attrs: Vec<(String, String)>,
    pub(super) text: String,
    children: Vec<Element>,
    /// For HTML carried in an item or entry: what its markup does wrong, found when the
    /// element closed (its text is then dropped, so a large feed is never held whole).
    pub(super) active: Vec<String>,
    pub(super) relative: Vec<String>,
}

impl Element {
    pub(super) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub(super) fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    pub(super) fn first(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
}

/// The whole document as a tree.
#[cfg(test)]
pub(super) fn parse(xml: impl std::io::BufRead) -> Result<Element, (usize, String)> {
    parse_items(xml, None)
}

/// The document as a tree, except that each item of an RSS channel and each entry of an Atom
/// feed is given to `items` when it closes (checked, then dropped) rather than kept in it:
/// a feed of any length is held one item at a time.
pub(super) fn parse_items(
    xml: impl std::io::BufRead,
    mut items: Option<&mut dyn FnMut(Element)>,
) -> Result<Element, (usize, String)> {
    let mut reader = Reader::from_reader(xml);
    let mut stack = vec![Element::default()];
    let mut buf = Vec::new();
    let mut raw = Vec::new();
    // Every byte of the document is in some event, so its lines are counted as they pass:
    // the document is read as a stream, never held whole.
    let mut line = 1usize;
    let err = |e: &dyn std::fmt::Display, line: usize| (line, format!("not well-formed XML: {e}"));
    loop {
        let at = line;
        let event = reader.read_event_into(&mut buf).map_err(|e| err(&e, at))?;
        line += newlines(&event);
        let empty = matches!(event, Event::Empty(_));
        match event {
            // The HTML an item or entry carries: its text up to the first `<` (all of it when
            // it is escaped) is read straight from the source and decoded in one pass, where
            // the reader would give an event per character reference. The reader then goes
            // on from that `<` (a CDATA section, or the carrier's end).
            // CDATA sections that follow (all its text, as herald writes it) are read the same
            // way, by a search for their `]]>`, where the reader stops at every `>` of the
            // HTML inside.
            Event::Start(start) if carries_html(&stack, start.name().as_ref()) => {
                stack.push(element(&start, at).map_err(|e| err(&e, at))?);
                loop {
                    let at = line;
                    raw.clear();
                    text_to_markup(reader.get_mut(), &mut raw).map_err(|e| err(&e, at))?;
                    let text = std::str::from_utf8(&raw).map_err(|e| err(&e, at))?;
                    let text = quick_xml::escape::unescape(text).map_err(|e| err(&e, line))?;
                    line += memchr::memchr_iter(b'\n', &raw).count();
                    push_text(&mut stack, &text);
                    raw.clear();
                    if !cdata(reader.get_mut(), &mut raw).map_err(|e| err(&e, at))? {
                        break;
                    }
                    let text = std::str::from_utf8(&raw).map_err(|e| err(&e, at))?;
                    line += memchr::memchr_iter(b'\n', &raw).count();
                    // Line ends read as the reader reads them in its own CDATA events.
                    let text = BytesCData::new(text)
                        .xml10_content()
                        .map_err(|e| err(&e, at))?;
                    push_text(&mut stack, &text);
                }
            }
            Event::Start(start) | Event::Empty(start) if in_html_carrier(&stack) => {
                if let Some(carrier) = stack.last_mut() {
                    carrier
                        .active
                        .push("holds XML elements, not escaped HTML".to_string());
                }
                stack.push(element(&start, at).map_err(|e| err(&e, at))?);
                if empty {
                    close(&mut stack, &mut items);
                }
            }
            Event::Start(start) => stack.push(element(&start, at).map_err(|e| err(&e, at))?),
            Event::Empty(start) => {
                stack.push(element(&start, at).map_err(|e| err(&e, at))?);
                close(&mut stack, &mut items);
            }
            Event::End(_) => close(&mut stack, &mut items),
            Event::Text(t) => push_text(&mut stack, &t.xml10_content().map_err(|e| err(&e, at))?),
            Event::CData(t) => push_text(&mut stack, &t.xml10_content().map_err(|e| err(&e, at))?),
            Event::GeneralRef(r) => {
                // The five predefined entities are nearly every reference in escaped HTML.
                let known = match &*r {
                    b"lt" => Some("<"),
                    b"gt" => Some(">"),
                    b"amp" => Some("&"),
                    b"quot" => Some("\""),
                    b"apos" => Some("'"),
                    _ => None,
                };
                if let Some(text) = known {
                    push_text(&mut stack, text);
                } else {
                    let name = r.decode().map_err(|e| err(&e, at))?;
                    let reference = format!("&{name};");
                    let text = quick_xml::escape::unescape(&reference).map_err(|e| err(&e, at))?;
                    push_text(&mut stack, &text);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if stack.len() != 1 {
        let open = stack.last().map_or(1, |e| e.line);
        return Err((
            open,
            "not well-formed XML: an element is never closed".into(),
        ));
    }
    let mut root = stack.pop().expect("the document node");
    root.children
        .pop()
        .ok_or_else(|| (1, "not well-formed XML: no root element".to_string()))
}

/// The line ends in an event's bytes.
fn newlines(event: &Event<'_>) -> usize {
    let raw: &[u8] = match event {
        Event::Start(e) | Event::Empty(e) => e,
        Event::End(e) => e,
        Event::Text(e) | Event::Comment(e) | Event::DocType(e) => e,
        Event::CData(e) => e,
        Event::Decl(e) => e,
        Event::PI(e) => e,
        Event::GeneralRef(e) => e,
        Event::Eof => b"",
    };
    memchr::memchr_iter(b'\n', raw).count()
}

fn element(start: &quick_xml::events::BytesStart<'_>, line: usize) -> Result<Element, String> {
    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| e.to_string())?;
        let key = String::from_utf8_lossy(attr.key.as_ref()).into_owned();
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| e.to_string())?
            .into_owned();
        attrs.push((key, value));
    }
    Ok(Element {
        line,
        name,
        attrs,
        ..Element::default()
    })
}

/// Elements whose text is HTML when they are in an RSS item or an Atom entry.
const HTML_CARRIERS: &[&str] = &["description", "content:encoded", "summary", "content"];

/// Whether an element named `name` opened below the top of `stack` carries HTML.
fn carries_html(stack: &[Element], name: &[u8]) -> bool {
    stack
        .last()
        .is_some_and(|parent| matches!(parent.name.as_str(), "item" | "entry"))
        && HTML_CARRIERS.iter().any(|c| c.as_bytes() == name)
}

/// Whether the element open at the top of `stack` carries HTML.
fn in_html_carrier(stack: &[Element]) -> bool {
    stack.len() >= 2
        && carries_html(
            &stack[..stack.len() - 1],
            stack[stack.len() - 1].name.as_bytes(),
        )
}

/// Moves the bytes before the next `<` from `source` into `raw` (all that is left when
/// there is none), leaving the `<` to be read.
fn text_to_markup(source: &mut impl std::io::BufRead, raw: &mut Vec<u8>) -> std::io::Result<()> {
    loop {
        let chunk = source.fill_buf()?;
        if chunk.is_empty() {
            return Ok(());
        }
        let (take, done) = match memchr::memchr(b'<', chunk) {
            Some(lt) => (lt, true),
            None => (chunk.len(), false),
        };
        raw.extend_from_slice(&chunk[..take]);
        source.consume(take);
        if done {
            return Ok(());
        }
    }
}

/// When `source` goes on with a whole `<![CDATA[` in what it holds, moves that section's
/// content into `raw` and the section out of `source`, and answers true; else leaves both
/// (the reader then reads what follows, a section cut where `source` refills too).
fn cdata(source: &mut impl std::io::BufRead, raw: &mut Vec<u8>) -> std::io::Result<bool> {
    const OPEN: &[u8] = b"<![CDATA[";
    if !source.fill_buf()?.starts_with(OPEN) {
        return Ok(false);
    }
    source.consume(OPEN.len());
    loop {
        let chunk = source.fill_buf()?;
        if chunk.is_empty() {
            return Err(std::io::Error::other("a CDATA section is never closed"));
        }
        // A `]]>` begun by what was moved before ends in the first bytes of this chunk.
        let before = raw.len();
        let straddles = (1..=2)
            .find(|&n| n <= before && raw[before - n..].iter().chain(chunk).take(3).eq(b"]]>"));
        if let Some(n) = straddles {
            raw.truncate(before - n);
            source.consume(3 - n);
            return Ok(true);
        }
        match memchr::memmem::find(chunk, b"]]>") {
            Some(end) => {
                raw.extend_from_slice(&chunk[..end]);
                source.consume(end + 3);
                return Ok(true);
            }
            None => {
                let taken = chunk.len();
                raw.extend_from_slice(chunk);
                source.consume(taken);
            }
        }
    }
}

fn close(stack: &mut Vec<Element>, items: &mut Option<&mut dyn FnMut(Element)>) {
    if stack.len() > 1 {
        let mut done = stack.pop().expect("checked above");
        if carries_html(stack, done.name.as_bytes()) {
            let text = std::mem::take(&mut done.text);
            done.active.extend(active_markup(&text));
            if done.name == "description" {
                done.relative = relative_references(&text);
            }
        }
        let parent = stack.last_mut().expect("checked above");
        let item = matches!(
            (parent.name.as_str(), done.name.as_str()),
            ("channel", "item") | ("feed", "entry")
        );
        match items {
            Some(items) if item => items(done),
            _ => parent.children.push(done),
        }
    }
}

fn push_text(stack: &mut [Element], text: &str) {
    if let Some(top) = stack.last_mut() {
        top.text.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carried_html_is_decoded_in_one_pass() {
        let atom = "<feed><entry><content type=\"html\">&lt;p&gt;a &amp;amp; b&#33;&lt;/p&gt;<!-- c --><![CDATA[<b>&amp;</b>]]> &lt;i&gt;</content></entry></feed>";
        let root = parse(atom.as_bytes()).unwrap();
        let content = root.first("entry").unwrap().first("content").unwrap();
        assert!(content.active.is_empty(), "{:?}", content.active);
        let broken = "<feed><entry><content type=\"html\">&nosuch;</content></entry></feed>";
        assert!(parse(broken.as_bytes())
            .unwrap_err()
            .1
            .contains("well-formed"));
        let script = "<feed><entry><content type=\"html\">a &lt;script&gt;x&lt;/script&gt;</content></entry></feed>";
        let root = parse(script.as_bytes()).unwrap();
        let content = root.first("entry").unwrap().first("content").unwrap();
        assert_eq!(content.active, ["holds <script>"]);
    }

    #[test]
    fn an_element_inside_carried_html_is_found_and_the_lines_still_count() {
        let atom = "<feed>\n<entry>\n<content type=\"html\">a\n<b>bold</b>\n</content>\n<id>x</id>\n</entry>\n</feed>\n";
        let root = parse(atom.as_bytes()).unwrap();
        let entry = root.first("entry").unwrap();
        let content = entry.first("content").unwrap();
        assert_eq!(content.active, ["holds XML elements, not escaped HTML"]);
        assert_eq!(entry.first("id").unwrap().line, 6);
    }

    /// CDATA read by its own search, whole or cut anywhere by the source's refills (the
    /// reader then reads what it cannot), gives the same findings and lines.
    #[test]
    fn cdata_cut_anywhere_reads_the_same() {
        let atom = "<feed>\n<entry>\n<content type=\"html\">x &lt;b&gt;<![CDATA[<p>a]]]]><![CDATA[>\r\n<script>s</script>\n<i>]]>\n<![CDATA[<em>one</em>]]> tail</content>\n<id>x</id>\n</entry>\n<entry><content type=\"html\"><![CDATA[<p style=\"a\">]]]></content></entry>\n</feed>\n";
        let found = |root: &Element| {
            root.all("entry")
                .map(|e| {
                    let content = e.first("content").unwrap();
                    (content.active.clone(), e.first("id").map(|i| i.line))
                })
                .collect::<Vec<_>>()
        };
        let whole = found(&parse(atom.as_bytes()).unwrap());
        assert_eq!(
            whole,
            [
                (vec!["holds <script>".to_string()], Some(7)),
                (vec!["holds a style= attribute on <p>".to_string()], None),
            ]
        );
        for capacity in 1..40 {
            let cut = std::io::BufReader::with_capacity(capacity, atom.as_bytes());
            assert_eq!(
                found(&parse(cut).unwrap()),
                whole,
                "read {capacity} bytes at a time"
            );
        }
        // The section's content, and the source left just after its `]]>`.
        for capacity in 9..40 {
            let mut source =
                std::io::BufReader::with_capacity(capacity, &b"<![CDATA[a]b]]]]>c]]>d"[..]);
            let mut raw = Vec::new();
            assert!(cdata(&mut source, &mut raw).unwrap());
            assert_eq!(raw, b"a]b]]", "read {capacity} bytes at a time");
            let mut rest = Vec::new();
            std::io::Read::read_to_end(&mut source, &mut rest).unwrap();
            assert_eq!(rest, b"c]]>d", "read {capacity} bytes at a time");
        }
        let open =
            "<feed><entry><content type=\"html\"><![CDATA[<p>never closed</content></entry></feed>";
        for capacity in [4, 64] {
            let cut = std::io::BufReader::with_capacity(capacity, open.as_bytes());
            assert!(
                parse(cut).unwrap_err().1.contains("well-formed"),
                "{capacity}"
            );
        }
    }
}
