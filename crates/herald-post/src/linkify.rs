//! Goldmark's linkify extension (Hugo's default): a URL (`http://`, `https://`, `ftp://`,
//! `www.`) or an e-mail address written as text becomes a link, where Goldmark finds one:
//! at the head of a line or after a space, `*`, `_`, `~` or `(`, and only its ASCII
//! characters (a CJK full stop ends it).

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

/// Links the bare URLs and addresses in the texts of `events` (each with its range in
/// `source`), outside links, code and raw HTML; `ranges` follows the events.
pub(crate) fn goldmark(
    events: &mut Vec<Event<'_>>,
    ranges: &mut Vec<Range<usize>>,
    source: &str,
    https: bool,
) {
    let mut out = Vec::with_capacity(events.len());
    let mut out_ranges = Vec::with_capacity(events.len());
    let (mut in_link, mut in_block) = (0usize, 0usize);
    for (event, range) in events.drain(..).zip(ranges.drain(..)) {
        match &event {
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => in_link += 1,
            Event::End(TagEnd::Link | TagEnd::Image) => in_link = in_link.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock) => in_block += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::HtmlBlock) => {
                in_block = in_block.saturating_sub(1)
            }
            _ => {}
        }
        let Event::Text(text) = &event else {
            out.push(event);
            out_ranges.push(range);
            continue;
        };
        if in_link > 0 || in_block > 0 {
            out.push(event);
            out_ranges.push(range);
            continue;
        }
        let before = source[..range.start.min(source.len())]
            .chars()
            .last()
            .unwrap_or('\n');
        let found = find_all(text, before, https);
        if found.is_empty() {
            out.push(event);
            out_ranges.push(range);
            continue;
        }
        let raw = source.get(range.clone()) == Some(text.as_ref());
        let sub = |a: usize, b: usize| {
            if raw {
                range.start + a..range.start + b
            } else {
                range.clone()
            }
        };
        let mut rest = 0;
        for (start, end, dest) in found {
            if start > rest {
                out.push(Event::Text(CowStr::from(text[rest..start].to_string())));
                out_ranges.push(sub(rest, start));
            }
            out.push(Event::Start(Tag::Link {
                link_type: LinkType::Autolink,
                dest_url: CowStr::from(dest),
                title: CowStr::from(""),
                id: CowStr::from(""),
            }));
            out.push(Event::Text(CowStr::from(text[start..end].to_string())));
            out.push(Event::End(TagEnd::Link));
            out_ranges.extend([sub(start, end), sub(start, end), sub(start, end)]);
            rest = end;
        }
        if rest < text.len() {
            out.push(Event::Text(CowStr::from(text[rest..].to_string())));
            out_ranges.push(sub(rest, text.len()));
        }
    }
    *events = out;
    *ranges = out_ranges;
}

/// Each link in `text` (`before`: the character before it): start, end and its URL.
fn find_all(text: &str, before: char, https: bool) -> Vec<(usize, usize, String)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let prev = if i == 0 {
            before
        } else {
            // Only ASCII triggers matter; a UTF-8 continuation byte is none of them.
            bytes[i - 1] as char
        };
        if is_trigger(prev) && text.is_char_boundary(i) {
            if let Some((end, dest)) = at(&bytes[i..], https) {
                found.push((i, i + end, dest));
                i += end;
                continue;
            }
        }
        i += 1;
    }
    found
}

fn is_trigger(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c' | '*' | '_' | '~' | '('
    )
}

/// The link `line` starts with, as Goldmark's linkify parser reads it: its length and URL.
fn at(line: &[u8], https: bool) -> Option<(usize, String)> {
    let text = |end: usize| String::from_utf8_lossy(&line[..end]).into_owned();
    let mut end = None;
    let mut www = false;
    if line.starts_with(b"http:") || line.starts_with(b"https:") || line.starts_with(b"ftp:") {
        end = url(line);
    }
    if end.is_none() && line.starts_with(b"www.") {
        end = www_url(line);
        www = end.is_some();
    }
    let (end, dest) = match end {
        Some(mut end) => {
            match line[end - 1] {
                b'.' => end -= 1,
                b')' => {
                    let mut closing = 0i64;
                    for &b in line[..end].iter().rev() {
                        match b {
                            b')' => closing += 1,
                            b'(' => closing -= 1,
                            _ => {}
                        }
                    }
                    if closing > 0 {
                        end -= closing as usize;
                    }
                }
                b';' => {
                    let mut i = end as i64 - 2;
                    while i >= 0 && line[i as usize].is_ascii_alphanumeric() {
                        i -= 1;
                    }
                    if i != end as i64 - 2 && i >= 0 && line[i as usize] == b'&' {
                        end = i as usize;
                    }
                }
                _ => {}
            }
            let end = trim_trailing(line, end);
            let url = text(end);
            let scheme = if https { "https" } else { "http" };
            (
                end,
                if www {
                    format!("{scheme}://{url}")
                } else {
                    url
                },
            )
        }
        None => {
            if line.first().is_some_and(u8::is_ascii_punctuation) {
                return None;
            }
            let mut stop = email(line)?;
            let at = line.iter().position(|&b| b == b'@')?;
            if !line[at..stop.saturating_sub(1).max(at)].contains(&b'.') {
                return None;
            }
            if line[stop - 1] == b'.' {
                stop -= 1;
            }
            if line.get(stop).is_some_and(|&b| b == b'-' || b == b'_') {
                return None;
            }
            let end = trim_trailing(line, stop);
            (end, format!("mailto:{}", text(end)))
        }
    };
    (end > 0).then_some((end, dest))
}

