//! The one Markdown entry point: pulldown-cmark with fixed options, heading ids, the table of
//! contents for `{% toc %}`, and kramdown's `markdown="1"` blocks.

use std::collections::HashSet;
use std::fmt::Write as _;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use herald_config::generator::{Flavour, Markdown};
use herald_entry::markup::escape_html as escape;
use herald_entry::slug;

/// Where `{% toc %}` stood: replaced by the table of contents once headings have ids.
pub(crate) const TOC_MARKER: &str = "<!--herald:toc-->";

/// The Markdown extensions herald reads: those real Hugo and Jekyll blogs use.
pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// The extensions a site's generator reads, with its settings.
fn options_for(settings: &Markdown) -> Options {
    let mut options = options();
    // Zola's is pulldown-cmark's own; Goldmark's and kramdown's are their own (typography.rs).
    if settings.smart_punctuation && settings.flavour == Flavour::Zola {
        options |= Options::ENABLE_SMART_PUNCTUATION;
    }
    if settings.definition_lists {
        options |= Options::ENABLE_DEFINITION_LIST;
    }
    options
}

/// How deep lists, quotes, emphasis and other elements may nest. Real posts stay under ten
/// levels; HTML nested thousands deep costs the sanitiser time quadratic in the depth.
pub(crate) const MAX_NESTING: usize = 100;

/// Markdown rendered to (unsanitised) HTML.
pub(crate) struct Rendered {
    pub html: String,
    /// No element of `html` is nested deeper than this (a bound, not the depth): start tags
    /// come only from the renderer, at most two for each element of Markdown open, and from
    /// raw HTML, at most one for each of its `<`.
    pub depth_bound: usize,
}

