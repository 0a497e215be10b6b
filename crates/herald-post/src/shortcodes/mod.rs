//! Hugo shortcodes (`{{< param X >}}`), Liquid tags (`{% toc %}`) and Jekyll variables
//! (`{{ site.X }}`), expanded in the Markdown source before it is rendered. Code spans and
//! code blocks are never touched.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag};

pub(crate) use super::builtins::Page;
use super::builtins::{hugo_shortcode, liquid_output, liquid_tag, Args, Expansion, BUILT_IN};
use super::markdown::options;
use herald_config::diag::Severity;
use herald_config::generator::{Flavour, Markdown};
use herald_config::Rules;
use herald_entry::markup::escape_html as escape;

mod blocks;

use blocks::code_blocks;

/// The expanded source and the problems found, each with its 0-based line in the body.
#[derive(Debug, Default)]
pub(crate) struct Expanded {
    pub text: String,
    pub warnings: Vec<(usize, Severity, String)>,
    /// What each `{{< … >}}` shortcode of a Hugo post printed: the text holds a placeholder
    /// ([`placeholder`]) for it, replaced in the rendered HTML, as Hugo does. Its output is
    /// not Markdown, and not raw HTML that `markup.goldmark.renderer.unsafe` leaves out.
    pub outputs: Vec<String>,
}

/// The URL a reference that does not resolve gets: the sanitiser drops it from the link,
/// whose text stays.
pub(crate) const UNRESOLVED: &str = "herald-unresolved:";

/// The placeholder for the `n`-th shortcode output: letters and digits only, so Markdown
/// leaves it as it is wherever it stands (text, a link's URL).
pub(crate) fn placeholder(n: usize) -> String {
    format!("HERALDSHORTCODE{n}X")
}

impl Expanded {
    /// `html` (rendered from [`Expanded::text`] or a part of it) with each placeholder
    /// replaced by its output; a placeholder alone in a paragraph replaces the paragraph.
    pub(crate) fn fill(&self, html: String) -> String {
        if self.outputs.is_empty() || !html.contains("HERALDSHORTCODE") {
            return html;
        }
        let mut html = html;
        for (n, output) in self.outputs.iter().enumerate().rev() {
            let token = placeholder(n);
            html = html
                .replace(&format!("<p>{token}</p>"), output)
                .replace(&token, output);
        }
        html
    }
}

/// Expands every shortcode, tag and variable outside code in a post body.
pub(crate) fn expand(body: &str, page: &Page<'_>) -> Expanded {
    let mut expanded = expand_tags(body, page);
    if expanded.text.contains("@/") {
        internal_links(&mut expanded, page);
    }
    let relative_links = matches!(&page.site.config.rules, Rules::Jekyll(r) if r.relative_links);
    if relative_links && expanded.text.contains(".md") {
        expanded.text = relative_links_to_urls(&expanded.text, page);
    }
    expanded
}

/// Zola's internal links, `[text](@/blog/post.md#anchor)`, to the target post's real URL;
/// a target that is not a post of the site is an error, as in Zola.
fn internal_links(expanded: &mut Expanded, page: &Page<'_>) {
    let text = std::mem::take(&mut expanded.text);
    let code = code_ranges(&text, text.len());
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    for (at, _) in text.match_indices("@/") {
        let before = &text[..at];
        // `[text](@/x.md)`, `href="@/x.md"`, and a reference definition `[x]: @/x.md`.
        let opens_link = before.ends_with("](")
            || before.ends_with("href=\"")
            || before.trim_end_matches([' ', '\t']).ends_with("]:");
        if !opens_link || at < rest || code.iter().any(|r| r.contains(&at)) {
            continue;
        }
        let end = text[at..]
            .find([')', '"', ' ', '\n'])
            .map_or(text.len(), |e| at + e);
        let target = &text[at + 2..end];
        out.push_str(&text[rest..at]);
        match page.index.url(target) {
            Some(url) => out.push_str(&url),
            None => {
                let line = text[..at].matches('\n').count();
                expanded.warnings.push((
                    line,
                    Severity::Error,
                    format!(
                        "internal link `@/{target}`: no such page in the site (Zola stops on it)"
                    ),
                ));
                out.push_str(UNRESOLVED);
            }
        }
        rest = end;
    }
    out.push_str(&text[rest..]);
    expanded.text = out;
}