/// Goldmark leaves trailing `?!.,:*_~` out of the link.
fn trim_trailing(line: &[u8], end: usize) -> usize {
    let mut i = end - 1;
    while i > 0
        && matches!(
            line[i],
            b'?' | b'!' | b'.' | b',' | b':' | b'*' | b'_' | b'~'
        )
    {
        i -= 1;
    }
    i + 1
}

fn is_domain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-@:%._+~#=".contains(&b)
}

fn is_path(b: u8, dollar: bool) -> bool {
    b.is_ascii_alphanumeric()
        || b"-@:%_+.~#!?&/=();,'\">^{}[]`".contains(&b)
        || (dollar && b == b'$')
}

/// `^(?:http|https|ftp)://[domain]{1,256}\.[a-z]+(?::\d+)?(?:[/#?][path]*)?`
fn url(line: &[u8]) -> Option<usize> {
    let start = ["http://", "https://", "ftp://"]
        .iter()
        .find(|scheme| line.starts_with(scheme.as_bytes()))?
        .len();
    let end = host(line, start)?;
    let mut end = end;
    if line.get(end) == Some(&b':') && line.get(end + 1).is_some_and(u8::is_ascii_digit) {
        end += 1;
        while line.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
    }
    Some(path(line, end, true))
}

/// `^www\.[domain]{1,256}\.[a-z]+(?:[/#?][path]*)?`
fn www_url(line: &[u8]) -> Option<usize> {
    let end = host(line, 4)?;
    Some(path(line, end, false))
}

/// The end of `[domain]{1,256}\.[a-z]+` from `start`, the domain as long as it can be.
fn host(line: &[u8], start: usize) -> Option<usize> {
    let run = line[start..]
        .iter()
        .take(257)
        .take_while(|&&b| is_domain(b))
        .count();
    let most = run.min(256);
    (1..=most).rev().find_map(|len| {
        let dot = start + len;
        if line.get(dot) == Some(&b'.') && line.get(dot + 1).is_some_and(u8::is_ascii_lowercase) {
            let mut end = dot + 1;
            while line.get(end).is_some_and(u8::is_ascii_lowercase) {
                end += 1;
            }
            Some(end)
        } else {
            None
        }
    })
}

fn path(line: &[u8], end: usize, dollar: bool) -> usize {
    if !line.get(end).is_some_and(|b| b"/#?".contains(b)) {
        return end;
    }
    let mut end = end + 1;
    while line.get(end).is_some_and(|&b| is_path(b, dollar)) {
        end += 1;
    }
    end
}

/// Goldmark's `FindEmailIndex`: where an address `line` starts with ends.
fn email(line: &[u8]) -> Option<usize> {
    let local = line
        .iter()
        .take_while(|&&b| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~.".contains(&b))
        .count();
    if local == 0 || line.get(local) != Some(&b'@') {
        return None;
    }
    let start = local + 1;
    // ^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*
    let label = |from: usize| -> Option<usize> {
        if !line.get(from).is_some_and(u8::is_ascii_alphanumeric) {
            return None;
        }
        let run = line[from + 1..]
            .iter()
            .take(62)
            .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'-')
            .count();
        // The label may not end in `-`.
        let mut end = from + 1 + run;
        while end > from + 1 && line[end - 1] == b'-' {
            end -= 1;
        }
        Some(end)
    };
    let mut end = label(start)?;
    while line.get(end) == Some(&b'.') {
        match label(end + 1) {
            Some(next) => end = next,
            None => break,
        }
    }
    Some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(text: &str) -> Vec<String> {
        find_all(text, '\n', true)
            .into_iter()
            .map(|(_, _, d)| d)
            .collect()
    }

    #[test]
    fn finds_links_where_goldmark_does() {
        assert_eq!(
            links("See https://github.com/coredns/coredns/pull/4957. Or www.example.org, mail a@b.io."),
            [
                "https://github.com/coredns/coredns/pull/4957",
                "https://www.example.org",
                "mailto:a@b.io"
            ]
        );
        // A URL right after CJK text is not one; a CJK full stop ends one.
        assert_eq!(
            links("见https://a.io/x 和 https://b.io/y。"),
            ["https://b.io/y"]
        );
        assert_eq!(links("(https://a.io/x_(y)) end"), ["https://a.io/x_(y)"]);
        assert_eq!(links("https://a.io/x?"), ["https://a.io/x"]);
    }
}