/// Renders Markdown to (unsanitised) HTML, or says on which line (0-based, in `markdown`)
/// it nests deeper than [`MAX_NESTING`].
pub(crate) fn render(markdown: &str, settings: &Markdown) -> Result<Rendered, (usize, String)> {
    // Only kramdown (and herald's own posts) read Markdown inside HTML blocks.
    let source = match settings.flavour {
        Flavour::Kramdown | Flavour::Herald => kramdown_blocks(markdown),
        Flavour::Goldmark | Flavour::Zola => markdown.into(),
    };
    let options = options_for(settings);
    // Room for the events of most posts from the start: growing the vector copied them
    // again and again (see BENCHMARKS.md, Profiling notes).
    let mut events: Vec<Event<'_>> = Vec::with_capacity(source.len() / 16 + 16);
    let mut headings_at = Vec::new();
    let (mut depth, mut deepest) = (0usize, 0usize);
    // pulldown-cmark escapes every `<` of text, code, links and attributes, so a start tag
    // the renderer did not write has its `<` in raw HTML. A Markdown element opens at most
    // two (`<pre><code>`, `<thead><tr>`, a footnote's `<div>`), and a leaf two that it
    // closes again (a footnote reference's `<sup><a>`).
    let mut raw_tags = 0usize;
    // Without the offsets, which only the error needs (it parses again to find its line).
    // Source ranges only where a generator's dialect reads them (typography, linkify).
    let dialect = *settings != Markdown::herald();
    let mut ranges = Vec::new();
    for (event, range) in Parser::new_ext(&source, options).into_offset_iter() {
        if nests_too_deep(&mut depth, &event) {
            return Err((
                too_deep_line(&source, options),
                format!("Markdown nested more than {MAX_NESTING} levels deep (lists, quotes, emphasis): not rendered"),
            ));
        }
        deepest = deepest.max(depth);
        match &event {
            Event::Html(html) | Event::InlineHtml(html) => raw_tags += tags_in(html),
            Event::Start(Tag::Heading { .. }) => headings_at.push(events.len()),
            _ => {}
        }
        events.push(event);
        if dialect {
            ranges.push(range);
        }
    }
    let headings = assign_heading_ids(&mut events, &headings_at);
    if source.contains(TOC_MARKER) {
        let toc = toc_html(&headings);
        for event in &mut events {
            if let Event::Html(html) | Event::InlineHtml(html) = event {
                if html.contains(TOC_MARKER) {
                    *html = CowStr::from(html.replace(TOC_MARKER, &toc));
                    raw_tags += tags_in(html);
                }
            }
        }
    }
    if dialect {
        super::dialect::apply(&mut events, &ranges, &source, settings);
    }
    let mut html = String::with_capacity(source.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    // Hugo replaces emoji codes in the whole rendered body, code included.
    if settings.emoji && settings.flavour == Flavour::Goldmark {
        if let Some(replaced) = super::dialect::emojify(&html) {
            html = replaced;
        }
    }
    Ok(Rendered {
        html,
        depth_bound: 2 * deepest + 2 + raw_tags,
    })
}

/// At most how many tags raw HTML starts: its `<`s.
fn tags_in(html: &str) -> usize {
    memchr::memchr_iter(b'<', html.as_bytes()).count()
}

/// The line (0-based) of the event at which `source` first nests deeper than [`MAX_NESTING`].
fn too_deep_line(source: &str, options: Options) -> usize {
    let mut depth = 0usize;
    for (event, range) in Parser::new_ext(source, options).into_offset_iter() {
        if nests_too_deep(&mut depth, &event) {
            return source[..range.start.min(source.len())]
                .matches('\n')
                .count();
        }
    }
    0
}

/// Follows the nesting `depth` through `event`; whether it is now past [`MAX_NESTING`].
fn nests_too_deep(depth: &mut usize, event: &Event<'_>) -> bool {
    match event {
        Event::Start(_) => *depth += 1,
        Event::End(_) => *depth = depth.saturating_sub(1),
        _ => {}
    }
    *depth > MAX_NESTING
}

struct Heading {
    level: HeadingLevel,
    id: String,
    text: String,
}

/// Gives every heading (each starting at an index of `at`) an id, keeping ids the author
/// wrote, and returns the headings in order.
fn assign_heading_ids(events: &mut [Event<'_>], at: &[usize]) -> Vec<Heading> {
    let mut headings = Vec::new();
    let mut used = HashSet::new();
    for &i in at {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i] {
            let level = *level;
            let written = id.as_ref().map(|s| s.to_string());
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let id = unique(written.unwrap_or_else(|| slug(&text)), &mut used);
            if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
                *slot = Some(CowStr::from(id.clone()));
            }
            headings.push(Heading { level, id, text });
        }
    }
    headings
}

fn unique(id: String, used: &mut HashSet<String>) -> String {
    let mut candidate = id.clone();
    let mut n = 1;
    while !used.insert(candidate.clone()) {
        candidate = format!("{id}-{n}");
        n += 1;
    }
    candidate
}

/// A nested list of links to the headings.
fn toc_html(headings: &[Heading]) -> String {
    let mut html = String::from("<nav class=\"toc\">");
    let mut depth: Vec<HeadingLevel> = Vec::new();
    for h in headings {
        while depth.last().is_some_and(|&top| top > h.level) {
            html.push_str("</li></ul>");
            depth.pop();
        }
        if depth.last() == Some(&h.level) {
            html.push_str("</li>");
        } else {
            html.push_str("<ul>");
            depth.push(h.level);
        }
        let _ = write!(html, "<li><a href=\"#{}\">{}</a>", h.id, escape(&h.text));
    }
    for _ in depth {
        html.push_str("</li></ul>");
    }
    html.push_str("</nav>");
    html
}

