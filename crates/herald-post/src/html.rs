//! HTML cleaning: one ammonia sanitiser for the whole run, every relative URL made absolute,
//! characters XML forbids removed, and plain text made from the clean HTML.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use url::Url;

use herald_entry::markup::{
    decode_entities, each_token, each_token_until, scan_serialized, scanned_depth, Token,
};

/// Where relative URLs in one post point: root-relative ones at the site, the rest at the page.
#[derive(Debug, Clone)]
pub(crate) struct Bases {
    /// The site's base URL without a trailing slash, e.g. `https://flink.apache.org`.
    pub site: String,
    /// The post's permalink.
    pub page: Url,
}

impl Bases {
    /// Makes one URL absolute; `None` drops it.
    pub(crate) fn resolve(&self, url: &str) -> Option<String> {
        let url = url.trim();
        // `[text]()`: a link to nowhere, not to the post itself.
        if url.is_empty() {
            return None;
        }
        if let Some(rest) = url.strip_prefix("//") {
            Some(format!("https://{rest}"))
        } else if url.starts_with('/') {
            Some(format!("{}{url}", self.site))
        } else {
            self.page.join(url).ok().map(String::from)
        }
    }
}

thread_local! {
    /// The bases of the post being cleaned on this thread. ammonia's URL hooks are fixed when
    /// the sanitiser is built, but the page URL changes with every post.
    static BASES: RefCell<Option<Bases>> = const { RefCell::new(None) };
}

fn resolve_relative(url: &str) -> Option<Cow<'_, str>> {
    resolve_current(url).map(Cow::Owned)
}

fn resolve_current(url: &str) -> Option<String> {
    BASES.with(|b| b.borrow().as_ref().and_then(|bases| bases.resolve(url)))
}

/// The sanitiser, built once and shared by every thread.
pub(crate) struct Sanitizer {
    html: Builder<'static>,
}

