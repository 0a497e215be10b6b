//! Before shortcodes are expanded: Hugo's and Liquid's highlight blocks made fenced code
//! blocks and kramdown's attribute-list lines dropped, the number of lines kept.

use super::*;

/// Turns `{{< highlight x >}}…{{< /highlight >}}` and `{% highlight x %}…{% endhighlight %}`
/// into fenced code blocks, and drops kramdown attribute-list lines (`{:.no_toc}`). The
/// number of lines is kept, so line numbers in warnings still point into the file.
pub(super) fn code_blocks(body: &str, markdown: &Markdown) -> String {
    // Most posts have neither: they are copied as they are.
    let end_of_block = markdown.flavour == Flavour::Kramdown
        && memchr::memmem::find(body.as_bytes(), b"\n^").is_some()
        || markdown.definition_lists && memchr::memmem::find(body.as_bytes(), b"\n:").is_some();
    let tables = markdown.flavour == Flavour::Goldmark && body.contains("-|");
    if !braces(body).attribute
        && !end_of_block
        && !tables
        && memchr::memmem::find(body.as_bytes(), b"highlight").is_none()
    {
        return body.to_string();
    }
    let mut out = String::with_capacity(body.len() + 64);
    let mut fence: Option<String> = None; // the closing fence of an open code block
                                          // The indent of an open highlight block's opening tag: its closing fence uses it, not
                                          // the closing tag's own (an indented `{{< / highlight >}}` would not close the fence).
    let mut highlight_indent: Option<String> = None;
    // Where the last two lines start in `out`, and whether the one before the last is text.
    let (mut last_start, mut text_before_last, mut last_text) = (0usize, false, false);
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim();
        let indent = &line[..line.len() - line.trim_start().len()];
        if tables
            && fence.is_none()
            && highlight_indent.is_none()
            && text_before_last
            && is_delimiter_row(trimmed)
            && out[last_start..].contains('|')
        {
            // Goldmark's table may follow a paragraph's line; pulldown-cmark's starts a block.
            out.insert(last_start, '\n');
        }
        text_before_last = last_text;
        last_text = fence.is_none() && !trimmed.is_empty() && indent.len() < 4;
        last_start = out.len();
        if let Some(open_indent) = &highlight_indent {
            if is_tag(trimmed, &["/highlight", "endhighlight"]) {
                out.push_str(open_indent);
                out.push_str(fence.as_deref().unwrap_or("```"));
                out.push('\n');
                highlight_indent = None;
                fence = None;
            } else {
                out.push_str(line);
            }
            continue;
        }
        if let Some(open) = &fence {
            if trimmed.starts_with(open.as_str()) {
                fence = None;
            }
            out.push_str(line);
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            let marker: String = trimmed
                .chars()
                .take_while(|&c| c == '`' || c == '~')
                .collect();
            fence = Some(marker);
            out.push_str(line);
        } else if let Some(lang) = highlight_open(trimmed).filter(|_| {
            // Goldmark sites print Hugo's highlight through its output (expand_tags).
            match markdown.flavour {
                Flavour::Herald => true,
                Flavour::Kramdown => trimmed.starts_with("{%"),
                Flavour::Goldmark | Flavour::Zola => false,
            }
        }) {
            // At most three spaces, or the fence itself would be indented code.
            let open_indent: String = indent.chars().take(3).collect();
            fence = Some("````".to_string());
            out.push_str(&open_indent);
            out.push_str("````");
            out.push_str(lang);
            out.push('\n');
            highlight_indent = Some(open_indent);
        } else if indent.len() < 4 && is_attribute_line(trimmed, markdown) {
            out.push('\n');
        } else if markdown.flavour == Flavour::Kramdown && trimmed == "^" {
            // kramdown's end-of-block marker: what follows is a new block (a comment line
            // ends a list or a paragraph in CommonMark too, and is dropped with HTML's).
            out.push_str("<!-- -->\n");
        } else if markdown.definition_lists
            && indent.len() < 4
            && trimmed.starts_with(':')
            && !trimmed[1..].starts_with([' ', '\t'])
            && !trimmed[1..].is_empty()
        {
            // Goldmark and kramdown start a definition only at `: `; pulldown-cmark at `:`.
            out.push_str(indent);
            out.push('\\');
            out.push_str(line.trim_start());
        } else if markdown.flavour == Flavour::Kramdown && line.contains("{:") {
            out.push_str(&without_span_attributes(line));
        } else {
            out.push_str(line);
        }
    }
    out
}

/// A kramdown (`{:.no_toc}`) or Goldmark (`{.mt-3}`, `{#id .class}`) attribute line that
/// the site's generator reads: classes and ids the sanitiser drops anyway, so the line goes.
/// Goldmark reads its own only with `parser.attribute.block`, and prints kramdown's.
fn is_attribute_line(line: &str, markdown: &Markdown) -> bool {
    let shaped =
        line.len() > 2 && line.ends_with('}') && !line[1..line.len() - 1].contains(['{', '}']);
    let kramdown = line.starts_with("{:");
    let goldmark = line.starts_with("{.") || line.starts_with("{#");
    shaped
        && match markdown.flavour {
            Flavour::Herald => kramdown || goldmark,
            Flavour::Kramdown => kramdown,
            Flavour::Goldmark => goldmark && markdown.block_attributes,
            Flavour::Zola => false,
        }
}

/// A GFM table's delimiter row: `|---|:---:|`, `--- | ---`.
fn is_delimiter_row(line: &str) -> bool {
    let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
    line.contains('-')
        && (line.contains('|') || cells.len() > 1)
        && cells.iter().all(|cell| {
            let cell = cell.trim_start_matches(':').trim_end_matches(':');
            !cell.is_empty() && cell.chars().all(|c| c == '-')
        })
}

/// A line without kramdown's span attribute lists (`![x](y){: .icon width="70"}`,
/// `*a*{:.b}`): the attributes the sanitiser drops anyway. (After a backtick it may be code.)
fn without_span_attributes(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("{:") {
        let follows_span = rest[..at].ends_with([')', ']', '*', '_']);
        let close = rest[at..].find('}').map(|c| at + c);
        match close {
            Some(close) if follows_span && !rest[at + 2..close].contains('{') => {
                out.push_str(&rest[..at]);
                rest = &rest[close + 1..];
            }
            _ => {
                out.push_str(&rest[..at + 2]);
                rest = &rest[at + 2..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_tag(line: &str, names: &[&str]) -> bool {
    Tag_::parse(line).is_some_and(|t| t.len == line.len() && names.contains(&t.name().as_str()))
}

/// The language of a highlight opening tag that fills the line.
fn highlight_open(line: &str) -> Option<&str> {
    let tag = Tag_::parse(line)?;
    // Hugo's `{{< highlight >}}` and Jekyll's `{% highlight %}`.
    (tag.len == line.len() && tag.kind != Kind::LiquidOutput && tag.name() == "highlight")
        .then(|| tag.inner.split_whitespace().nth(1).unwrap_or(""))
}
