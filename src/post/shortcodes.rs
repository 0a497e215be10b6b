//! Hugo shortcodes (`{{< param X >}}`), Liquid tags (`{% toc %}`) and Jekyll variables
//! (`{{ site.X }}`), expanded in the Markdown source before it is rendered. Code spans and
//! code blocks are never touched.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag};
use serde_json::{Map, Value};

use super::links::Index;
use super::markdown::{options, TOC_MARKER};
use crate::config::Site;
use crate::diag::Severity;

/// The page a body belongs to: what its shortcodes and tags may read.
pub(crate) struct Page<'a> {
    /// The site.
    pub site: &'a Site,
    /// The post's title.
    pub title: &'a str,
    /// Its front-matter keys herald does not interpret (Hugo's page params, `page.X`).
    pub params: &'a Map<String, Value>,
    /// Every post, for links between posts.
    pub index: &'a Index,
}

/// The expanded source and the problems found, each with its 0-based line in the body.
#[derive(Debug, Default)]
pub(crate) struct Expanded {
    pub text: String,
    pub warnings: Vec<(usize, Severity, String)>,
}

/// Expands every shortcode, tag and variable outside code in a post body.
pub(crate) fn expand(body: &str, page: &Page<'_>) -> Expanded {
    let mut expanded = expand_tags(body, page);
    if expanded.text.contains("@/") {
        internal_links(&mut expanded, page);
    }
    expanded
}

/// Zola's internal links, `[text](@/blog/post.md#anchor)`, to the target post's real URL;
/// a target that is not a post of the site is an error, as in Zola.
fn internal_links(expanded: &mut Expanded, page: &Page<'_>) {
    let text = std::mem::take(&mut expanded.text);
    let code = code_ranges(&text);
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    for (at, _) in text.match_indices("@/") {
        let opens_link = text[..at].ends_with("](") || text[..at].ends_with("href=\"");
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
                out.push_str(&text[at..end]);
            }
        }
        rest = end;
    }
    out.push_str(&text[rest..]);
    expanded.text = out;
}

fn expand_tags(body: &str, page: &Page<'_>) -> Expanded {
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
        // Paired shortcodes that change their inner text: the inner text is theirs.
        let name = tag.name();
        if tag.kind == Kind::Shortcode && matches!(name.as_str(), "comment" | "details") {
            if let Some((inner, after)) = paired_inner(&body[end..], &name) {
                let args = Args::of(tag.inner);
                if name == "details" {
                    let summary = args.get("summary", 0).unwrap_or_else(|| "Details".into());
                    out.text.push_str(&format!(
                        "<details><summary>{}</summary>\n\n{inner}\n\n</details>",
                        escape(&summary)
                    ));
                }
                rest = end + after;
                search = rest;
                continue;
            }
        }
        match tag.expand(page) {
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
            Err((severity, message)) => out.warnings.push((line, severity, message)),
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

/// Hugo's built-in shortcodes that herald renders.
const BUILT_IN: &[&str] = &[
    "param",
    "ref",
    "relref",
    "figure",
    "youtube",
    "vimeo",
    "gist",
    "x",
    "tweet",
    "twitter",
    "instagram",
    "comment",
    "details",
    "qr",
    "highlight",
];

/// A shortcode's arguments: positional ones and `name="value"` ones.
struct Args {
    positional: Vec<String>,
    named: Vec<(String, String)>,
}

impl Args {
    fn of(inner: &str) -> Args {
        let mut args = Args {
            positional: Vec::new(),
            named: Vec::new(),
        };
        let mut chars = inner.trim().trim_end_matches('/').chars().peekable();
        // Skip the name.
        while chars.next_if(|c| !c.is_whitespace()).is_some() {}
        loop {
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
            if chars.peek().is_none() {
                break;
            }
            let mut word = String::new();
            let mut key = None;
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                chars.next();
                match c {
                    '"' | '\'' | '`' => {
                        for q in chars.by_ref() {
                            if q == c {
                                break;
                            }
                            word.push(q);
                        }
                    }
                    '=' if key.is_none() => key = Some(std::mem::take(&mut word)),
                    c => word.push(c),
                }
            }
            match key {
                Some(key) => args.named.push((key, word)),
                None => args.positional.push(word),
            }
        }
        args
    }

    /// A named argument, else the positional one at `position`.
    fn get(&self, name: &str, position: usize) -> Option<String> {
        self.named
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .or_else(|| self.positional.get(position).cloned())
    }

    fn named(&self, name: &str) -> Option<String> {
        self.named
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }
}

/// Escapes text for HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    pulldown_cmark_escape::escape_html(&mut out, text).expect("writing to a String");
    out
}