/// `jekyll-relative-links`: `[x](other-post.md)` and `[x]: ../_pages/a.md` go to the URL of
/// the post or page that file is, relative to the post's own folder; the rest stay.
fn relative_links_to_urls(text: &str, page: &Page<'_>) -> String {
    let folder = page.rel.rsplit_once('/').map_or("", |(dir, _)| dir);
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    for (at, _) in text.match_indices(".md") {
        if at < rest {
            continue;
        }
        let start = text[..at].rfind(['(', ' ', '\n', '<']).map_or(0, |s| s + 1);
        let opens = text[..start].ends_with("](") || text[..start].trim_end().ends_with("]:");
        let end_of_path = at + 3;
        let after = &text[end_of_path..];
        let anchor_len = if after.starts_with('#') {
            after.find([')', ' ', '\n']).unwrap_or(after.len())
        } else {
            0
        };
        let closes = after[anchor_len..].starts_with([')', ' ', '\n']) || after.len() == anchor_len;
        let target = &text[start..end_of_path];
        if !opens || !closes || target.contains("://") || target.starts_with('/') {
            continue;
        }
        let mut path: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
        for part in target.split('/') {
            match part {
                "." | "" => {}
                ".." => {
                    path.pop();
                }
                part => path.push(part),
            }
        }
        let Some(url) = page.index.url(&path.join("/")) else {
            continue;
        };
        out.push_str(&text[rest..start]);
        out.push_str(&url);
        out.push_str(&after[..anchor_len]);
        rest = end_of_path + anchor_len;
    }
    out.push_str(&text[rest..]);
    out
}

