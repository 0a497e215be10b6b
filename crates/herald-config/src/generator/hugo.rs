//! Hugo's configuration: `hugo.{toml,yaml,json}` or `config.*` at the root, and the split
//! files of `config/_default/` (`permalinks.yaml` is the `permalinks` key), merged as Hugo
//! merges them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::model::{Generated, HugoRules, Language, Languages, Mapped, Markdown, Rules};
use super::values::{
    get, inside_site, line_of_key, map, map_texts, not_honoured, read_value, text, to_toml, truthy,
};
use crate::diag::Diagnostic;

const EXTENSIONS: &[&str] = &["toml", "yaml", "yml", "json"];

/// The configuration files of a Hugo site: the root file (if any) and the split ones.
pub(super) struct Found {
    root_file: Option<PathBuf>,
    split: Vec<PathBuf>,
}

pub(super) fn detect(root: &Path) -> Option<Found> {
    let mut root_file = None;
    for stem in ["hugo", "config"] {
        for ext in EXTENSIONS {
            let path = root.join(format!("{stem}.{ext}"));
            if path.is_file() && (stem == "hugo" || is_hugo_config(&path)) {
                root_file.get_or_insert(path);
            }
        }
    }
    // `hugo` builds in the `production` environment: its folder is merged over `_default`.
    let mut split = Vec::new();
    for env in ["_default", "production"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("config").join(env))
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| {
                        p.extension()
                            .and_then(|e| e.to_str())
                            .is_some_and(|e| EXTENSIONS.contains(&e))
                    })
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        split.extend(files);
    }
    (root_file.is_some() || !split.is_empty()).then_some(Found { root_file, split })
}

fn is_hugo_config(path: &Path) -> bool {
    read_value(path).is_ok_and(|v| get(&v, "baseURL").is_some())
}