/// A link to an embed, with its title: what a feed reader and a mail client can show.
fn embed(url: &str, label: &str) -> String {
    format!("<a href=\"{}\">{}</a>", escape(url), escape(label))
}

/// Hugo's built-in shortcodes, rendered as Hugo renders them where the result survives
/// sanitising, and an embed as a link (or a linked thumbnail) with its title.
fn hugo_shortcode(
    name: &str,
    args: &Args,
    page: &Page<'_>,
    written: String,
) -> Result<Expansion, (Severity, String)> {
    let text = |s: String| Ok(Expansion::Text(s));
    let missing = |what: &str| {
        Err((
            Severity::Warning,
            format!("`{written}` has no {what}: removed"),
        ))
    };
    match name {
        "param" => {
            let key = args.get("", 0).unwrap_or_default();
            match page_param(page, &key) {
                Some(value) => text(absolute_scheme(value)),
                None => Err((
                    Severity::Warning,
                    format!("unknown param `{key}` in `{written}`: removed"),
                )),
            }
        }
        "ref" | "relref" => {
            let target = args.get("path", 0).unwrap_or_default();
            match page.index.url(&target) {
                Some(url) => text(url),
                None if !page.index.knows_the_site() => {
                    text(page_url(page.site, &target))
                }
                None => Err((
                    Severity::Error,
                    format!("`{written}`: no page {target:?} in the site (Hugo stops with REF_NOT_FOUND)"),
                )),
            }
        }
        "figure" => {
            let Some(src) = args.named("src") else {
                return missing("src");
            };
            let caption = args.named("caption");
            let title = args.named("title");
            let attr = args.named("attr");
            let mut html = String::from("<figure>");
            if let Some(link) = args.named("link") {
                html.push_str(&format!("<a href=\"{}\">", escape(&link)));
            }
            html.push_str(&format!("<img src=\"{}\"", escape(&src)));
            if let Some(alt) = args.named("alt").or_else(|| caption.clone()) {
                html.push_str(&format!(" alt=\"{}\"", escape(&alt)));
            }
            for dim in ["width", "height"] {
                if let Some(v) = args.named(dim) {
                    html.push_str(&format!(" {dim}=\"{}\"", escape(&v)));
                }
            }
            html.push('>');
            if args.named("link").is_some() {
                html.push_str("</a>");
            }
            if title.is_some() || caption.is_some() || attr.is_some() {
                html.push_str("<figcaption>");
                if let Some(title) = &title {
                    html.push_str(&format!("<h4>{}</h4>", escape(title)));
                }
                if caption.is_some() || attr.is_some() {
                    html.push_str("<p>");
                    html.push_str(&escape(caption.as_deref().unwrap_or("")));
                    if let Some(attr) = &attr {
                        match args.named("attrlink") {
                            Some(link) => html.push_str(&format!(
                                "<a href=\"{}\">{}</a>",
                                escape(&link),
                                escape(attr)
                            )),
                            None => html.push_str(&escape(attr)),
                        }
                    }
                    html.push_str("</p>");
                }
                html.push_str("</figcaption>");
            }
            html.push_str("</figure>");
            text(html)
        }
        "youtube" => match args.get("id", 0) {
            Some(id) => {
                let title = args
                    .named("title")
                    .unwrap_or_else(|| "YouTube video".into());
                text(format!(
                    "<a href=\"https://www.youtube.com/watch?v={id}\"><img src=\"https://i.ytimg.com/vi/{id}/hqdefault.jpg\" alt=\"{}\"></a><br><a href=\"https://www.youtube.com/watch?v={id}\">{}</a>",
                    escape(&title),
                    escape(&title),
                    id = escape(&id),
                ))
            }
            None => missing("video id"),
        },
        "vimeo" => match args.get("id", 0) {
            Some(id) => text(embed(
                &format!("https://vimeo.com/{id}"),
                &args.named("title").unwrap_or_else(|| "Vimeo video".into()),
            )),
            None => missing("video id"),
        },
        "gist" => match (args.get("user", 0), args.get("id", 1)) {
            (Some(user), Some(id)) => {
                let file = args.get("file", 2);
                let label = match &file {
                    Some(file) => format!("Gist {user}/{id}: {file}"),
                    None => format!("Gist {user}/{id}"),
                };
                text(embed(
                    &format!("https://gist.github.com/{user}/{id}"),
                    &label,
                ))
            }
            _ => missing("user and id"),
        },
        "x" | "tweet" | "twitter" => match (args.get("user", 0), args.get("id", 1)) {
            (Some(user), Some(id)) => text(embed(
                &format!("https://x.com/{user}/status/{id}"),
                &format!("Post by @{user} on X"),
            )),
            _ => missing("user and id"),
        },
        "instagram" => match args.get("id", 0) {
            Some(id) => text(embed(
                &format!("https://www.instagram.com/p/{id}/"),
                "Instagram post",
            )),
            None => missing("post id"),
        },
        "qr" => match args.get("text", 0) {
            Some(value) if value.starts_with("https://") || value.starts_with("http://") => {
                text(embed(&value, &value))
            }
            Some(value) => text(escape(&value)),
            None => missing("text"),
        },
        // Paired ones whose close is alone here (their open had no match).
        "comment" | "details" => text(String::new()),
        _ => Err((
            Severity::Warning,
            format!("unknown shortcode `{name}` in `{written}`: tags removed, inner text kept"),
        )),
    }
}