impl Sanitizer {
    /// Builds the one sanitiser of a run.
    pub(crate) fn new() -> Sanitizer {
        let mut html = Builder::default();
        html.add_tags(["figure", "figcaption", "center", "picture", "source"])
            .add_generic_attributes(["id"])
            .add_tag_attributes("img", ["srcset", "loading"])
            .add_tag_attributes("source", ["srcset", "type", "media"])
            .add_tag_attributes("ol", ["start"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tags(["input"])
            .rm_url_schemes(["data"])
            .link_rel(Some("noopener"))
            .url_relative(UrlRelative::Custom(Box::new(resolve_relative)))
            .attribute_filter(|element, attribute, value| match (element, attribute) {
                (_, "srcset") => Some(Cow::Owned(clean_srcset(value))),
                ("input", "type") => (value == "checkbox").then_some(Cow::Borrowed(value)),
                _ => Some(Cow::Borrowed(value)),
            });
        Sanitizer { html }
    }

    /// Cleans HTML, making every URL absolute against `bases`.
    pub(crate) fn clean(&self, html: &str, bases: &Bases) -> String {
        BASES.with(|b| *b.borrow_mut() = Some(bases.clone()));
        // `<noscript>` holds what a reader without scripts should see (a lazy-loaded
        // image): feed readers and mail clients run no scripts, so its content stays.
        let html = if html.contains("<noscript") || html.contains("<NOSCRIPT") {
            Cow::Owned(unwrap_noscript(html))
        } else {
            Cow::Borrowed(html)
        };
        // Serialised straight into the string's bytes (`to_string` serialised into a buffer
        // of its own and copied it), with room for what cleaning adds (absolute URLs, `rel`).
        let mut clean = Vec::with_capacity(html.len() + html.len() / 4 + 256);
        self.html
            .clean(&strip_xml_forbidden(&html))
            .write_to(&mut clean)
            .expect("writing to memory");
        let clean = String::from_utf8(clean).expect("html5ever writes UTF-8");
        BASES.with(|b| *b.borrow_mut() = None);
        clean
    }
}

/// Removes `<noscript>` and `</noscript>` tags, keeping what they hold.
fn unwrap_noscript(html: &str) -> String {
    // ASCII lower-casing keeps byte offsets, so one search serves both strings.
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = lower[from..].find("noscript") {
        let at = from + found;
        from = at + "noscript".len();
        let lt = if lower[..at].ends_with("</") {
            at - 2
        } else if lower[..at].ends_with('<') {
            at - 1
        } else {
            continue;
        };
        if lt < copied {
            continue;
        }
        let Some(gt) = lower[at..].find('>') else {
            break;
        };
        out.push_str(&html[copied..lt]);
        copied = at + gt + 1;
        from = copied;
    }
    out.push_str(&html[copied..]);
    out
}

/// Plain text of a piece of HTML that may hold markup and entities (a title, a name).
pub(crate) fn plain(html: &str) -> String {
    static TEXT: LazyLock<Builder<'static>> = LazyLock::new(|| {
        let mut text = Builder::empty();
        text.clean_content_tags(["script", "style"].into_iter().collect());
        text
    });
    let text = if html.contains(['<', '&']) {
        decode_entities(&TEXT.clean(&strip_xml_forbidden(html)).to_string())
    } else {
        strip_xml_forbidden(html).into_owned()
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `srcset` is a list of `url descriptor` pairs; ammonia leaves it alone, so resolve each URL
/// and drop any that is not http(s).
fn clean_srcset(value: &str) -> String {
    value
        .split(',')
        .filter_map(|candidate| {
            let mut parts = candidate.split_whitespace();
            let url = resolve_current(parts.next()?)?;
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return None;
            }
            Some(
                std::iter::once(url)
                    .chain(parts.map(str::to_string))
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Removes the characters XML 1.0 forbids (C0 controls but tab, LF and CR; U+FFFE, U+FFFF).
pub(crate) fn strip_xml_forbidden(text: &str) -> Cow<'_, str> {
    let forbidden = |c: char| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}' || c == '\u{FFFF}'
    };
    // Looked for in the bytes first (a control character is one byte; U+FFFE and U+FFFF
    // are EF BF BE and EF BF BF): decoding every character was a cost on all rendered text
    // (see BENCHMARKS.md, Profiling notes).
    let bytes = text.as_bytes();
    let control = |b: u8| b < b' ' && !matches!(b, b'\t' | b'\n' | b'\r');
    // A block of 64 bytes at a time, each byte looked at without stopping early, which the
    // compiler vectorises: seven times faster than stopping at the first.
    let mut blocks = bytes.chunks_exact(64);
    let control = blocks.any(|block| block.iter().fold(false, |any, &b| any | control(b)))
        || blocks.remainder().iter().any(|&b| control(b));
    let nonchar = memchr::memchr_iter(0xEF, bytes).any(|at| {
        bytes.get(at + 1) == Some(&0xBF) && matches!(bytes.get(at + 2), Some(0xBE | 0xBF))
    });
    if control || nonchar {
        Cow::Owned(text.chars().filter(|&c| !forbidden(c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// How deep raw HTML may nest before it is refused: html5ever's tree building (and so the
/// sanitiser) takes time quadratic in the depth (30,000 nested `<div>`s: 2.4 s).
pub(crate) const MAX_HTML_NESTING: usize = 256;

/// Elements [`too_deep`] does not count: they close themselves or hold nothing.
const SELF_CLOSING: &[&str] = &[
    "p", "li", "td", "th", "tr", "dt", "dd", "option", "optgroup", "thead", "tbody", "tfoot",
    "colgroup", "caption", "rt", "rp", "area", "base", "br", "col", "embed", "hr", "img", "input",
    "link", "meta", "source", "track", "wbr",
];

/// Whether HTML nests deeper than [`MAX_HTML_NESTING`], counting only elements that are
/// closed explicitly (not `<p>`, `<li>`, table cells and the like, which close themselves,
/// nor void elements like `<br>`).
pub(crate) fn too_deep(html: &str) -> bool {
    // A document with fewer tags than the bound cannot nest past it.
    if memchr::memchr_iter(b'<', html.as_bytes()).count() <= MAX_HTML_NESTING {
        return false;
    }
    scanned_depth(html, SELF_CLOSING).unwrap_or_else(|| tokenized_depth(html, SELF_CLOSING))
        > MAX_HTML_NESTING
}

/// The depth html5ever's tokens give: what [`scanned_depth`] answers faster when it can.
fn tokenized_depth(html: &str, flat: &[&str]) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    each_token(html, |token| match token {
        Token::Start(tag) if !flat.contains(&tag.name) => {
            depth += 1;
            deepest = deepest.max(depth);
        }
        Token::End(name) if !flat.contains(&name) => depth = depth.saturating_sub(1),
        _ => {}
    });
    deepest
}

/// A summary cut from sanitised HTML: the text up to about `length` characters, ending at
/// a word boundary with `…`, its inline markup (links, emphasis, code) kept and every
/// element closed again. Only paragraphs, headings made paragraphs, and list items are
/// taken; code blocks, tables, figures and images are left out. `length` 0 gives nothing.
pub(crate) fn summary_of_html(html: &str, length: usize) -> String {
    const INLINE: &[&str] = &["a", "em", "strong", "b", "i", "code", "del", "sup", "sub"];
    const BLOCKS: &[&str] = &["p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"];
    const SKIPPED: &[&str] = &["pre", "table", "figure", "img", "nav", "script", "style"];
    let mut out = String::new();
    let mut open: Vec<&'static str> = Vec::new(); // inline elements open in `out`
    let (mut chars, mut skip, mut in_block, mut done) = (0usize, 0usize, false, length == 0);
    let mut space = false;
    each_token_until(html, |token| {
        if done {
            return false;
        }
        match token {
            Token::Start(tag) if SKIPPED.contains(&tag.name) && tag.name != "img" => skip += 1,
            Token::End(name) if SKIPPED.contains(&name) && name != "img" => {
                skip = skip.saturating_sub(1)
            }
            _ if skip > 0 => {}
            Token::Start(tag) if BLOCKS.contains(&tag.name) => {
                if !in_block {
                    out.push_str("<p>");
                    in_block = true;
                    space = false;
                } else {
                    space = true;
                }
            }
            Token::End(name) if BLOCKS.contains(&name) => space = true,
            Token::Start(tag) => {
                if let Some(&name) = INLINE.iter().find(|n| **n == tag.name) {
                    if !in_block {
                        out.push_str("<p>");
                        in_block = true;
                    }
                    if space && chars > 0 {
                        out.push(' ');
                        chars += 1;
                        space = false;
                    }
                    out.push('<');
                    out.push_str(name);
                    if name == "a" {
                        if let Some(href) = tag.attr("href") {
                            out.push_str(" href=\"");
                            escape_into(&mut out, href);
                            out.push('"');
                        }
                    }
                    out.push('>');
                    open.push(name);
                }
            }
            Token::End(name) => {
                if let Some(at) = open.iter().rposition(|n| *n == name) {
                    for closing in open.drain(at..).rev() {
                        out.push_str("</");
                        out.push_str(closing);
                        out.push('>');
                    }
                }
            }
            Token::Text(text) => {
                for (i, word) in text.split(char::is_whitespace).enumerate() {
                    if i > 0 {
                        space = true;
                    }
                    if word.is_empty() {
                        continue;
                    }
                    if !in_block {
                        out.push_str("<p>");
                        in_block = true;
                        space = false;
                    }
                    let word_chars = word.chars().count();
                    if chars > 0 && chars + 1 + word_chars > length {
                        out.push('…');
                        done = true;
                        return false;
                    }
                    if space && chars > 0 {
                        out.push(' ');
                        chars += 1;
                    }
                    space = false;
                    pulldown_cmark_escape::escape_html_body_text(&mut out, word)
                        .expect("writing to a String");
                    chars += word_chars;
                }
                if text.ends_with(char::is_whitespace) {
                    space = true;
                }
            }
        }
        !done
    });
    for closing in open.drain(..).rev() {
        out.push_str("</");
        out.push_str(closing);
        out.push('>');
    }
    if in_block {
        out.push_str("</p>");
    }
    out
}

fn escape_into(out: &mut String, text: &str) {
    pulldown_cmark_escape::escape_html(&mut *out, text).expect("writing to a String");
}

/// A reader of HTML's tokens: false when it could not give them all.
type Reader = fn(&str, &mut dyn FnMut(Token<'_>)) -> bool;

/// Plain text of a summary: its words, without the links' addresses.
pub(crate) fn summary_text(html: &str) -> String {
    // Where the text is cut makes no difference to its words: the plain scan reads the
    // summaries herald writes, and the tokenizer reads anything else from the start.
    let words = |tokens: Reader| {
        let mut out = String::new();
        tokens(html, &mut |token| {
            if let Token::Text(text) = token {
                out.push_str(text);
            }
        })
        .then(|| out.split_whitespace().collect::<Vec<_>>().join(" "))
    };
    words(scan_serialized)
        .or_else(|| words(tokenized))
        .unwrap_or_default()
}

/// Plain text of sanitised HTML (blocks on their own lines, list items with `- `, links
/// written out after their text, whitespace of `pre` kept) and the `src` of its first
/// `<img>`, in one pass.
pub(crate) fn text_and_first_image(html: &str) -> (String, Option<String>) {
    // The sanitiser's output is read by the plain scan in one pass; only what it cannot
    // read is read again by the tokenizer.
    text_and_first_image_by(html, scan_serialized)
        .or_else(|| text_and_first_image_by(html, tokenized))
        .unwrap_or_default()
}

/// Every token of `html` by the tokenizer, which reads anything.
pub(super) fn tokenized(html: &str, visit: &mut dyn FnMut(Token<'_>)) -> bool {
    each_token(html, visit);
    true
}

/// [`text_and_first_image`] from the tokens `tokens` gives; `None` when it could not give
/// them all.
pub(super) fn text_and_first_image_by(
    html: &str,
    tokens: impl FnOnce(&str, &mut dyn FnMut(Token<'_>)) -> bool,
) -> Option<(String, Option<String>)> {
    let mut out = String::with_capacity(html.len());
    let mut image: Option<Option<String>> = None;
    // Each open link: its href and where its text starts in `out`.
    let mut links: Vec<(Option<String>, usize)> = Vec::new();
    let mut pre = 0usize;
    let whole = tokens(html, &mut |token| match token {
        Token::Text(text) => push_text(&mut out, text, pre > 0),
        Token::Start(tag) => match tag.name {
            "pre" => {
                pre += 1;
                newline(&mut out, 2);
            }
            "br" => out.push('\n'),
            "li" => {
                newline(&mut out, 1);
                out.push_str("- ");
            }
            "td" | "th" if !out.ends_with(['\n', ' ']) => out.push(' '),
            "a" => links.push((tag.attr("href").map(str::to_string), out.len())),
            "img" if image.is_none() => image = Some(tag.attr("src").map(str::to_string)),
            name => block_break(&mut out, name),
        },
        Token::End(name) => match name {
            "pre" => {
                pre = pre.saturating_sub(1);
                newline(&mut out, 2);
            }
            "br" => out.push('\n'),
            "a" => {
                let (href, start) = links.pop().unwrap_or((None, out.len()));
                // A block inside the link may have trimmed the text below where it began,
                // and later text put a character across that place.
                let start = (0..=start.min(out.len()))
                    .rev()
                    .find(|&at| out.is_char_boundary(at))
                    .unwrap_or(0);
                let text = out[start..].trim();
                if let Some(href) = href {
                    let footnote = text.chars().all(|c| c.is_ascii_digit());
                    if !text.is_empty() && text != href && !footnote {
                        out.push_str(" <");
                        out.push_str(&href);
                        out.push('>');
                    }
                }
            }
            name => block_break(&mut out, name),
        },
    });
    whole.then(|| (tidy(&out), image.flatten()))
}

/// The line breaks a block element's start or end puts in the text.
fn block_break(out: &mut String, name: &str) {
    match name {
        "p" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote" | "table" | "ul"
        | "ol" | "hr" | "figure" | "center" | "nav" | "dl" => newline(out, 2),
        "tr" | "dt" | "dd" | "figcaption" | "caption" => newline(out, 1),
        _ => {}
    }
}

/// Text into the plain text: as it is inside `pre`, else with every run of whitespace made
/// one space, none after a line break or at the start.
fn push_text(out: &mut String, text: &str, keep_whitespace: bool) {
    if keep_whitespace {
        out.push_str(text);
        return;
    }
    let bytes = text.as_bytes();
    // Most text has whitespace only as single spaces between words and line breaks: then
    // the runs of words are what lies between the line breaks and tabs (memchr finds them),
    // less a space at either end. Looking at every byte was slow over a full build (see
    // BENCHMARKS.md, Profiling notes).
    static TWO_SPACES: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new(b"  "));
    let irregular = || TWO_SPACES.find(bytes).is_some() || memchr::memchr(0x0c, bytes).is_some();
    if bytes.len() < 32 || irregular() {
        return push_text_by_bytes(out, text);
    }
    let mut space = false;
    let mut from = 0;
    let breaks = memchr::memchr3_iter(b'\n', b'\t', b'\r', bytes);
    for end in breaks.chain(std::iter::once(bytes.len())) {
        let segment = &text[from..end];
        from = end + 1;
        let words = segment.strip_prefix(' ').unwrap_or(segment);
        space |= words.len() < segment.len();
        let run = words.strip_suffix(' ').unwrap_or(words);
        if !run.is_empty() {
            push_run(out, space, run);
            space = false;
        }
        space |= run.len() < words.len() || end < bytes.len();
    }
    push_run(out, space, "");
}

/// A run of words, after a space if `space` and the text so far does not end in one or in
/// a line break (nor is empty).
fn push_run(out: &mut String, space: bool, run: &str) {
    if space && !out.is_empty() && !out.ends_with([' ', '\n']) {
        out.push(' ');
    }
    out.push_str(run);
}

/// [`push_text`] a byte at a time, for any text.
fn push_text_by_bytes(out: &mut String, text: &str) {
    // Runs of whitespace become one space, and none after a line break or at the start.
    // ASCII whitespace is one byte, so the words are found in the bytes (splitting on
    // characters was slower), and words already one space apart are copied as one run
    // (copying word by word was slower again; see BENCHMARKS.md, Profiling notes).
    let bytes = text.as_bytes();
    let mut space = false;
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at].is_ascii_whitespace() {
            space = true;
            at += 1;
            continue;
        }
        let mut end = at;
        while let Some(length) = bytes[end..].iter().position(u8::is_ascii_whitespace) {
            end += length;
            let single = bytes[end] == b' '
                && bytes
                    .get(end + 1)
                    .is_some_and(|next| !next.is_ascii_whitespace());
            if !single {
                break;
            }
            end += 1;
        }
        if !bytes.get(end).is_some_and(u8::is_ascii_whitespace) {
            end = bytes.len();
        }
        push_run(out, space, &text[at..end]);
        space = false;
        at = end;
    }
    push_run(out, space, "");
}

/// Ends the text so far with at least `count` line breaks.
fn newline(out: &mut String, count: usize) {
    let kept = out.trim_end_matches(' ').len();
    out.truncate(kept);
    let have = out.len() - out.trim_end_matches('\n').len();
    if !out.is_empty() && have < count {
        out.extend(std::iter::repeat_n('\n', count - have));
    }
}

/// Trims every line and keeps at most one blank line in a row.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    // The lines as `str::lines` gives them (the trimmed text does not end in a line break),
    // found by memchr: `lines` was slower (see BENCHMARKS.md, Profiling notes).
    let text = text.trim();
    let mut from = 0;
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len()));
    let lines = ends.map(|end| {
        let line = &text[from..end];
        from = end + 1;
        line.strip_suffix('\r').unwrap_or(line)
    });
    for line in lines {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bases() -> Bases {
        Bases {
            site: "https://flink.apache.org".into(),
            page: Url::parse("https://flink.apache.org/2020/09/04/post/").unwrap(),
        }
    }

    #[test]
    fn every_kind_of_relative_url_becomes_absolute() {
        let s = Sanitizer::new();
        let html = s.clean(
            "<a href=\"/x\">a</a><a href=\"y.html\">b</a><a href=\"#fn1\">c</a>\
             <img src=\"//cdn.example/i.png\" srcset=\"a.png 1x, /b.png 2x, javascript:alert(1) 3x\">",
            &bases(),
        );
        assert!(
            html.contains("href=\"https://flink.apache.org/x\""),
            "{html}"
        );
        assert!(
            html.contains("href=\"https://flink.apache.org/2020/09/04/post/y.html\""),
            "{html}"
        );
        assert!(
            html.contains("href=\"https://flink.apache.org/2020/09/04/post/#fn1\""),
            "{html}"
        );
        assert!(html.contains("src=\"https://cdn.example/i.png\""), "{html}");
        assert!(html.contains(
            "srcset=\"https://flink.apache.org/2020/09/04/post/a.png 1x, https://flink.apache.org/b.png 2x\""
        ), "{html}");
        assert!(html.contains("rel=\"noopener\""), "{html}");
    }

    #[test]
    fn hostile_markup_is_removed() {
        let s = Sanitizer::new();
        let html = s.clean(
            "<script>alert(1)</script><img src=x onerror=alert(1)><a href=\"javascript:alert(1)\">j</a>\
             <iframe src=\"https://e.vil\"></iframe><p style=\"color:red\" class=\"c\" id=\"keep\">\u{1}t</p>\
             <a href=\"data:text/html,x\">d</a><center>kept</center><form><input type=text></form>",
            &bases(),
        );
        for bad in [
            "<script",
            "onerror",
            "javascript:",
            "<iframe",
            "style=",
            "class=",
            "data:",
            "<form",
            "\u{1}",
            "type=\"text\"",
        ] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
        assert!(html.contains("id=\"keep\""), "{html}");
        assert!(html.contains("<center>kept</center>"), "{html}");
    }

    #[test]
    fn plain_text_of_titles() {
        assert_eq!(
            plain("Flink &amp; <em>Friends</em> <script>x</script>"),
            "Flink & Friends"
        );
    }

    #[test]
    fn summaries_keep_links_and_close_what_they_open() {
        let html = "<h2>Intro</h2><p>Read <a href=\"https://x.org/a?b=1&amp;c=2\">the <em>long</em> guide</a> now, please.</p>\
                    <pre><code>skipped</code></pre><table><tr><td>a</td><td>b</td></tr></table><p>More text here.</p>";
        assert_eq!(
            summary_of_html(html, 200),
            "<p>Intro Read <a href=\"https://x.org/a?b=1&amp;c=2\">the <em>long</em> guide</a> now, please. More text here.</p>"
        );
        assert_eq!(
            summary_of_html(html, 20),
            "<p>Intro Read <a href=\"https://x.org/a?b=1&amp;c=2\">the <em>long</em>…</a></p>"
        );
        assert_eq!(summary_of_html(html, 0), "");
        assert_eq!(
            summary_text(&summary_of_html(html, 200)),
            "Intro Read the long guide now, please. More text here."
        );
    }

    #[test]
    fn text_from_html() {
        let text = text_and_first_image(
            "<h1>Title</h1><p>One <a href=\"https://x.org/\">link</a> &amp; more.</p>\
             <ul><li>a</li><li>b</li></ul><pre><code>x  =  1\ny</code></pre>",
        )
        .0;
        assert_eq!(
            text,
            "Title\n\nOne link <https://x.org/> & more.\n\n- a\n- b\n\nx  =  1\ny"
        );
    }

    #[test]
    fn a_block_in_a_link_after_a_cell_does_not_cut_a_character() {
        // Found by the proptest below: the cell's space was trimmed by the paragraph, and
        // the no-break space then sat across where the link's text began.
        let html = "<table><tr><td><a href=\"https://x.org/\"><p>\u{a0}";
        let clean = Sanitizer::new().clean(html, &bases());
        // A line of only a no-break space is a blank line, trimmed away.
        assert_eq!(text_and_first_image(&clean).0, "");
        assert_eq!(text_and_first_image(html).0, "");
    }

    #[test]
    fn the_scan_answers_for_ordinary_html_and_defers_on_raw_text() {
        let html = "<div><p>x</p><div class=\"c\"><a href=\"y\">z</a><br></div><!-- n --></div>";
        assert_eq!(scanned_depth(html, &["p", "br"]), Some(3));
        assert_eq!(tokenized_depth(html, &["p", "br"]), 3);
        assert_eq!(scanned_depth("<div><script>x</script></div>", &[]), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// The scan of the tags never answers a depth the tokenizer would not.
        #[test]
        fn the_scanned_depth_is_the_tokenized_depth(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "<div>", "</div>", "<DIV class=\"a\">", "<p>", "</p>", "<li>", "<br/>",
                "<span>", "</span >", "</span x=\"1\">", "<!-- c -->", "<!-->", "<!--->",
                "--!>", "<!--", "-->", "<![CDATA[", "]]>", "<?x>", "<!DOCTYPE html>", "<script>",
                "</script>", "<textarea>", "<title>", "<a href='x'>", "</a>", "<a href=x>", "<",
                ">", "/", "\"", "'", "=", " ", "\n", "text", "&lt;", "</", "<b", "é", "<div/>",
                "<em>", "</em>", "<x-y>", "</x-y>", "<svg>", "</svg>", "<math>",
            ]), 0..40)
        ) {
            let html: String = parts.concat();
            let flat = &["p", "li", "br"][..];
            if let Some(depth) = scanned_depth(&html, flat) {
                proptest::prop_assert_eq!(depth, tokenized_depth(&html, flat), "{:?}", html);
            }
        }

        /// A summary's plain text is the tokenizer's, on summaries herald writes and on HTML
        /// it never wrote.
        #[test]
        fn summary_text_is_the_tokenizers(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "<p>", "</p>", "<a href=\"https://x.org/?a=1&amp;b=2\">", "</a>", "<em>", "</em>",
                "<code>", "</code>", "&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&nbsp;", "&copy;",
                "&amp", " ", "\n", "\r\n", "word", "é", "…", "<", "\"", "<script>", "<!-- c -->",
                "<A HREF=x>", "\u{a0}",
            ]), 0..30)
        ) {
            let words = |html: &str| {
                let mut text = String::new();
                each_token(html, |token| {
                    if let Token::Text(t) = token {
                        text.push_str(t);
                    }
                });
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            };
            let html: String = parts.concat();
            proptest::prop_assert_eq!(summary_text(&html), words(&html), "{:?}", html);
            let summary = summary_of_html(&html, 40);
            proptest::prop_assert_eq!(summary_text(&summary), words(&summary), "{:?}", summary);
        }

        /// Text is pushed as the byte-at-a-time way pushes it, after any text so far.
        #[test]
        fn text_is_pushed_as_byte_by_byte(
            before in proptest::sample::select(vec!["", "x", "x ", "x\n"]),
            parts in proptest::collection::vec(proptest::sample::select(vec![
                " ", "  ", "\n", "\t", "\r", "\r\n", "\u{c}", "\u{b}", "word", "a", "é", "\u{a0}",
                "a b c d e f g h i j k l m n o p", " \n ", "x.",
            ]), 0..40)
        ) {
            let text: String = parts.concat();
            let (mut fast, mut plain) = (before.to_string(), before.to_string());
            push_text(&mut fast, &text, false);
            push_text_by_bytes(&mut plain, &text);
            proptest::prop_assert_eq!(fast, plain, "{:?}", text);
        }

        /// The renderer's bound on the depth is never below the depth the tokenizer reads in
        /// what it rendered, whatever Markdown and raw HTML are mixed.
        #[test]
        fn the_renderers_depth_bound_holds(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "- ", "1. ", "> ", "    ", "  ", "\n", "\n\n", "*", "**", "_", "~~", "`", "```\n",
                "[x](/y)", "![a <b>](i.png)", "[^1]", "\n[^1]: note\n", "| a | b |\n|---|---|\n",
                "| <div> | c |\n", "- [ ] ", "# ", "## h {#id}\n", "x", "text ", "<div>", "</div>",
                "<span>", "</span>", "<em>", "<!-- c -->", "<pre>", "</pre>", "<p>", "<br>",
                "<table><tr><td>", "&lt;", "<", ">", "\"", "<a href=\"", "<![CDATA[", "<script>",
                "\n<div>\n", "\n</div>\n", "<textarea>", "<svg>", "<x-y>",
            ]), 0..60)
        ) {
            let markdown: String = parts.concat();
            if let Ok(rendered) = super::super::markdown::render(&markdown, &herald_config::generator::Markdown::herald()) {
                let depth = tokenized_depth(&rendered.html, SELF_CLOSING);
                proptest::prop_assert!(
                    depth <= rendered.depth_bound,
                    "{} > {}: {:?} gave {:?}", depth, rendered.depth_bound, markdown, rendered.html
                );
            }
        }

        /// The plain scan of sanitised HTML gives the plain text and first image the
        /// tokenizer gives, on the sanitiser's output and on HTML it never wrote.
        #[test]
        fn plain_text_from_the_scan_is_plain_text_from_the_tokenizer(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "<p>", "</p>", "<P CLASS=x>", "<pre>", "</pre>", "<pre>\n", "<li>", "<ul>", "</ul>",
                "<a href=\"https://x.org/?a=1&amp;b=2\">", "<a href='rel/x'>", "</a>", "<br>",
                "<br/>", "<img src=\"/i.png\" alt=\"a &quot;b&quot;\">", "<img src=x>",
                "<table><tr><td>", "</td><td>", "<h2 id=\"h\">", "</h2>", "<script>", "</script>",
                "<!-- c -->", "<![CDATA[x]]>", "&amp;", "&lt;", "&gt;", "&nbsp;", "&copy;", "&#65;",
                "&amp", "&#39;", "\u{a0}", "\r\n", "\u{feff}", " ", "  ", "\n", "\t", "x", "word", "12",
                "é", "<", ">", "\"", "<code>", "</code>", "<em>", "<textarea>", "<x-y>",
            ]), 0..40)
        ) {
            let html: String = parts.concat();
            let reference = |html: &str| {
                text_and_first_image_by(html, tokenized).unwrap()
            };
            proptest::prop_assert_eq!(text_and_first_image(&html), reference(&html), "{:?}", html);
            let clean = Sanitizer::new().clean(&html, &bases());
            proptest::prop_assert_eq!(text_and_first_image(&clean), reference(&clean), "{:?}", clean);
        }

        /// The byte check finds exactly the characters XML forbids.
        #[test]
        fn forbidden_characters_are_found_in_the_bytes(
            chars in proptest::collection::vec(proptest::sample::select(vec![
                'a', ' ', '\t', '\n', '\r', '\0', '\u{1}', '\u{1f}', '\u{7f}', '\u{fffe}',
                '\u{ffff}', '\u{fffd}', '\u{feff}', '\u{f000}', '\u{efbf}', 'é', '€',
            ]), 0..12)
        ) {
            let text: String = chars.iter().collect();
            let forbidden = |c: char| {
                (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}' || c == '\u{FFFF}'
            };
            let expected: String = text.chars().filter(|&c| !forbidden(c)).collect();
            let stripped = strip_xml_forbidden(&text);
            proptest::prop_assert_eq!(&*stripped, expected.as_str());
            proptest::prop_assert_eq!(matches!(stripped, Cow::Borrowed(_)), !text.contains(forbidden));
        }

        /// One character, forbidden or not, anywhere in long text is found or passed over.
        #[test]
        fn forbidden_characters_are_found_anywhere_in_long_text(
            length in 0usize..300,
            at in 0usize..300,
            odd in proptest::sample::select(vec!['\0', '\u{1f}', '\u{b}', '\t', '\r', '\u{fffe}', 'é']),
        ) {
            let mut text = "a".repeat(length);
            text.insert(at.min(length), odd);
            let clean = (matches!(odd, '\t' | '\r') || odd >= ' ') && odd != '\u{fffe}';
            let stripped = strip_xml_forbidden(&text);
            proptest::prop_assert_eq!(matches!(stripped, Cow::Borrowed(_)), clean, "{:?}", text);
            proptest::prop_assert_eq!(stripped.len(), if clean { text.len() } else { length });
        }

        /// Whitespace is collapsed as splitting on characters collapsed it.
        #[test]
        fn text_is_pushed_as_splitting_on_characters_pushed_it(
            before in proptest::collection::vec(proptest::sample::select(vec!['a', ' ', '\n']), 0..4),
            chars in proptest::collection::vec(proptest::sample::select(vec![
                'a', 'b', ' ', '\t', '\n', '\r', '\u{c}', '\u{a0}', 'é', '€', '\u{3000}',
            ]), 0..30)
        ) {
            let text: String = chars.iter().collect();
            let start: String = before.iter().collect();
            let reference = |out: &mut String, text: &str| {
                let mut space = false;
                for piece in text.split(|c: char| c.is_ascii_whitespace()) {
                    if piece.is_empty() {
                        space = true;
                        continue;
                    }
                    if space && !out.is_empty() && !out.ends_with([' ', '\n']) {
                        out.push(' ');
                    }
                    out.push_str(piece);
                    space = true;
                }
                if space
                    && text.ends_with(|c: char| c.is_ascii_whitespace())
                    && !out.is_empty()
                    && !out.ends_with([' ', '\n'])
                {
                    out.push(' ');
                }
            };
            let (mut fast, mut slow) = (start.clone(), start);
            push_text(&mut fast, &text, false);
            reference(&mut slow, &text);
            proptest::prop_assert_eq!(fast, slow);
        }
    }
}
