//! Jekyll's configuration: `_config.yml` at the root (or one folder down, as sites that keep
//! it in `conf/` pass it with `--config`), with `url`, `baseurl`, `permalink`, `timezone`,
//! `source`, `future` and `unpublished`; every top-level value is a `{{ site.X }}` variable.

use std::path::{Path, PathBuf};

use super::model::{Flavour, Generated, JekyllDefault, JekyllRules, Mapped, Markdown, Rules};
use super::values::{
    get, inside_site, line_of_key, map, map_texts, not_honoured, read_value, text, to_toml, truthy,
};
use crate::diag::Diagnostic;

pub(super) fn detect(root: &Path) -> Option<PathBuf> {
    let names = ["_config.yml", "_config.yaml", "_config.toml"];
    if let Some(found) = names.iter().map(|n| root.join(n)).find(|p| p.is_file()) {
        return Some(found);
    }
    let mut below: Vec<PathBuf> = std::fs::read_dir(root)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .filter(|p| p.is_file())
        .collect();
    below.sort();
    below.into_iter().next()
}

/// Whether `plugins` (or the older `gems`) names `name`.
fn uses_plugin(config: &serde_json::Value, name: &str) -> bool {
    ["plugins", "gems"].iter().any(|key| {
        get(config, key)
            .and_then(serde_json::Value::as_array)
            .is_some_and(|list| list.iter().any(|p| text(p).as_deref() == Some(name)))
    })
}

/// `defaults`: each scope (`path`, `type`) with its values, in the order written.
fn defaults(config: &serde_json::Value) -> Vec<JekyllDefault> {
    let Some(serde_json::Value::Array(items)) = get(config, "defaults") else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            let values = get(item, "values")?.as_object()?;
            let scope = get(item, "scope");
            let path = scope
                .and_then(|s| get(s, "path"))
                .and_then(text)
                .unwrap_or_default();
            let kind = scope.and_then(|s| get(s, "type")).and_then(text);
            Some(JekyllDefault {
                path: path.trim_start_matches("./").trim_matches('/').to_string(),
                kind,
                values: values.clone(),
            })
        })
        .collect()
}

/// A permalink style's pattern, or the pattern itself.
fn pattern_of(permalink: &str) -> String {
    match permalink {
        "date" => "/:categories/:year/:month/:day/:title:output_ext",
        "pretty" => "/:categories/:year/:month/:day/:title/",
        "ordinal" => "/:categories/:year/:y_day/:title:output_ext",
        "weekdate" => "/:categories/:year/W:week/:short_day/:title:output_ext",
        "none" => "/:categories/:title:output_ext",
        pattern => pattern,
    }
    .to_string()
}

/// kramdown as Jekyll runs it (GFM input, smart quotes and typographic symbols, footnotes at
/// the end), changed by `kramdown:`; a site on the CommonMark plugin gets CommonMark.
fn kramdown(config: &serde_json::Value) -> Markdown {
    let engine = get(config, "markdown").and_then(text).unwrap_or_default();
    if engine.to_ascii_lowercase().starts_with("commonmark") {
        return Markdown {
            flavour: Flavour::Kramdown,
            ..Markdown::zola()
        };
    }
    let mut markdown = Markdown::kramdown();
    let Some(options) = get(config, "kramdown") else {
        return markdown;
    };
    if let Some(wrap) = get(options, "hard_wrap") {
        markdown.hard_wraps = truthy(wrap);
    }
    // `[apos, apos, quot, quot]` or `apos,apos,quot,quot`: entity names or numbers.
    let names: Vec<String> = match get(options, "smart_quotes") {
        Some(serde_json::Value::Array(items)) => items.iter().filter_map(text).collect(),
        Some(value) => text(value)
            .map(|t| t.split(',').map(|s| s.trim().to_string()).collect())
            .unwrap_or_default(),
        None => Vec::new(),
    };
    if names.len() == 4 {
        for (slot, name) in markdown.quotes.iter_mut().zip(&names) {
            if let Some(c) = entity_char(name) {
                *slot = c;
            }
        }
    }
    if let Some(symbols) = get(options, "typographic_symbols") {
        for (bit, (name, written)) in [
            ("mdash", "---"),
            ("ndash", "--"),
            ("hellip", "..."),
            ("laquo", "<<"),
            ("raquo", ">>"),
        ]
        .into_iter()
        .enumerate()
        {
            if get(symbols, name).and_then(text).as_deref() == Some(written) {
                markdown.plain_symbols |= 1 << bit;
            }
        }
    }
    markdown
}

/// The character an HTML entity name (`rsquo`) or number (`8217`) stands for, as kramdown
/// reads `smart_quotes`.
fn entity_char(name: &str) -> Option<char> {
    if let Ok(n) = name.parse::<u32>() {
        return char::from_u32(n);
    }
    Some(match name {
        "apos" => '\'',
        "quot" => '"',
        "lsquo" => '\u{2018}',
        "rsquo" => '\u{2019}',
        "ldquo" => '\u{201c}',
        "rdquo" => '\u{201d}',
        "sbquo" => '\u{201a}',
        "bdquo" => '\u{201e}',
        "lsaquo" => '\u{2039}',
        "rsaquo" => '\u{203a}',
        "laquo" => '\u{ab}',
        "raquo" => '\u{bb}',
        _ => return None,
    })
}