/// Hugo's `param`: the page's params first (top level or under `params:`), then the site's,
/// each with dotted paths (`notes.docker`).
fn page_param(page: &Page<'_>, key: &str) -> Option<String> {
    let lookup = |map: &Map<String, Value>| -> Option<String> {
        let mut value: Option<&Value> = None;
        for (i, part) in key.split('.').enumerate() {
            let current = if i == 0 {
                map.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(part))
                    .map(|(_, v)| v)
            } else {
                value?
                    .as_object()?
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(part))
                    .map(|(_, v)| v)
            };
            value = Some(current?);
        }
        crate::config::generator::text(value?)
    };
    lookup(page.params)
        .or_else(|| {
            page.params
                .get("params")
                .and_then(Value::as_object)
                .and_then(lookup)
        })
        .or_else(|| page.site.param(key))
}

/// Jekyll's and Liquid's tags.
fn liquid_tag(name: &str, inner: &str, page: &Page<'_>) -> Result<Expansion, (Severity, String)> {
    let text = |s: String| Ok(Expansion::Text(s));
    let argument = inner
        .split_whitespace()
        .nth(1)
        .unwrap_or("")
        .trim_matches(|c| c == '"' || c == '\'');
    match name {
        "toc" => text(format!("\n{TOC_MARKER}\n")),
        "raw" => Ok(Expansion::Raw),
        "endraw" => text(String::new()),
        "post_url" | "link" => match page.index.post(argument) {
            Some(url) => text(url),
            None if name == "link" && !argument.contains("_posts/") => {
                // A page of the site, not a post: its URL as Jekyll writes it.
                let path = argument
                    .trim_start_matches('/')
                    .trim_end_matches(".md")
                    .trim_end_matches(".markdown");
                text(format!("{}/{path}.html", page.site.base()))
            }
            None => Err((
                Severity::Error,
                format!("`{{% {inner} %}}`: no post {argument:?} in the site (Jekyll stops on it)"),
            )),
        },
        "include" | "include_relative" => Err((
            Severity::Warning,
            format!("`{{% {inner} %}}`: includes are the theme's, not rendered: removed"),
        )),
        _ => Err((
            Severity::Warning,
            format!("unknown tag `{{% {name} %}}`: tag removed, inner text kept"),
        )),
    }
}