/// kramdown reads Markdown inside an HTML block whose tag says `markdown="1"`. CommonMark
/// does so when blank lines separate the tags from their inside: add them, drop the attribute.
fn kramdown_blocks(markdown: &str) -> std::borrow::Cow<'_, str> {
    if !markdown.contains("markdown=") {
        return markdown.into();
    }
    let mut out = String::with_capacity(markdown.len() + 64);
    let mut open: Vec<(String, usize)> = Vec::new(); // (tag name, nesting depth)
    for line in markdown.split_inclusive('\n') {
        let stripped = strip_markdown_attr(line);
        let opens_block = stripped.len() != line.len();
        let mut closes_block = false;
        if let Some((name, depth)) = open.last_mut() {
            let opened = line.matches(&format!("<{name}")).count();
            let closed = line.matches(&format!("</{name}")).count();
            *depth = (*depth + opened).saturating_sub(closed);
            if closed > 0 && *depth == 0 {
                closes_block = true;
                open.pop();
            }
        }
        if closes_block {
            out.push('\n');
        }
        out.push_str(&stripped);
        if opens_block {
            let name: String = line
                .trim_start()
                .trim_start_matches('<')
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            open.push((name, 1));
        }
        if opens_block || closes_block {
            if !out.ends_with('\n') {
                out.push('\n');
            }
            out.push('\n');
        }
    }
    out.into()
}

fn strip_markdown_attr(line: &str) -> std::borrow::Cow<'_, str> {
    // Nearly every line of a post that has such a block has no attribute.
    if !line.contains(" markdown=") {
        return line.into();
    }
    let mut line = line.to_string();
    for attr in [
        " markdown=\"1\"",
        " markdown='1'",
        " markdown=1",
        " markdown=\"block\"",
    ] {
        line = line.replace(attr, "");
    }
    line.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_past_the_bound_is_refused_quickly_on_its_line() {
        for hostile in [
            "- ".repeat(30_000),
            "> ".repeat(30_000),
            format!("{}x{}", "*".repeat(30_000), "*".repeat(30_000)),
            "- > ".repeat(15_000),
        ] {
            let started = std::time::Instant::now();
            let result = render(&format!("fine\n\n{hostile}\n"), &Markdown::herald());
            let (line, message) = match result {
                Err(e) => e,
                Ok(Rendered { html, .. }) => {
                    // Emphasis markers that do not nest are text: bounded output is fine.
                    assert!(html.len() < 200_000, "{} bytes", html.len());
                    continue;
                }
            };
            assert_eq!(line, 2, "{message}");
            assert!(
                message.starts_with("Markdown nested more than 100 levels"),
                "{message}"
            );
            assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
        }
        assert!(render(&"- ".repeat(30), &Markdown::herald()).is_ok());
    }

    #[test]
    fn headings_get_ids_and_toc_links_to_them() {
        let html = render(
            &format!("{TOC_MARKER}\n\n# The Past Month\n\n## Flink 1.10.2\n\n# Two {{#own}}\n"),
            &Markdown::herald(),
        )
        .unwrap()
        .html;
        assert!(html.contains("<h1 id=\"the-past-month\">"), "{html}");
        assert!(html.contains("<h2 id=\"flink-1102\">"), "{html}");
        assert!(html.contains("<h1 id=\"own\">"), "{html}");
        assert!(html.contains(
            "<nav class=\"toc\"><ul><li><a href=\"#the-past-month\">The Past Month</a><ul><li><a href=\"#flink-1102\">Flink 1.10.2</a></li></ul></li><li><a href=\"#own\">Two</a></li></ul></nav>"
        ), "{html}");
    }

    #[test]
    fn duplicate_headings_get_unique_ids() {
        let html = render("## A\n\n## A\n", &Markdown::herald()).unwrap().html;
        assert!(
            html.contains("id=\"a\"") && html.contains("id=\"a-1\""),
            "{html}"
        );
    }

    #[test]
    fn kramdown_markdown_attribute_renders_inside() {
        let html = render(
            "<div class=\"alert\" markdown=\"1\">\n**Note** `x`\n</div>\nafter *this*\n",
            &Markdown::herald(),
        )
        .unwrap()
        .html;
        assert!(html.contains("<strong>Note</strong>"), "{html}");
        assert!(html.contains("<em>this</em>"), "{html}");
        assert!(!html.contains("markdown="), "{html}");
    }
}
