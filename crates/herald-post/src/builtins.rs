//! What each generator's shortcodes and tags turn into: Hugo's built-ins rendered as Hugo
//! renders them (an embed as a link), Jekyll's and Liquid's tags and variables. The grammar
//! that finds them in a post is `shortcodes.rs`.

use serde_json::{Map, Value};

use super::links::Index;
use super::markdown::TOC_MARKER;
use herald_config::diag::Severity;
use herald_config::Site;
use herald_entry::markup::escape_html as escape;

/// The page a body belongs to: what its shortcodes and tags may read.
pub(crate) struct Page<'a> {
    /// The site.
    pub site: &'a Site,
    /// The post's title.
    pub title: &'a str,
    /// Its front-matter keys herald does not interpret (Hugo's page params, `page.X`).
    pub params: &'a Map<String, Value>,
    /// Every post, for links between posts.
    pub index: &'a Index<'a>,
    /// The post's file, relative to the site's root (`_posts/2020-01-01-x.md`).
    pub rel: &'a str,
}

/// What a tag turns into.
pub(crate) enum Expansion {
    Text(String),
    /// `{% raw %}`: copy everything up to `{% endraw %}` verbatim.
    Raw,
}

/// Hugo's built-in shortcodes that herald renders.
pub(crate) const BUILT_IN: &[&str] = &[
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
pub(crate) struct Args {
    positional: Vec<String>,
    named: Vec<(String, String)>,
}

impl Args {
    pub(crate) fn of(inner: &str) -> Args {
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
    pub(crate) fn get(&self, name: &str, position: usize) -> Option<String> {
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

/// A link to an embed, with its title: what a feed reader and a mail client can show.
fn embed(url: &str, label: &str) -> String {
    format!("<a href=\"{}\">{}</a>", escape(url), escape(label))
}

/// Hugo's built-in shortcodes, rendered as Hugo renders them where the result survives
/// sanitising, and an embed as a link (or a linked thumbnail) with its title.
pub(crate) fn hugo_shortcode(
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
                // As Hugo prints it: a `//host/x` value is text as written, and the
                // sanitiser makes it `https://host/x` where it is a link.
                Some(value) => text(value),
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
        herald_config::generator::text(value?)
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
pub(crate) fn liquid_tag(
    name: &str,
    inner: &str,
    page: &Page<'_>,
) -> Result<Expansion, (Severity, String)> {
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
                // A page of the site, not a post: its `permalink`, else its path as Jekyll
                // writes it; a page that is not there is an error, as in Jekyll.
                let relative = argument.trim_start_matches('/');
                let file = page.site.root.join(relative);
                if relative.split('/').any(|part| part == "..") || !file.is_file() {
                    return Err((
                        Severity::Error,
                        format!("`{{% {inner} %}}`: no page {argument:?} in the site (Jekyll stops on it)"),
                    ));
                }
                let permalink = super::links::front_matter_of(&file)
                    .and_then(|front| front.get("permalink")?.as_str().map(str::to_string));
                match permalink {
                    Some(permalink) => text(format!(
                        "{}/{}",
                        page.site.base(),
                        permalink.trim_start_matches('/')
                    )),
                    None => {
                        let path = relative
                            .trim_end_matches(".md")
                            .trim_end_matches(".markdown");
                        text(format!("{}/{path}.html", page.site.base()))
                    }
                }
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
pub(crate) fn liquid_output(inner: &str, page: &Page<'_>) -> Result<Expansion, (Severity, String)> {
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
            _ => page_param(page, key).filter(|_| {
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
        _ => site.param(key).or_else(|| {
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
        }),
    }
}
