//! Hugo's configuration: `hugo.{toml,yaml,json}` or `config.*` at the root, and the split
//! files of `config/_default/` (`permalinks.yaml` is the `permalinks` key), merged as Hugo
//! merges them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::model::{Generated, HugoRules, Mapped, Rules};
use super::values::{get, line_of_key, map, map_texts, read_value, text, to_toml, truthy};
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
    let dir = root.join("config/_default");
    let mut split: Vec<PathBuf> = std::fs::read_dir(&dir)
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
    split.sort();
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
    let params = get(&config, "params").cloned().unwrap_or(Value::Null);
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
    generated.content_dir = content_dir(&config);
    let flag = |key: &str| get(&config, key).is_some_and(truthy);
    let sections: Vec<String> = get(&params, "mainSections")
        .or_else(|| get(&config, "mainSections"))
        .map(|v| match v {
            Value::Array(items) => items.iter().filter_map(text).collect(),
            other => text(other).into_iter().collect(),
        })
        .unwrap_or_default();
    generated.rules = Rules::Hugo(HugoRules {
        sections,
        permalinks: permalinks(get(&config, "permalinks")),
        build_drafts: flag("buildDrafts"),
        build_future: flag("buildFuture"),
        build_expired: flag("buildExpired"),
        lowercase_paths: !flag("disablePathToLower"),
        remove_path_accents: flag("removePathAccents"),
        date_keys: date_keys(get(&config, "frontmatter").and_then(|f| get(f, "date"))),
    });
    Ok(generated)
}

/// `contentDir`, or the folder mounted as `content` by a module mount.
fn content_dir(config: &Value) -> PathBuf {
    if let Some(dir) = get(config, "contentDir").and_then(text) {
        return PathBuf::from(dir);
    }
    let mounts = get(config, "module")
        .and_then(|m| get(m, "mounts"))
        .and_then(Value::as_array);
    for mount in mounts.into_iter().flatten() {
        if get(mount, "target").and_then(text).as_deref() == Some("content") {
            if let Some(source) = get(mount, "source").and_then(text) {
                return PathBuf::from(source);
            }
        }
    }
    PathBuf::from("content")
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