fn expand_tags(body: &str, page: &Page<'_>) -> Expanded {
    let body = code_blocks(body, &page.site.config.rules.markdown());
    // Every tag starts `{{` or `{%`: none starts after the last of them.
    let Some(last) = braces(&body).last_tag else {
        return Expanded {
            text: body,
            warnings: Vec::new(),
            outputs: Vec::new(),
        };
    };
    // The code is found (by a Markdown pass of its own) only once a tag is: in most posts
    // every `{` is in code or opens no tag.
    let mut code: Option<Vec<Range<usize>>> = None;
    let mut next_code = 0; // the first range of `code` that may hold what comes next
    let mut out = Expanded {
        text: String::with_capacity(body.len()),
        warnings: Vec::new(),
        outputs: Vec::new(),
    };
    let flavour = page.site.config.rules.markdown().flavour;
    let mut rest = 0; // start of the part of `body` not yet copied
    let mut search = 0;
    let (mut lines, mut counted) = (0, 0); // the line breaks in `body[..counted]`
    while let Some(found) = memchr::memchr(b'{', &body.as_bytes()[search..]) {
        let start = search + found;
        search = start + 1;
        let Some(tag) = Tag_::parse(&body[start..]).filter(|t| {
            flavour_reads(flavour, t.kind)
                // Liquid reads `{{< x >}}` as an output it cannot evaluate, and prints nothing.
                || flavour == Flavour::Kramdown && t.angle
        }) else {
            // Not a tag, or not one of this site's generator: text as it is.
            continue;
        };
        // Jekyll runs Liquid over the whole text, code included (`{% raw %}` keeps it out);
        // herald's own posts and Hugo's keep code as written.
        if flavour != Flavour::Kramdown {
            let code = code.get_or_insert_with(|| code_ranges(&body, last.max(start)));
            while code.get(next_code).is_some_and(|r| r.end <= start) {
                next_code += 1;
            }
            if code.get(next_code).is_some_and(|r| r.start <= start) {
                continue;
            }
        }
        out.text.push_str(&body[rest..start]);
        lines += memchr::memchr_iter(b'\n', &body.as_bytes()[counted..start]).count();
        counted = start;
        let line = lines;
        let mut end = start + tag.len;
        // Paired shortcodes that change their inner text: the inner text is theirs.
        let name = tag.name();
        let goldmark = flavour == Flavour::Goldmark;
        if tag.kind == Kind::Shortcode
            && (matches!(name.as_str(), "comment" | "details") || goldmark && name == "highlight")
        {
            if let Some((inner, after)) = paired_inner(&body[end..], &name) {
                let args = Args::of(tag.inner);
                let mut output = |html: String, text: &mut String| {
                    if goldmark {
                        text.push_str(&placeholder(out.outputs.len()));
                        out.outputs.push(html);
                    } else {
                        text.push_str(&html);
                    }
                };
                if name == "details" {
                    let summary = args.get("summary", 0).unwrap_or_else(|| "Details".into());
                    output(
                        format!("<details><summary>{}</summary>", escape(&summary)),
                        &mut out.text,
                    );
                    out.text.push_str(&format!("\n\n{inner}\n\n"));
                    output("</details>".into(), &mut out.text);
                } else if name == "highlight" {
                    // Hugo's highlight prints its inside as code, wherever it stands (in an
                    // HTML block too, where a fence would be text).
                    let lang = args.get("", 0).unwrap_or_default();
                    let code = inner.strip_prefix('\n').unwrap_or(inner).trim_end();
                    output(
                        format!(
                            "<pre><code class=\"language-{}\">{}\n</code></pre>",
                            escape(&lang),
                            escape(code)
                        ),
                        &mut out.text,
                    );
                }
                rest = end + after;
                search = rest;
                continue;
            }
        }
        let expansion = if flavour == Flavour::Kramdown && tag.kind == Kind::Shortcode {
            Err((
                Severity::Warning,
                format!(
                    "`{}` is a Hugo shortcode: Jekyll's Liquid prints nothing for it",
                    tag.written()
                ),
            ))
        } else {
            tag.expand(page)
        };
        match expansion {
            Ok(Expansion::Text(text)) if flavour == Flavour::Goldmark && tag.angle => {
                out.text.push_str(&placeholder(out.outputs.len()));
                out.outputs.push(text);
            }
            Ok(Expansion::Text(text)) => out.text.push_str(&text),
            Ok(Expansion::Raw) => {
                let inner = &body[end..];
                let (verbatim, after) = match find_endraw(inner) {
                    Some((at, len)) => (&inner[..at], at + len),
                    None => (inner, inner.len()),
                };
                out.text.push_str(verbatim);
                end += after;
            }
            Err((severity, message)) => {
                // A reference that does not resolve leaves a link that goes nowhere (it is
                // dropped, its text kept), never one to the post itself.
                let expanded = !(flavour == Flavour::Kramdown && tag.kind == Kind::Shortcode);
                if expanded && matches!(name.as_str(), "ref" | "relref" | "post_url" | "link") {
                    out.text.push_str(UNRESOLVED);
                }
                out.warnings.push((line, severity, message))
            }
        }
        rest = end;
        search = end;
    }
    out.text.push_str(&body[rest..]);
    out
}

fn find_endraw(text: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(at) = text[from..].find("{%") {
        let at = from + at;
        if let Some(tag) = Tag_::parse(&text[at..]) {
            if tag.name() == "endraw" {
                return Some((at, tag.len));
            }
        }
        from = at + 2;
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// `{{< … >}}` or `{{% … %}}`
    Shortcode,
    /// `{% … %}`
    LiquidTag,
    /// `{{ … }}`
    LiquidOutput,
}

/// Whether a site of `flavour` reads tags of `kind`: Hugo its shortcodes, Jekyll Liquid, Zola
/// its shortcodes (written as Liquid's are), herald's own posts all of them.
fn flavour_reads(flavour: Flavour, kind: Kind) -> bool {
    match flavour {
        Flavour::Herald => true,
        Flavour::Goldmark => kind == Kind::Shortcode,
        Flavour::Kramdown | Flavour::Zola => kind != Kind::Shortcode,
    }
}

/// One template tag found in the text (named with a trailing `_` to stay clear of
/// pulldown-cmark's `Tag`).
struct Tag_<'a> {
    kind: Kind,
    inner: &'a str,
    len: usize,
    /// `{{< … >}}`, whose output is not Markdown (`{{% … %}}`'s is).
    angle: bool,
}

