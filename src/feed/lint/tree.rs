//! A feed read as a stream into a tree of its elements, each with its line; the HTML an item
//! or entry carries is checked when its element closes and then dropped, so a large feed is
//! never held whole.

use quick_xml::events::Event;
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

pub(super) fn parse(xml: impl std::io::BufRead) -> Result<Element, (usize, String)> {
    let mut reader = Reader::from_reader(xml);
    let mut stack = vec![Element::default()];
    let mut buf = Vec::new();
    let mut content = Vec::new();
    // Every byte of the document is in some event, so its lines are counted as they pass:
    // the document is read as a stream, never held whole.
    let mut line = 1usize;
    let err = |e: &dyn std::fmt::Display, line: usize| (line, format!("not well-formed XML: {e}"));
    loop {
        let at = line;
        let event = reader.read_event_into(&mut buf).map_err(|e| err(&e, at))?;
        line += newlines(&event);
        match event {
            // The HTML an item or entry carries is read whole, as raw text, and decoded in
            // one pass: escaped HTML is otherwise thousands of events per item.
            Event::Start(start) if carries_html(&stack, start.name().as_ref()) => {
                let mut carrier = element(&start, at).map_err(|e| err(&e, at))?;
                content.clear();
                let end = start.to_end().into_owned();
                let raw = reader
                    .read_text_into(end.name(), &mut content)
                    .map_err(|e| err(&e, at))?;
                line += memchr::memchr_iter(b'\n', &raw).count();
                match carried_text(&raw) {
                    Ok(text) => carrier.text = text,
                    Err(message) => carrier.active.push(message),
                }
                stack.push(carrier);
                close(&mut stack);
            }
            Event::Start(start) => stack.push(element(&start, at).map_err(|e| err(&e, at))?),
            Event::Empty(start) => {
                stack.push(element(&start, at).map_err(|e| err(&e, at))?);
                close(&mut stack);
            }
            Event::End(_) => close(&mut stack),
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

/// The text of an HTML carrier's raw content: character data with its references decoded
/// and CDATA sections as they are, comments left out; an element inside is a problem (HTML
/// must be escaped or in CDATA to be the carrier's text).
fn carried_text(raw: &[u8]) -> Result<String, String> {
    let raw = std::str::from_utf8(raw).map_err(|e| format!("is not UTF-8: {e}"))?;
    fn decode(text: &str) -> Result<std::borrow::Cow<'_, str>, String> {
        quick_xml::escape::unescape(text).map_err(|e| format!("is not well-formed XML: {e}"))
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(lt) = rest.find('<') {
        out.push_str(&decode(&rest[..lt])?);
        let tail = &rest[lt..];
        let (inner, close) = if let Some(cdata) = tail.strip_prefix("<![CDATA[") {
            (cdata, "]]>")
        } else if let Some(comment) = tail.strip_prefix("<!--") {
            (comment, "-->")
        } else {
            return Err("holds XML elements, not escaped HTML".into());
        };
        let end = inner
            .find(close)
            .ok_or_else(|| format!("is not well-formed XML: no {close}"))?;
        if close == "]]>" {
            out.push_str(&inner[..end]);
        }
        rest = &inner[end + close.len()..];
    }
    out.push_str(&decode(rest)?);
    Ok(out)
}

fn close(stack: &mut Vec<Element>) {
    if stack.len() > 1 {
        let mut done = stack.pop().expect("checked above");
        let parent = stack.last_mut().expect("checked above");
        if matches!(parent.name.as_str(), "item" | "entry")
            && HTML_CARRIERS.contains(&done.name.as_str())
        {
            let text = std::mem::take(&mut done.text);
            done.active.extend(active_markup(&text));
            if done.name == "description" {
                done.relative = relative_references(&text);
            }
        }
        parent.children.push(done);
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
        assert_eq!(
            carried_text(
                b"&lt;p&gt;a &amp;amp; b&#33;&lt;/p&gt;<!-- c --><![CDATA[<b>&amp;</b>]]>"
            )
            .unwrap(),
            "<p>a &amp; b!</p><b>&amp;</b>"
        );
        assert_eq!(carried_text(b"").unwrap(), "");
        assert!(carried_text(b"x <b>y</b>")
            .unwrap_err()
            .contains("XML elements"));
        assert!(carried_text(b"&nosuch;")
            .unwrap_err()
            .contains("well-formed"));
        assert!(carried_text(b"<![CDATA[open").unwrap_err().contains("]]>"));
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
}