pub(super) fn read(root: &Path, found: Found) -> Result<Generated, Vec<Diagnostic>> {
    // Keys come from the split files first, the root file last (it wins), each remembering
    // the file it came from.
    let mut merged = Map::new();
    let mut origin: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut add = |path: &Path, key: Option<String>| match read_value(path) {
        Ok(value) => {
            let entries: Vec<(String, Value)> = match (key, value) {
                (Some(key), value) => vec![(key, value)],
                (None, Value::Object(map)) => map.into_iter().collect(),
                (None, _) => Vec::new(),
            };
            for (k, v) in entries {
                origin.insert(k.to_ascii_lowercase(), path.to_path_buf());
                merged.retain(|existing: &String, _| !existing.eq_ignore_ascii_case(&k));
                merged.insert(k, v);
            }
        }
        Err(d) => problems.push(d),
    };
    for path in &found.split {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let key = (!matches!(stem, "hugo" | "config")).then(|| stem.to_string());
        add(path, key);
    }
    if let Some(path) = &found.root_file {
        add(path, None);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let config = Value::Object(merged);
    let file_of = |key: &str| -> PathBuf {
        origin
            .get(&key.to_ascii_lowercase())
            .cloned()
            .unwrap_or_else(|| root.join("hugo.toml"))
    };
    let mut generated = Generated::new("hugo", "content");
    let (shared, shared_key) = content_dir(&config);
    let languages = languages(&config, &shared);
    // Every content folder a setting names is inside the site.
    let mut outside: Vec<Diagnostic> = Vec::new();
    let top = if shared_key == "contentDir" {
        "contentDir"
    } else {
        "module"
    };
    outside.extend(inside_site(root, &shared, shared_key, &file_of(top)).err());
    for language in &languages.list {
        if let Some(dir) = &language.content_dir {
            let key = format!("languages.{}.contentDir", language.code);
            outside.extend(inside_site(root, dir, &key, &file_of("languages")).err());
        }
    }
    if !outside.is_empty() {
        return Err(outside);
    }
    map_texts(
        &mut generated,
        &config,
        &[
            ("baseURL", "base_url"),
            ("title", "title"),
            ("languageCode", "language"),
            ("timeZone", "timezone"),
        ],
        &file_of,
    );
    // The default language's own title and params win over the site's.
    let default_language = get(&config, "languages")
        .and_then(|l| l.as_object())
        .and_then(|l| {
            l.iter()
                .find(|(code, _)| code.eq_ignore_ascii_case(&languages.default))
        })
        .map(|(_, v)| v.clone());
    if let Some(language) = &default_language {
        if let Some(title) = get(language, "title").and_then(text) {
            map(
                &mut generated,
                &file_of("languages"),
                "title",
                "title",
                toml::Value::String(title),
            );
        }
        if let Some(code) = get(language, "languageCode").and_then(text) {
            map(
                &mut generated,
                &file_of("languages"),
                "languageCode",
                "language",
                toml::Value::String(code),
            );
        }
    }
    // A site whose languages each have their own host names none at the top: the default
    // language's is the site's.
    if get(&config, "baseURL").is_none() {
        if let Some(base) = default_language
            .as_ref()
            .and_then(|l| get(l, "baseURL"))
            .and_then(text)
        {
            map(
                &mut generated,
                &file_of("languages"),
                "baseURL",
                "base_url",
                toml::Value::String(base),
            );
        }
    }
    let mut params = get(&config, "params").cloned().unwrap_or(Value::Null);
    if let Some(Value::Object(own)) = default_language.as_ref().and_then(|l| get(l, "params")) {
        if !params.is_object() {
            params = Value::Object(Map::new());
        }
        if let Value::Object(params) = &mut params {
            for (k, v) in own {
                params.retain(|existing, _| !existing.eq_ignore_ascii_case(k));
                params.insert(k.clone(), v.clone());
            }
        }
    }
    if let Some(description) = get(&params, "description").and_then(text) {
        map(
            &mut generated,
            &file_of("params"),
            "description",
            "description",
            toml::Value::String(description),
        );
    }
    if let Some(author) = get(&params, "author")
        .and_then(text)
        .or_else(|| get(&config, "author").and_then(text))
    {
        map(
            &mut generated,
            &file_of("params"),
            "author",
            "author",
            toml::Value::String(author),
        );
    }
    if let Some(toml::Value::Table(table)) = to_toml(&params) {
        map(
            &mut generated,
            &file_of("params"),
            "params",
            "params",
            toml::Value::Table(table),
        );
    }
    if let Some(length) = get(&config, "summaryLength").and_then(text) {
        generated.unmapped.push(Mapped {
            what: "summaryLength: Hugo counts words, herald characters (summary_length)".into(),
            value: length,
            file: file_of("summaryLength"),
            line: line_of_key(&file_of("summaryLength"), "summaryLength"),
        });
    }
    hugo_not_honoured(&mut generated, &config, &languages, &file_of);
    generated.content_dir = common_dir(&shared, &languages);
    generated.out_dir = get(&config, "publishDir")
        .and_then(text)
        .map_or_else(|| PathBuf::from("public"), PathBuf::from);
    // Hugo's RSS is `index.xml` on every list page: the home page's is the site's feed.
    generated.own_feeds = vec!["index.xml".into()];
    let flag = |key: &str| get(&config, key).is_some_and(truthy);
    let sections: Vec<String> = get(&params, "mainSections")
        .or_else(|| get(&config, "mainSections"))
        .map(|v| match v {
            Value::Array(items) => items.iter().filter_map(text).collect(),
            other => text(other).into_iter().collect(),
        })
        .unwrap_or_default();
    generated.rules = Rules::Hugo(HugoRules {
        languages,
        ugly_urls: flag("uglyURLs"),
        sections,
        permalinks: permalinks(get(&config, "permalinks")),
        build_drafts: flag("buildDrafts"),
        build_future: flag("buildFuture"),
        build_expired: flag("buildExpired"),
        lowercase_paths: !flag("disablePathToLower"),
        remove_path_accents: flag("removePathAccents"),
        date_keys: date_keys(get(&config, "frontmatter").and_then(|f| get(f, "date"))),
        markdown: goldmark(&config),
    });
    Ok(generated)
}

/// Goldmark's defaults in Hugo, changed by `markup.goldmark`.
fn goldmark(config: &Value) -> Markdown {
    let mut markdown = Markdown::goldmark();
    markdown.emoji = get(config, "enableEmoji").is_some_and(truthy);
    let Some(goldmark) = get(config, "markup").and_then(|m| get(m, "goldmark")) else {
        return markdown;
    };
    let at = |path: &[&str]| path.iter().try_fold(goldmark, |value, key| get(value, key));
    let set = |slot: &mut bool, path: &[&str]| {
        if let Some(value) = at(path) {
            *slot = match value {
                // Hugo 0.112 on: `typographer: {disable: true}`.
                Value::Object(_) => !get(value, "disable").is_some_and(truthy),
                value => truthy(value),
            };
        }
    };
    set(
        &mut markdown.smart_punctuation,
        &["extensions", "typographer"],
    );
    set(&mut markdown.linkify, &["extensions", "linkify"]);
    set(
        &mut markdown.definition_lists,
        &["extensions", "definitionList"],
    );
    set(&mut markdown.raw_html, &["renderer", "unsafe"]);
    set(&mut markdown.hard_wraps, &["renderer", "hardWraps"]);
    match at(&["parser", "attribute"]) {
        // Before Hugo 0.81: one switch for titles and blocks.
        Some(Value::Bool(on)) => markdown.block_attributes = *on,
        _ => set(
            &mut markdown.block_attributes,
            &["parser", "attribute", "block"],
        ),
    }
    if at(&["extensions", "footnote"]).is_some_and(|v| !truthy(v)) {
        markdown.bottom_footnotes = false;
    }
    markdown
}

/// The settings that change which pages are posts, or their URLs or dates, that herald does
/// not read: each is a warning on its line.
fn hugo_not_honoured(
    generated: &mut Generated,
    config: &Value,
    languages: &Languages,
    file_of: &dyn Fn(&str) -> PathBuf,
) {
    for (key, why) in [
        (
            "ignoreFiles",
            "Hugo skips the files it matches; herald reads every page",
        ),
        (
            "cascade",
            "front matter it gives pages (url, slug, draft, dates) is not applied",
        ),
        (
            "frontmatter.publishDate",
            "herald reads only [frontmatter] date",
        ),
        (
            "frontmatter.expiryDate",
            "herald reads only [frontmatter] date",
        ),
    ] {
        let first = key.split('.').next().unwrap_or(key);
        not_honoured(generated, config, key, why, &file_of(first));
    }
    if get(config, "uglyURLs").is_some_and(Value::is_object) {
        not_honoured(
            generated,
            config,
            "uglyURLs",
            "per-section uglyURLs are not read (only true or false)",
            &file_of("uglyURLs"),
        );
    }
    let kinds = get(config, "disableKinds").and_then(Value::as_array);
    if kinds.is_some_and(|k| {
        k.iter()
            .filter_map(text)
            .any(|kind| kind.eq_ignore_ascii_case("page"))
    }) {
        not_honoured(
            generated,
            config,
            "disableKinds",
            "Hugo publishes no pages; herald still reads them",
            &file_of("disableKinds"),
        );
    }
    for language in &languages.list {
        not_honoured(
            generated,
            config,
            &format!("languages.{}.permalinks", language.code),
            "per-language permalinks are not read; the site's are used",
            &file_of("languages"),
        );
    }
    let mounts = get(config, "module")
        .and_then(|m| get(m, "mounts"))
        .and_then(Value::as_array);
    let content_mounts = mounts.map_or(0, |m| {
        m.iter()
            .filter(|m| get(m, "target").and_then(text).as_deref() == Some("content"))
            .count()
    });
    if content_mounts > 1 {
        not_honoured(
            generated,
            config,
            "module.mounts",
            "only the first mount onto content is read",
            &file_of("module"),
        );
    }
}

/// The languages as Hugo reads them: `defaultContentLanguage` (default `en`), each of
/// `languages` not disabled (`disabled`, `disableLanguages`), by `weight` then code; each
/// under its own URL prefix but the default one, unless `defaultContentLanguageInSubdir`;
/// none where the language has a `baseURL` of its own.
fn languages(config: &Value, shared: &Path) -> Languages {
    let default = get(config, "defaultContentLanguage")
        .and_then(text)
        .unwrap_or_else(|| "en".into())
        .to_lowercase();
    let in_subdir = get(config, "defaultContentLanguageInSubdir").is_some_and(truthy);
    let disabled: Vec<String> = get(config, "disableLanguages")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(text)
                .map(|c| c.to_lowercase())
                .collect()
        })
        .unwrap_or_default();
    let Some(Value::Object(declared)) = get(config, "languages") else {
        return Languages::default();
    };
    let is_disabled = |code: &str, value: &Value| {
        disabled.contains(&code.to_lowercase()) || get(value, "disabled").is_some_and(truthy)
    };
    let off: Vec<String> = declared
        .iter()
        .filter(|(code, value)| is_disabled(code, value))
        .map(|(code, _)| code.to_lowercase())
        .collect();
    let mut list: Vec<(i64, Language)> = declared
        .iter()
        .filter(|(code, value)| !is_disabled(code, value))
        .map(|(code, value)| {
            let code = code.to_lowercase();
            let base_url = get(value, "baseURL").and_then(text);
            let prefix = if base_url.is_some() || (code == default && !in_subdir) {
                String::new()
            } else {
                code.clone()
            };
            let weight = get(value, "weight").and_then(Value::as_i64).unwrap_or(0);
            let language = Language {
                title: get(value, "title").and_then(text),
                prefix,
                content_dir: get(value, "contentDir").and_then(text).map(PathBuf::from),
                base_url,
                code,
            };
            // Hugo sorts by weight, a weight of 0 last.
            (if weight == 0 { i64::MAX } else { weight }, language)
        })
        .collect();
    list.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.code.cmp(&b.1.code)));
    if list.is_empty() {
        return Languages::default();
    }
    Languages {
        default,
        list: list.into_iter().map(|(_, l)| l).collect(),
        shared_dir: Some(shared.to_path_buf()),
        disabled: off,
    }
}