impl<'a> Tag_<'a> {
    /// Reads the tag that `text` starts with, if it is one.
    fn parse(text: &'a str) -> Option<Tag_<'a>> {
        let (kind, open, close) = if text.starts_with("{{<") {
            (Kind::Shortcode, 3, ">}}")
        } else if text.starts_with("{{%") {
            (Kind::Shortcode, 3, "%}}")
        } else if text.starts_with("{%") {
            (Kind::LiquidTag, 2, "%}")
        } else if text.starts_with("{{") {
            (Kind::LiquidOutput, 2, "}}")
        } else {
            return None;
        };
        let close_at = text[open..].find(close)? + open;
        let inner = &text[open..close_at];
        // A tag may span lines, but not a paragraph of prose, nor hold another tag's start.
        let lines = inner.matches('\n').count();
        let most = if kind == Kind::LiquidOutput { 2 } else { 12 };
        if lines > most || inner.contains("\n\n") || inner.contains("{{") || inner.contains("{%") {
            return None; // not a tag, just braces in prose
        }
        let inner = inner.trim_matches('-').trim();
        Some(Tag_ {
            kind,
            inner,
            len: close_at + close.len(),
            angle: close == ">}}",
        })
    }

    /// The tag's name; a closing tag's name keeps its slash (`{{< / x >}}` is `/x`).
    fn name(&self) -> String {
        match self.inner.strip_prefix('/') {
            Some(rest) => format!("/{}", rest.split_whitespace().next().unwrap_or("")),
            None => self
                .inner
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_string(),
        }
    }

    fn expand(&self, page: &Page<'_>) -> Result<Expansion, (Severity, String)> {
        let name = self.name();
        let warn = |message: String| Err((Severity::Warning, message));
        let text = |s: String| Ok(Expansion::Text(s));
        match self.kind {
            Kind::Shortcode => {
                if let Some(closed) = name.strip_prefix('/') {
                    // The close of a paired shortcode whose open was kept: nothing to show.
                    return if BUILT_IN.contains(&closed) {
                        text(String::new())
                    } else {
                        warn(format!(
                            "unknown shortcode `{closed}`: tags removed, inner text kept"
                        ))
                    };
                }
                hugo_shortcode(&name, &Args::of(self.inner), page, self.written())
            }
            Kind::LiquidTag => liquid_tag(&name, self.inner, page),
            Kind::LiquidOutput => liquid_output(self.inner, page),
        }
    }

    /// The tag as the post wrote it, for messages.
    fn written(&self) -> String {
        match self.kind {
            Kind::Shortcode => format!("{{{{< {} >}}}}", self.inner),
            Kind::LiquidTag => format!("{{% {} %}}", self.inner),
            Kind::LiquidOutput => format!("{{{{ {} }}}}", self.inner),
        }
    }
}

/// The inner text of a paired shortcode up to its close (`{{< /name >}}`, any spacing),
/// and how far past the close it ends.
fn paired_inner<'t>(text: &'t str, name: &str) -> Option<(&'t str, usize)> {
    let mut from = 0;
    while let Some(at) = text[from..].find("{{") {
        let at = from + at;
        if let Some(tag) = Tag_::parse(&text[at..]) {
            if tag.kind == Kind::Shortcode && tag.name() == format!("/{name}") {
                return Some((&text[..at], at + tag.len));
            }
        }
        from = at + 2;
    }
    None
}

/// What a body's `{`s open: whether any opens a kramdown attribute list (`{:`, `{.`,
/// `{#`), and where the last tag (`{{` or `{%`) starts. One pass of memchr over the `{`s:
/// a search for each of the five read every body five times (see BENCHMARKS.md, Profiling
/// notes).
struct Braces {
    attribute: bool,
    last_tag: Option<usize>,
}

fn braces(body: &str) -> Braces {
    let bytes = body.as_bytes();
    let mut found = Braces {
        attribute: false,
        last_tag: None,
    };
    for at in memchr::memchr_iter(b'{', bytes) {
        match bytes.get(at + 1) {
            Some(b'{' | b'%') => found.last_tag = Some(at),
            Some(b':' | b'.' | b'#') => found.attribute = true,
            _ => {}
        }
    }
    found
}

