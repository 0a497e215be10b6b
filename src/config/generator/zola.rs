//! Zola's configuration: `config.toml` or `zola.toml` at the root, with `base_url`, `title`,
//! `description`, `default_language` and `[slugify] paths`.

use std::path::{Path, PathBuf};

use super::model::{Generated, Language, Languages, Rules, Slugify, ZolaRules};
use super::values::{get, map, map_texts, read_value, text, to_toml, truthy};
use crate::diag::Diagnostic;

pub(super) fn detect(root: &Path) -> Option<PathBuf> {
    ["zola.toml", "config.toml"]
        .iter()
        .map(|n| root.join(n))
        .find(|p| p.is_file() && read_value(p).is_ok_and(|v| get(&v, "base_url").is_some()))
}

pub(super) fn read(root: &Path, file: &Path) -> Result<Generated, Vec<Diagnostic>> {
    let config = read_value(file).map_err(|d| vec![d])?;
    let mut generated = Generated::new("zola", "content");
    map_texts(
        &mut generated,
        &config,
        &[
            ("base_url", "base_url"),
            ("title", "title"),
            ("description", "description"),
            ("default_language", "language"),
        ],
        &|_| file.to_path_buf(),
    );
    if let Some(extra) = get(&config, "extra").and_then(to_toml) {
        map(&mut generated, file, "extra", "params", extra);
    }
    let slugify = match get(&config, "slugify")
        .and_then(|s| get(s, "paths"))
        .and_then(text)
        .as_deref()
    {
        Some("safe") => Slugify::Safe,
        Some("off") => Slugify::Off,
        _ => Slugify::On,
    };
    let content = root.join("content");
    let slugify_table = get(&config, "slugify");
    generated.out_dir = get(&config, "output_dir")
        .and_then(text)
        .map_or_else(|| PathBuf::from("public"), PathBuf::from);
    let languages = languages(&config);
    generated.own_feeds = feed_files(&config, &languages);
    generated.rules = Rules::Zola(ZolaRules {
        keep_dates: slugify_table
            .and_then(|s| get(s, "paths_keep_dates"))
            .is_some_and(truthy),
        languages,
        site_feeds: FEEDS_ON.iter().any(|k| get(&config, k).is_some_and(truthy)),
        slugify,
        feed_sections: feed_sections(&content, &content),
    });
    Ok(generated)
}

/// The keys that turn a site's or a section's feeds on (`generate_feed` before 0.19).
const FEEDS_ON: [&str; 2] = ["generate_feeds", "generate_feed"];

/// The files Zola writes as feeds (when it writes any): `feed_filenames` (0.19 on, default
/// `atom.xml`) or `feed_filename` (before), at the root and below each language's prefix.
fn feed_files(config: &serde_json::Value, languages: &Languages) -> Vec<String> {
    let names: Vec<String> = match get(config, "feed_filenames") {
        Some(serde_json::Value::Array(items)) => items.iter().filter_map(text).collect(),
        _ => vec![get(config, "feed_filename")
            .and_then(text)
            .unwrap_or_else(|| "atom.xml".into())],
    };
    let mut files = names.clone();
    for language in languages.list.iter().filter(|l| !l.prefix.is_empty()) {
        files.extend(names.iter().map(|n| format!("{}/{n}", language.prefix)));
    }
    files
}

/// Zola's languages: `default_language` (default `en`) and the others, each under its
/// code: `[languages.fr]` tables (0.15 on) or a `languages = [{ code = "fr" }]` list.
fn languages(config: &serde_json::Value) -> Languages {
    let default = get(config, "default_language")
        .and_then(text)
        .unwrap_or_else(|| "en".into());
    let others: Vec<(String, Option<String>)> = match get(config, "languages") {
        Some(serde_json::Value::Object(map)) => map
            .iter()
            .map(|(code, v)| (code.clone(), get(v, "title").and_then(text)))
            .collect(),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|v| Some((get(v, "code").and_then(text)?, None)))
            .collect(),
        _ => Vec::new(),
    };
    let others: Vec<(String, Option<String>)> = others
        .into_iter()
        .filter(|(code, _)| *code != default)
        .collect();
    if others.is_empty() {
        return Languages::default();
    }
    let mut list = vec![Language {
        code: default.clone(),
        title: get(config, "title").and_then(text),
        ..Language::default()
    }];
    list.extend(others.into_iter().map(|(code, title)| Language {
        prefix: code.clone(),
        code,
        title,
        ..Language::default()
    }));
    Languages {
        default,
        list,
        shared_dir: None,
    }
}

/// The sections below `dir` whose `_index.md` front matter turns their own feeds on.
fn feed_sections(content: &Path, dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for sub in dirs {
        let index = sub.join("_index.md");
        let front = std::fs::read_to_string(&index).ok().and_then(|text| {
            let rest = text.strip_prefix("+++")?;
            let end = rest.find("\n+++")?;
            rest[..end].parse::<toml::Table>().ok()
        });
        let feeds = front.is_some_and(|f| {
            FEEDS_ON
                .iter()
                .any(|k| f.get(*k).and_then(toml::Value::as_bool) == Some(true))
        });
        if feeds {
            if let Ok(relative) = sub.strip_prefix(content) {
                found.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
        found.extend(feed_sections(content, &sub));
    }
    found
}