/// `{{ site.X }}`, `{{ page.X }}` and string literals, with `relative_url` and `absolute_url`.
fn liquid_output(inner: &str, page: &Page<'_>) -> Result<Expansion, (Severity, String)> {
    let mut parts = inner.split('|').map(str::trim);
    let expr = parts.next().unwrap_or("");
    let value = if let Some(literal) = expr
        .strip_prefix('"')
        .and_then(|e| e.strip_suffix('"'))
        .or_else(|| expr.strip_prefix('\'').and_then(|e| e.strip_suffix('\'')))
    {
        Some(literal.to_string())
    } else if let Some(key) = expr.strip_prefix("site.") {
        site_variable(page.site, key)
    } else if let Some(key) = expr.strip_prefix("page.") {
        match key {
            "title" => Some(page.title.to_string()),
            _ => page_param(
                &Page {
                    site: page.site,
                    title: page.title,
                    params: page.params,
                    index: page.index,
                },
                key,
            )
            .filter(|_| {
                page.params
                    .contains_key(key.split('.').next().unwrap_or(""))
            }),
        }
    } else {
        None
    };
    let Some(mut value) = value else {
        return Err((
            Severity::Warning,
            format!("unknown variable `{{{{ {expr} }}}}`: removed"),
        ));
    };
    for filter in parts {
        value = match filter {
            "relative_url" => format!(
                "{}/{}",
                page.site.base_url.path().trim_end_matches('/'),
                value.trim_start_matches('/')
            ),
            "absolute_url" => format!("{}/{}", page.site.base(), value.trim_start_matches('/')),
            _ => value,
        };
    }
    Ok(Expansion::Text(value))
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
        _ => site
            .param(key)
            .or_else(|| {
                // Nested: `site.author.name`.
                let (first, rest) = key.split_once('.')?;
                let mut value = site.config.params.get(first)?;
                for part in rest.split('.') {
                    value = value.as_table()?.get(part)?;
                }
                Some(match value {
                    toml::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
            })
            .map(absolute_scheme),
    }
}

/// Turns `{{< highlight x >}}…{{< /highlight >}}` and `{% highlight x %}…{% endhighlight %}`
/// into fenced code blocks, and drops kramdown attribute-list lines (`{:.no_toc}`). The
/// number of lines is kept, so line numbers in warnings still point into the file.
fn code_blocks(body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 64);
    let mut fence: Option<String> = None; // the closing fence of an open code block
                                          // The indent of an open highlight block's opening tag: its closing fence uses it, not
                                          // the closing tag's own (an indented `{{< / highlight >}}` would not close the fence).
    let mut highlight_indent: Option<String> = None;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim();
        let indent = &line[..line.len() - line.trim_start().len()];
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
        } else if let Some(lang) = highlight_open(trimmed) {
            // At most three spaces, or the fence itself would be indented code.
            let open_indent: String = indent.chars().take(3).collect();
            fence = Some("````".to_string());
            out.push_str(&open_indent);
            out.push_str("````");
            out.push_str(lang);
            out.push('\n');
            highlight_indent = Some(open_indent);
        } else if is_attribute_line(trimmed) {
            out.push('\n');
        } else {
            out.push_str(line);
        }
    }
    out
}

/// A kramdown (`{:.no_toc}`) or Goldmark (`{.mt-3}`, `{#id .class}`) attribute line:
/// classes and ids the sanitiser drops anyway, so the line goes.
fn is_attribute_line(line: &str) -> bool {
    line.len() > 2
        && line.ends_with('}')
        && (line.starts_with("{:") || line.starts_with("{.") || line.starts_with("{#"))
        && !line[1..line.len() - 1].contains(['{', '}'])
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
            },
        )
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
            let got = run(input);
            assert_eq!(got.text, want, "{input}");
            assert!(got.warnings.is_empty(), "{input}: {:?}", got.warnings);
        }
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
            "````java\nint x;\n````\nprose https://nightlies.apache.org/flink/\n"
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