/// Byte ranges of code spans and code blocks, in order, up to the one that may hold `until`:
/// events come in the order of where they start, and the inline parse of what follows the
/// last tag is skipped. Only the text up to the first blank line after `until` is parsed
/// (see [`parse_end`]); a block that goes on past that line ends there instead.
fn code_ranges(text: &str, until: usize) -> Vec<Range<usize>> {
    let text = &text[..parse_end(text, until)];
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        if range.start > until {
            break;
        }
        if matches!(event, Event::Code(_) | Event::Start(Tag::CodeBlock(_))) {
            if ranges.last().is_some_and(|last| last.end >= range.end) {
                continue;
            }
            ranges.push(range);
        }
    }
    ranges
}

/// The end of the first blank line after the line holding `until` (the end of `text` if
/// none). What follows a blank line never changes whether what precedes it is code: a
/// paragraph, and so every code span, ends at it; a code block or HTML block that goes on
/// past it held everything before it already; and a link reference defined later can make
/// a link, which never takes a code span's place.
fn parse_end(text: &str, until: usize) -> usize {
    let bytes = text.as_bytes();
    let Some(found) = memchr::memchr(b'\n', &bytes[until.min(bytes.len())..]) else {
        return text.len();
    };
    let mut start = until + found + 1;
    loop {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |at| start + at);
        if end == bytes.len() {
            return text.len();
        }
        if bytes[start..end]
            .iter()
            .all(|b| matches!(b, b' ' | b'\t' | b'\r'))
        {
            return end + 1;
        }
        start = end + 1;
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Map;

    use super::*;
    use crate::links::Index;
    use crate::markdown::TOC_MARKER;
    use herald_config::{Config, Site};

    fn site() -> Site {
        let mut config = Config {
            base_url: "https://flink.apache.org".into(),
            ..Config::default()
        };
        config
            .params
            .insert("DocsBaseUrl".into(), "//nightlies.apache.org/flink/".into());
        config.params.insert(
            "DOCS_BASE_URL".into(),
            "https://nightlies.apache.org/flink/".into(),
        );
        Site::new(config, ".".into()).unwrap()
    }

    /// Expands a body of a post titled `T` with no params, on a site with no posts.
    fn run(input: &str) -> Expanded {
        let site = site();
        let params = Map::new();
        let index = Index::default();
        expand(
            input,
            &Page {
                site: &site,
                title: "T",
                params: &params,
                index: &index,
                rel: "_posts/2020-01-01-t.md",
            },
        )
    }

    #[test]
    fn expands_each_kind_of_tag() {
        let cases = [
            (
                "[a]({{< param DocsBaseUrl >}}x/)",
                "[a](//nightlies.apache.org/flink/x/)",
            ),
            (
                "[a]({{% param \"DocsBaseUrl\" %}}x/)",
                "[a](//nightlies.apache.org/flink/x/)",
            ),
            (
                "[a]({{site.DOCS_BASE_URL}}x)",
                "[a](https://nightlies.apache.org/flink/x)",
            ),
            ("[a]({{ site.baseurl }}/img.png)", "[a](/img.png)"),
            (
                "see {{< relref \"downloads\" >}}",
                "see https://flink.apache.org/downloads/",
            ),
            ("{% raw %}{{ x }}{% endraw %}", "{{ x }}"),
            ("a {%toc%} b", format!("a \n{TOC_MARKER}\n b").leak()),
        ];
        for (input, want) in cases {
            let got = run(input);
            assert_eq!(got.text, want, "{input}");
            assert!(got.warnings.is_empty(), "{input}: {:?}", got.warnings);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// Parsing only up to the first blank line after a place finds the code the whole
        /// text has at every byte up to that place.
        #[test]
        fn the_code_up_to_a_place_is_found_without_what_follows_it(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "`", "``", "```\n", "~~~\n", "    ", "\t", "- ", "1. ", "> ", "x", "a b", "\n",
                "\n\n", "\n  \n", "\r\n", "{{", "[r]", "\n[r]: /u\n", "[l](`x`)", "<pre>",
                "</pre>", "<!--", "-->", "<div>", "| a |\n|---|\n", "[^1]", "\n[^1]: n\n",
                "***", "\\`", "<code>", "# h\n", "===\n",
            ]), 0..40),
            place in 0usize..200,
        ) {
            let text: String = parts.concat();
            let until = place.min(text.len());
            let whole = code_ranges_unbounded(&text);
            let parsed = code_ranges(&text, until);
            for at in 0..=until {
                let in_whole = whole.iter().any(|r| r.contains(&at));
                let in_parsed = parsed.iter().any(|r| r.contains(&at));
                proptest::prop_assert_eq!(in_whole, in_parsed, "at {} of {:?}", at, text);
            }
        }
    }

    /// Every code range of the whole text, the plain way.
    fn code_ranges_unbounded(text: &str) -> Vec<Range<usize>> {
        Parser::new_ext(text, options())
            .into_offset_iter()
            .filter(|(event, _)| matches!(event, Event::Code(_) | Event::Start(Tag::CodeBlock(_))))
            .map(|(_, range)| range)
            .collect()
    }

    #[test]
    fn code_is_never_touched() {
        let input = "`{{< param DocsBaseUrl >}}`\n\n```\n{% toc %}\n```\n";
        assert_eq!(run(input).text, input);
    }

    #[test]
    fn highlight_blocks_become_fences() {
        let input = "a\n{{< highlight java >}}\nint x = {{ y }};\n{{< /highlight >}}\nb\n";
        assert_eq!(run(input).text, "a\n````java\nint x = {{ y }};\n````\nb\n");
        let input = "{% highlight scala %}\nval x\n{% endhighlight %}\n";
        assert_eq!(run(input).text, "````scala\nval x\n````\n");
    }

    #[test]
    fn unknown_tags_warn_and_keep_inner_text() {
        let got = run("x\n{{< note >}}Careful{{< /note >}} {% unknown %}");
        assert_eq!(got.text, "x\nCareful ");
        assert_eq!(got.warnings.len(), 3);
        assert_eq!(
            got.warnings[0],
            (
                1,
                Severity::Warning,
                "unknown shortcode `note` in `{{< note >}}`: tags removed, inner text kept".into()
            )
        );
    }

    #[test]
    fn hugo_built_ins_render_and_survive_as_links() {
        let cases = [
            (
                "{{< figure src=\"/img/a.png\" title=\"Steps\" caption=\"A *flow*\" >}}",
                "<figure><img src=\"/img/a.png\" alt=\"A *flow*\"><figcaption><h4>Steps</h4><p>A *flow*</p></figcaption></figure>",
            ),
            (
                "{{% figure\n    src=\"b.png\"\n    link=\"https://x.org/\"\n%}}",
                "<figure><a href=\"https://x.org/\"><img src=\"b.png\"></a></figure>",
            ),
            (
                "{{< youtube w7Ft2ymGmfc >}}",
                "<a href=\"https://www.youtube.com/watch?v=w7Ft2ymGmfc\"><img src=\"https://i.ytimg.com/vi/w7Ft2ymGmfc/hqdefault.jpg\" alt=\"YouTube video\"></a><br><a href=\"https://www.youtube.com/watch?v=w7Ft2ymGmfc\">YouTube video</a>",
            ),
            (
                "{{< gist spf13 7896402 >}}",
                "<a href=\"https://gist.github.com/spf13/7896402\">Gist spf13/7896402</a>",
            ),
            (
                "{{< x user=\"SanDiegoZoo\" id=\"1453110110599868418\" >}}",
                "<a href=\"https://x.com/SanDiegoZoo/status/1453110110599868418\">Post by @SanDiegoZoo on X</a>",
            ),
            ("a {{< comment >}}hidden {{< x >}}{{< /comment >}}b", "a b"),
            (
                "{{< details summary=\"More\" >}}Inner{{< /details >}}",
                "<details><summary>More</summary>\n\nInner\n\n</details>",
            ),
        ];
        for (input, want) in cases {
            let got = run(input);
            assert_eq!(got.text, want, "{input}");
            assert!(got.warnings.is_empty(), "{input}: {:?}", got.warnings);
        }
    }

    #[test]
    fn an_indented_closing_highlight_closes_its_block() {
        let got = run("{{< highlight java >}}\nint x;\n    {{< / highlight >}} \nprose {{< param DocsBaseUrl >}}\n");
        assert_eq!(
            got.text,
            "````java\nint x;\n````\nprose //nightlies.apache.org/flink/\n"
        );
    }

    #[test]
    fn attribute_lines_go() {
        assert_eq!(
            run("# T\n{.mt-3}\n{:.no_toc}\ntext {.x}\n").text,
            "# T\n\n\ntext {.x}\n"
        );
    }
}
