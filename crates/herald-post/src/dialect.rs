//! What each generator's Markdown does past CommonMark, applied to pulldown-cmark's events:
//! raw HTML left out, then linkify (`linkify.rs`) and typography (`typography.rs`) over
//! merged texts, hard wraps, emoji, and footnotes collected at the end as Goldmark, kramdown
//! or Zola print them.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use herald_config::generator::{Flavour, Markdown};
use herald_entry::markup::escape_html as escape;

/// What Goldmark prints for raw HTML when `renderer.unsafe` is off.
const OMITTED: &str = "<!-- raw HTML omitted -->";

/// Applies `settings` to `events` in place.
pub(crate) fn apply(
    events: &mut Vec<Event<'_>>,
    ranges: &[Range<usize>],
    source: &str,
    settings: &Markdown,
) {
    if settings.smart_punctuation && settings.flavour != Flavour::Zola {
        guillemet_tags(events);
    }
    if !settings.raw_html {
        omit_raw_html(events);
    }
    if settings.smart_punctuation || settings.linkify {
        let mut ranges = merge_texts(events, ranges);
        if settings.linkify {
            super::linkify::goldmark(events, &mut ranges, source, settings.linkify_https);
        }
        let ranges = &ranges[..];
        match settings.flavour {
            _ if !settings.smart_punctuation => {}
            Flavour::Goldmark => super::typography::goldmark(events, ranges, source),
            Flavour::Kramdown => super::typography::kramdown(events, ranges, source, settings),
            _ => {}
        }
    }
    if settings.hard_wraps {
        // Goldmark's `renderer.hardWraps`, kramdown's `hard_wrap`: a line break is a break.
        for event in events.iter_mut() {
            if matches!(event, Event::SoftBreak) {
                *event = Event::HardBreak;
            }
        }
    }
    if settings.emoji && settings.flavour == Flavour::Zola {
        for event in events.iter_mut() {
            if let Event::Text(text) = event {
                if let Some(replaced) = emojify(text) {
                    *text = CowStr::from(replaced);
                }
            }
        }
    }
    if settings.bottom_footnotes {
        footnotes_at_end(events, settings.flavour);
    }
}