/// The folder that holds every language's content: the shared content folder, or the
/// closest folder above every language's own.
fn common_dir(shared: &Path, languages: &Languages) -> PathBuf {
    let mut dirs: Vec<PathBuf> = languages
        .list
        .iter()
        .map(|l| {
            l.content_dir
                .clone()
                .unwrap_or_else(|| shared.to_path_buf())
        })
        .collect();
    if dirs.is_empty() {
        return shared.to_path_buf();
    }
    let first = dirs.remove(0);
    let mut common = PathBuf::new();
    'parts: for (i, part) in first.components().enumerate() {
        for other in &dirs {
            if other.components().nth(i) != Some(part) {
                break 'parts;
            }
        }
        common.push(part);
    }
    if common.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        common
    }
}

/// `contentDir`, or the folder mounted as `content` by a module mount, and the key that
/// named it.
fn content_dir(config: &Value) -> (PathBuf, &'static str) {
    if let Some(dir) = get(config, "contentDir").and_then(text) {
        return (PathBuf::from(dir), "contentDir");
    }
    let mounts = get(config, "module")
        .and_then(|m| get(m, "mounts"))
        .and_then(Value::as_array);
    for mount in mounts.into_iter().flatten() {
        if get(mount, "target").and_then(text).as_deref() == Some("content") {
            if let Some(source) = get(mount, "source").and_then(text) {
                return (PathBuf::from(source), "module.mounts.source");
            }
        }
    }
    (PathBuf::from("content"), "contentDir")
}

/// `[permalinks]` in the old form (`posts = "/:year/:title/"`) or the newer one, by kind
/// (`page: {posts: …}`): the patterns for pages, by section.
fn permalinks(value: Option<&Value>) -> BTreeMap<String, String> {
    let Some(Value::Object(map)) = value else {
        return BTreeMap::new();
    };
    let pages = map
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("page"))
        .and_then(|(_, v)| v.as_object());
    let source = pages.unwrap_or(map);
    source
        .iter()
        .filter_map(|(section, pattern)| Some((section.clone(), text(pattern)?)))
        .collect()
}

/// `[frontmatter] date` with `:default` expanded; Hugo's default without it.
fn date_keys(value: Option<&Value>) -> Vec<String> {
    let default = ["date", "publishDate", "lastmod"]
        .map(String::from)
        .to_vec();
    let Some(Value::Array(items)) = value else {
        return default;
    };
    let mut keys = Vec::new();
    for item in items.iter().filter_map(text) {
        if item.eq_ignore_ascii_case(":default") {
            keys.extend(default.iter().cloned());
        } else {
            keys.push(item);
        }
    }
    keys
}
