//! Hugo shortcodes (`{{< param X >}}`), Liquid tags (`{% toc %}`) and Jekyll variables
//! (`{{ site.X }}`), expanded in the Markdown source before it is rendered. Code spans and
//! code blocks are never touched.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag};

use super::markdown::{options, TOC_MARKER};
use crate::config::Site;

/// The expanded source and the warnings found, each with its 0-based line in the body.
#[derive(Debug, Default)]
pub(crate) struct Expanded {
    pub text: String,
    pub warnings: Vec<(usize, String)>,
}

/// Expands every shortcode, tag and variable outside code in a post body.
pub(crate) fn expand(body: &str, site: &Site) -> Expanded {
    let body = code_blocks(body);
    if !body.contains("{{") && !body.contains("{%") {
        return Expanded {
            text: body,
            warnings: Vec::new(),
        };
    }
    let code = code_ranges(&body);
    let mut out = Expanded {
        text: String::with_capacity(body.len()),
        warnings: Vec::new(),
    };
    let mut rest = 0; // start of the part of `body` not yet copied
    let mut search = 0;
    let mut in_code = code.iter().peekable();
    while let Some(found) = body[search..].find('{') {
        let start = search + found;
        search = start + 1;
        while in_code.next_if(|r| r.end <= start).is_some() {}
        if in_code.peek().is_some_and(|r| r.start <= start) {
            continue;
        }
        let Some(tag) = Tag_::parse(&body[start..]) else {
            continue;
        };
        out.text.push_str(&body[rest..start]);
        let line = body[..start].matches('\n').count();
        let mut end = start + tag.len;
        match tag.expand(site) {
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
            Err(message) => out.warnings.push((line, message)),
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

/// What a tag turns into.
enum Expansion {
    Text(String),
    /// `{% raw %}`: copy everything up to `{% endraw %}` verbatim.
    Raw,
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

/// One template tag found in the text (named with a trailing `_` to stay clear of
/// pulldown-cmark's `Tag`).
struct Tag_<'a> {
    kind: Kind,
    inner: &'a str,
    len: usize,
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
        if inner.contains('\n') && inner.matches('\n').count() > 2 {
            return None; // not a tag, just braces in prose
        }
        let inner = inner.trim_matches('-').trim();
        Some(Tag_ {
            kind,
            inner,
            len: close_at + close.len(),
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

    fn argument(&self) -> Option<&'a str> {
        let arg = self.inner.split_whitespace().nth(1)?;
        Some(arg.trim_matches(|c| c == '"' || c == '\''))
    }

    fn expand(&self, site: &Site) -> Result<Expansion, String> {
        let name = self.name();
        let text = |s: String| Ok(Expansion::Text(s));
        match (self.kind, name.as_str()) {
            (Kind::Shortcode, "param") => {
                let key = self.argument().unwrap_or("");
                match site.param(key) {
                    Some(value) => text(absolute_scheme(value)),
                    None => Err(format!(
                        "unknown param `{key}` in `{{{{< param {key} >}}}}`"
                    )),
                }
            }
            (Kind::Shortcode, "relref" | "ref") => {
                let target = self.argument().unwrap_or("");
                text(page_url(site, target))
            }
            (Kind::LiquidTag, "toc") => text(format!("\n{TOC_MARKER}\n")),
            (Kind::LiquidTag, "raw") => Ok(Expansion::Raw),
            (Kind::LiquidOutput, _) => {
                let expr = self.inner.split('|').next().unwrap_or("").trim();
                match expr
                    .strip_prefix("site.")
                    .and_then(|key| site_variable(site, key))
                {
                    Some(value) => text(value),
                    None => Err(format!("unknown variable `{{{{ {expr} }}}}`: removed")),
                }
            }
            (Kind::Shortcode, _) => Err(format!(
                "unknown shortcode `{name}`: tags removed, inner text kept"
            )),
            (Kind::LiquidTag, _) => Err(format!(
                "unknown tag `{{% {name} %}}`: tag removed, inner text kept"
            )),
        }
    }
}

/// `//host/x` becomes `https://host/x`; anything else is returned as is.
fn absolute_scheme(value: String) -> String {
    match value.strip_prefix("//") {
        Some(rest) => format!("https://{rest}"),
        None => value,
    }
}

/// The site URL of a page named in `relref`, e.g. `downloads` → `https://site/downloads/`.
fn page_url(site: &Site, target: &str) -> String {
    let (path, fragment) = target.split_once('#').unwrap_or((target, ""));
    let path = path
        .trim_start_matches('/')
        .trim_end_matches(".md")
        .trim_end_matches("/_index");
    let mut url = format!("{}/{}", site.base(), path);
    if !path.is_empty() && !url.ends_with('/') {
        url.push('/');
    }
    if !fragment.is_empty() {
        url.push('#');
        url.push_str(fragment);
    }
    url
}

/// Jekyll's `site.X`: the built-ins `url`, `baseurl` and `title`, else a config param.
fn site_variable(site: &Site, key: &str) -> Option<String> {
    match key {
        "url" => Some(site.base_url.origin().ascii_serialization()),
        "baseurl" => Some(site.base_url.path().trim_end_matches('/').to_string()),
        "title" => Some(site.config.title.clone()),
        _ => site.param(key).map(absolute_scheme),
    }
}

/// Turns `{{< highlight x >}}…{{< /highlight >}}` and `{% highlight x %}…{% endhighlight %}`
/// into fenced code blocks, and drops kramdown attribute-list lines (`{:.no_toc}`). The
/// number of lines is kept, so line numbers in warnings still point into the file.
fn code_blocks(body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 64);
    let mut fence: Option<String> = None; // the closing fence of an open code block
    let mut in_highlight = false;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim();
        let indent = &line[..line.len() - line.trim_start().len()];
        if in_highlight {
            if is_tag(trimmed, &["/highlight", "endhighlight"]) {
                out.push_str(indent);
                out.push_str(fence.as_deref().unwrap_or("```"));
                out.push('\n');
                in_highlight = false;
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
        } else if let Some(lang) = highlight_open(trimmed) {
            in_highlight = true;
            fence = Some("````".to_string());
            out.push_str(indent);
            out.push_str("````");
            out.push_str(lang);
            out.push('\n');
        } else if trimmed.starts_with("{:") && trimmed.ends_with('}') {
            out.push('\n');
        } else {
            out.push_str(line);
        }
    }
    out
}

fn is_tag(line: &str, names: &[&str]) -> bool {
    Tag_::parse(line).is_some_and(|t| t.len == line.len() && names.contains(&t.name().as_str()))
}

/// The language of a highlight opening tag that fills the line.
fn highlight_open(line: &str) -> Option<&str> {
    let tag = Tag_::parse(line)?;
    (tag.len == line.len() && tag.kind != Kind::LiquidOutput && tag.name() == "highlight")
        .then(|| tag.inner.split_whitespace().nth(1).unwrap_or(""))
}

/// Byte ranges of code spans and code blocks, in order.
fn code_ranges(text: &str) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        if matches!(event, Event::Code(_) | Event::Start(Tag::CodeBlock(_))) {
            if ranges.last().is_some_and(|last| last.end >= range.end) {
                continue;
            }
            ranges.push(range);
        }
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

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

    #[test]
    fn expands_each_kind_of_tag() {
        let cases = [
            (
                "[a]({{< param DocsBaseUrl >}}x/)",
                "[a](https://nightlies.apache.org/flink/x/)",
            ),
            (
                "[a]({{% param \"DocsBaseUrl\" %}}x/)",
                "[a](https://nightlies.apache.org/flink/x/)",
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
            let got = expand(input, &site());
            assert_eq!(got.text, want, "{input}");
            assert!(got.warnings.is_empty(), "{input}: {:?}", got.warnings);
        }
    }

    #[test]
    fn code_is_never_touched() {
        let input = "`{{< param DocsBaseUrl >}}`\n\n```\n{% toc %}\n```\n";
        assert_eq!(expand(input, &site()).text, input);
    }

    #[test]
    fn highlight_blocks_become_fences() {
        let input = "a\n{{< highlight java >}}\nint x = {{ y }};\n{{< /highlight >}}\nb\n";
        assert_eq!(
            expand(input, &site()).text,
            "a\n````java\nint x = {{ y }};\n````\nb\n"
        );
        let input = "{% highlight scala %}\nval x\n{% endhighlight %}\n";
        assert_eq!(expand(input, &site()).text, "````scala\nval x\n````\n");
    }

    #[test]
    fn unknown_tags_warn_and_keep_inner_text() {
        let got = expand("x\n{{< note >}}Careful{{< /note >}} {% unknown %}", &site());
        assert_eq!(got.text, "x\nCareful ");
        assert_eq!(got.warnings.len(), 3);
        assert_eq!(
            got.warnings[0],
            (
                1,
                "unknown shortcode `note`: tags removed, inner text kept".into()
            )
        );
    }
}