pub(super) fn read(config_file: &Path) -> Result<Generated, Vec<Diagnostic>> {
    let config = read_value(config_file).map_err(|d| vec![d])?;
    let mut generated = Generated::new("jekyll", ".");
    let file = config_file;
    let url = get(&config, "url").and_then(text).unwrap_or_default();
    let baseurl = get(&config, "baseurl").and_then(text).unwrap_or_default();
    if !url.is_empty() {
        let base = format!(
            "{}{}",
            url.trim_end_matches('/'),
            baseurl.trim_end_matches('/')
        );
        map(
            &mut generated,
            file,
            "url",
            "base_url",
            toml::Value::String(base),
        );
    }
    map_texts(
        &mut generated,
        &config,
        &[
            ("title", "title"),
            ("description", "description"),
            ("lang", "language"),
            ("language", "language"),
            ("timezone", "timezone"),
        ],
        &|_| file.to_path_buf(),
    );
    if let Some(author) =
        get(&config, "author").and_then(|a| text(a).or_else(|| get(a, "name").and_then(text)))
    {
        map(
            &mut generated,
            file,
            "author",
            "author",
            toml::Value::String(author),
        );
    }
    // Every top-level value is `{{ site.X }}`.
    let params: toml::Table = config
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.clone(), to_toml(v)?)))
        .collect();
    generated
        .settings
        .insert("params".into(), toml::Value::Table(params));
    let permalink = get(&config, "permalink")
        .and_then(text)
        .unwrap_or_else(|| "date".to_string());
    generated.content_dir = get(&config, "source")
        .and_then(text)
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    let root = config_file.parent().unwrap_or(Path::new("."));
    inside_site(root, &generated.content_dir, "source", file).map_err(|d| vec![d])?;
    generated.out_dir = get(&config, "destination")
        .and_then(text)
        .map_or_else(|| PathBuf::from("_site"), PathBuf::from);
    // jekyll-feed's file, when the site uses the plugin.
    if uses_plugin(&config, "jekyll-feed") {
        generated.own_feeds = vec![get(&config, "feed")
            .and_then(|f| get(f, "path"))
            .and_then(text)
            .unwrap_or_else(|| "feed.xml".into())];
    }
    // `collections: posts: permalink:` is the posts' pattern, over the site's.
    let posts_collection = get(&config, "collections").and_then(|c| get(c, "posts"));
    let permalink = posts_collection
        .and_then(|p| get(p, "permalink"))
        .and_then(text)
        .unwrap_or(permalink);
    for (key, why) in [
        (
            "collections_dir",
            "posts are read from every _posts folder of the source",
        ),
        ("limit_posts", "herald reads every post"),
    ] {
        not_honoured(&mut generated, &config, key, why, file);
    }
    if let Some(serde_json::Value::Object(collections)) = get(&config, "collections") {
        for (name, settings) in collections {
            if name != "posts" && get(settings, "output").is_some_and(truthy) {
                not_honoured(
                    &mut generated,
                    &config,
                    &format!("collections.{name}"),
                    "only the posts collection is read as posts (list it in herald.toml's `collections` if its documents are posts too)",
                    file,
                );
            }
        }
    }
    for plugin in ["jekyll-polyglot", "jekyll-multiple-languages-plugin"] {
        if uses_plugin(&config, plugin) {
            generated.unmapped.push(Mapped {
                what: format!("plugins: {plugin}'s languages are not read"),
                value: plugin.into(),
                file: file.to_path_buf(),
                line: line_of_key(file, "plugins"),
            });
        }
    }
    generated.rules = Rules::Jekyll(JekyllRules {
        defaults: defaults(&config),
        collection_permalinks: match get(&config, "collections") {
            Some(serde_json::Value::Object(all)) => all
                .iter()
                .filter_map(|(name, c)| Some((name.clone(), get(c, "permalink").and_then(text)?)))
                .collect(),
            _ => Default::default(),
        },
        excerpt_separator: get(&config, "excerpt_separator").and_then(text),
        permalink: pattern_of(&permalink),
        future: get(&config, "future").is_some_and(truthy),
        unpublished: get(&config, "unpublished").is_some_and(truthy),
        markdown: kramdown(&config),
        relative_links: uses_plugin(&config, "jekyll-relative-links")
            || get(&config, "relative_links").is_some_and(|r| get(r, "enabled").is_none_or(truthy)),
    });
    if get(&config, "show_drafts").is_some_and(truthy) {
        generated.unmapped.push(Mapped {
            what: "show_drafts: herald reads _posts only; use --drafts for unpublished posts"
                .into(),
            value: "true".into(),
            file: file.to_path_buf(),
            line: line_of_key(file, "show_drafts"),
        });
    }
    Ok(generated)
}