/// `<<word>>` is guillemets to Goldmark's and kramdown's typographers, which read `<<`
/// before a tag; pulldown-cmark reads `<word>` as one.
fn guillemet_tags(events: &mut [Event<'_>]) {
    for i in 1..events.len().saturating_sub(1) {
        let opens = matches!(&events[i - 1], Event::Text(t) if t.ends_with('<'));
        let closes = matches!(&events[i + 1], Event::Text(t) if t.starts_with('>'));
        if let Event::InlineHtml(html) = &events[i] {
            if opens && closes && !html.contains(char::is_whitespace) {
                events[i] = Event::Text(html.clone());
            }
        }
    }
}

/// Joins each run of adjacent texts into one (pulldown-cmark splits text at `<`, escapes and
/// entities, where the typographers read on), and returns each event's source range.
fn merge_texts(events: &mut Vec<Event<'_>>, ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut merged: Vec<Event<'_>> = Vec::with_capacity(events.len());
    let mut merged_ranges: Vec<Range<usize>> = Vec::with_capacity(events.len());
    for (event, range) in events.drain(..).zip(ranges.iter().cloned()) {
        if let (Event::Text(text), Some(Event::Text(last))) = (&event, merged.last_mut()) {
            let joined = format!("{last}{text}");
            *last = CowStr::from(joined);
            if let Some(r) = merged_ranges.last_mut() {
                r.end = range.end.max(r.end);
            }
            continue;
        }
        merged.push(event);
        merged_ranges.push(range);
    }
    *events = merged;
    merged_ranges
}

/// Goldmark without `unsafe`: each HTML block and each inline tag is left out, a comment in
/// its place.
fn omit_raw_html(events: &mut [Event<'_>]) {
    // (in a block, its comment written)
    let mut block = (false, false);
    for event in events.iter_mut() {
        match event {
            Event::Start(Tag::HtmlBlock) => block = (true, false),
            Event::End(TagEnd::HtmlBlock) => block = (false, false),
            Event::Html(html) if block.0 => {
                *html = CowStr::from(if block.1 {
                    ""
                } else {
                    "<!-- raw HTML omitted -->\n"
                });
                block.1 = true;
            }
            Event::Html(html) | Event::InlineHtml(html) => *html = CowStr::from(OMITTED),
            _ => {}
        }
    }
}

/// `text` with each `:code:` of a known emoji replaced by the emoji; `None` when it has none.
pub(crate) fn emojify(text: &str) -> Option<String> {
    if !text.contains(':') {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(open) = rest.find(':') {
        let after = &rest[open + 1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-')))
            .unwrap_or(after.len());
        if name_len > 0 && after[name_len..].starts_with(':') {
            if let Some(emoji) = emojis::get_by_shortcode(&after[..name_len]) {
                out.push_str(&rest[..open]);
                out.push_str(emoji.as_str());
                rest = &after[name_len + 1..];
                changed = true;
                continue;
            }
        }
        out.push_str(&rest[..open + 1]);
        rest = after;
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// Footnotes as Goldmark, kramdown and Zola's `bottom_footnotes` print them: numbered in the
/// order they are first referred to, the ones never referred to left out, collected in a list
/// at the end with a link back to each reference.
fn footnotes_at_end(events: &mut Vec<Event<'_>>, flavour: Flavour) {
    if !events
        .iter()
        .any(|e| matches!(e, Event::FootnoteReference(_)))
    {
        // Definitions without a reference are not printed.
        if events
            .iter()
            .any(|e| matches!(e, Event::Start(Tag::FootnoteDefinition(_))))
        {
            strip_definitions(events);
        }
        return;
    }
    let mut bodies: Vec<(String, Vec<Event<'_>>)> = Vec::new();
    let mut stack: Vec<(String, Vec<Event<'_>>)> = Vec::new();
    // Each label's number and how many references it has.
    let mut numbers: HashMap<String, (usize, usize)> = HashMap::new();
    let mut main = Vec::with_capacity(events.len());
    for event in events.drain(..) {
        match event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                stack.push((label.to_string(), Vec::new()));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some(body) = stack.pop() {
                    bodies.push(body);
                }
            }
            Event::FootnoteReference(label) => {
                let next = numbers.len() + 1;
                let (n, count) = numbers.entry(label.to_string()).or_insert((next, 0));
                *count += 1;
                let reference =
                    Event::Html(CowStr::from(reference_html(flavour, &label, *n, *count)));
                match stack.last_mut() {
                    Some((_, body)) => body.push(reference),
                    None => main.push(reference),
                }
            }
            event => match stack.last_mut() {
                Some((_, body)) => body.push(event),
                None => main.push(event),
            },
        }
    }
    bodies.retain(|(label, _)| numbers.contains_key(label));
    bodies.sort_by_key(|(label, _)| numbers[label].0);
    let mut seen = std::collections::HashSet::new();
    bodies.retain(|(label, _)| seen.insert(label.clone()));
    main.push(Event::Html(CowStr::from(match flavour {
        Flavour::Zola => "<section class=\"footnotes\">\n<ol class=\"footnotes-list\">\n",
        Flavour::Kramdown => "<div class=\"footnotes\" role=\"doc-endnotes\">\n<ol>\n",
        _ => "<div class=\"footnotes\" role=\"doc-endnotes\">\n<hr>\n<ol>\n",
    })));
    for (label, body) in bodies {
        let (n, count) = numbers[&label];
        let id = match flavour {
            Flavour::Kramdown | Flavour::Zola => label.clone(),
            _ => n.to_string(),
        };
        let item = match flavour {
            Flavour::Zola => format!("<li id=\"fn-{}\">", escape(&id)),
            _ => format!("<li id=\"fn:{}\">\n", escape(&id)),
        };
        main.push(Event::Html(CowStr::from(item)));
        let backrefs = backrefs_html(flavour, &id, count);
        // The links back go inside the last paragraph when the note ends with one.
        let ends_in_paragraph = matches!(body.last(), Some(Event::End(TagEnd::Paragraph)));
        let len = body.len();
        for (i, event) in body.into_iter().enumerate() {
            if ends_in_paragraph && i + 1 == len {
                main.push(Event::Html(CowStr::from(format!("{backrefs}</p>\n"))));
            } else {
                main.push(event);
            }
        }
        if !ends_in_paragraph {
            main.push(Event::Html(CowStr::from(backrefs)));
        }
        main.push(Event::Html(CowStr::from("</li>\n")));
    }
    main.push(Event::Html(CowStr::from(match flavour {
        Flavour::Zola => "</ol>\n</section>\n",
        _ => "</ol>\n</div>\n",
    })));
    *events = main;
}

/// Drops footnote definitions that nothing refers to.
fn strip_definitions(events: &mut Vec<Event<'_>>) {
    let mut depth = 0usize;
    events.retain(|e| match e {
        Event::Start(Tag::FootnoteDefinition(_)) => {
            depth += 1;
            false
        }
        Event::End(TagEnd::FootnoteDefinition) => {
            depth = depth.saturating_sub(1);
            false
        }
        _ => depth == 0,
    });
}

/// The `count`-th reference to note `n` (labelled `label`).
fn reference_html(flavour: Flavour, label: &str, n: usize, count: usize) -> String {
    let label = escape(label);
    match flavour {
        Flavour::Zola => format!(
            "<sup class=\"footnote-reference\" id=\"fr-{label}-{count}\"><a href=\"#fn-{label}\">{n}</a></sup>"
        ),
        Flavour::Kramdown => {
            let id = if count == 1 {
                format!("fnref:{label}")
            } else {
                format!("fnref:{label}:{}", count - 1)
            };
            format!(
                "<sup id=\"{id}\" role=\"doc-noteref\"><a href=\"#fn:{label}\" class=\"footnote\" rel=\"footnote\">{n}</a></sup>"
            )
        }
        _ => {
            let id = if count == 1 {
                format!("fnref:{n}")
            } else {
                format!("fnref{}:{n}", count - 1)
            };
            format!(
                "<sup id=\"{id}\"><a href=\"#fn:{n}\" class=\"footnote-ref\" role=\"doc-noteref\">{n}</a></sup>"
            )
        }
    }
}

/// The links from a note back to its `count` references.
fn backrefs_html(flavour: Flavour, id: &str, count: usize) -> String {
    let id = escape(id);
    let mut out = String::new();
    for k in 1..=count.max(1) {
        let _ = match flavour {
            Flavour::Zola if k == 1 => write!(out, " <a href=\"#fr-{id}-{k}\">↩</a>"),
            Flavour::Zola => write!(out, " <a href=\"#fr-{id}-{k}\">↩{k}</a>"),
            Flavour::Kramdown if k == 1 => write!(
                out,
                "&#160;<a href=\"#fnref:{id}\" class=\"reversefootnote\" role=\"doc-backlink\">&#8617;</a>"
            ),
            Flavour::Kramdown => write!(
                out,
                "&#160;<a href=\"#fnref:{id}:{}\" class=\"reversefootnote\" role=\"doc-backlink\">&#8617;<sup>{k}</sup></a>",
                k - 1
            ),
            _ if k == 1 => write!(
                out,
                "&#160;<a href=\"#fnref:{id}\" class=\"footnote-backref\" role=\"doc-backlink\">&#x21a9;&#xfe0e;</a>"
            ),
            _ => write!(
                out,
                "&#160;<a href=\"#fnref{}:{id}\" class=\"footnote-backref\" role=\"doc-backlink\">&#x21a9;&#xfe0e;</a>",
                k - 1
            ),
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::markdown::render;
    use super::*;

    fn html(markdown: &str, settings: Markdown) -> String {
        render(markdown, &settings).unwrap().html
    }

    #[test]
    fn goldmark_links_bare_urls_outside_code_and_links() {
        let out = html(
            "See https://github.com/coredns/coredns/pull/4957. Or www.example.org, \
             `https://not.linked`, [https://a.b](https://c.d).\n",
            Markdown::goldmark(),
        );
        assert!(out.contains("<a href=\"https://github.com/coredns/coredns/pull/4957\">https://github.com/coredns/coredns/pull/4957</a>."), "{out}");
        assert!(
            out.contains("<a href=\"https://www.example.org\">www.example.org</a>,"),
            "{out}"
        );
        assert!(out.contains("<code>https://not.linked</code>"), "{out}");
        assert!(
            out.contains("<a href=\"https://c.d\">https://a.b</a>"),
            "{out}"
        );
        let plain = html("See https://example.org/x\n", Markdown::kramdown());
        assert!(!plain.contains("<a"), "{plain}");
    }

    #[test]
    fn hard_wraps_break_lines_only_when_the_site_says_so() {
        let wrapped = Markdown {
            hard_wraps: true,
            ..Markdown::goldmark()
        };
        assert_eq!(html("a\nb\n", wrapped), "<p>a<br />\nb</p>\n");
        assert_eq!(html("a\nb\n", Markdown::goldmark()), "<p>a\nb</p>\n");
    }

    #[test]
    fn goldmark_without_unsafe_omits_raw_html() {
        let out = html(
            "<div>\n<b>x</b>\n</div>\n\nText <span>y</span>.\n",
            Markdown::goldmark(),
        );
        assert!(!out.contains("<b>") && !out.contains("<span>"), "{out}");
        assert!(
            out.contains("Text <!-- raw HTML omitted -->y<!-- raw HTML omitted -->."),
            "{out}"
        );
    }
}
