//! Zola's configuration: `config.toml` or `zola.toml` at the root, with `base_url`, `title`,
//! `description`, `default_language` and `[slugify] paths`.

use std::path::{Path, PathBuf};

use super::model::{Generated, Language, Languages, Markdown, Rules, Slugify, ZolaRules};
use super::values::{get, map, map_texts, not_honoured, read_value, text, to_toml, truthy};
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
    not_honoured(
        &mut generated,
        &config,
        "ignored_content",
        "Zola skips the files it matches; herald reads every page",
        file,
    );
    let sections = sections(&content);
    for section in &sections.transparent {
        let index = content.join(section).join("_index.md");
        generated.unmapped.push(super::model::Mapped {
            what: "transparent: its pages are not also the parent section's".into(),
            value: "true".into(),
            line: super::values::line_of_key(&index, "transparent"),
            file: index,
        });
    }
    let languages = languages(&config);
    generated.own_feeds = feed_files(&config, &languages);
    generated.rules = Rules::Zola(ZolaRules {
        keep_dates: slugify_table
            .and_then(|s| get(s, "paths_keep_dates"))
            .is_some_and(truthy),
        languages,
        site_feeds: FEEDS_ON.iter().any(|k| get(&config, k).is_some_and(truthy)),
        slugify,
        feed_sections: sections.feeds,
        date_sorted: sections.by_date,
        markdown: zola_markdown(&config),
    });
    Ok(generated)
}

/// Zola's defaults, changed by `[markdown]`.
fn zola_markdown(config: &serde_json::Value) -> Markdown {
    let mut markdown = Markdown::zola();
    let flag = |key: &str| {
        get(config, "markdown")
            .and_then(|m| get(m, key))
            .is_some_and(truthy)
    };
    markdown.smart_punctuation = flag("smart_punctuation");
    markdown.bottom_footnotes = flag("bottom_footnotes");
    markdown.emoji = flag("render_emoji");
    markdown.definition_lists = flag("definition_list");
    markdown
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
        disabled: Vec::new(),
    }
}

/// What the sections' `_index.md` front matter says that decides posts: which have feeds of
/// their own, which sort their pages by date (Zola drops a page without a date there).
#[derive(Default)]
struct Sections {
    feeds: Vec<String>,
    by_date: Vec<String>,
    transparent: Vec<String>,
}

/// Reads every section's `_index.md` below `content` (the root's as `""`). Folders reached
/// by a symlink are not followed: a link back up would make the walk endless.
fn sections(content: &Path) -> Sections {
    let mut found = Sections::default();
    let mut pending = vec![content.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let front = crate::fsutil::read_text(&dir.join("_index.md"))
            .ok()
            .and_then(|text| {
                let rest = text.strip_prefix("+++")?;
                let end = rest.find("\n+++")?;
                rest[..end].parse::<toml::Table>().ok()
            });
        let relative = dir
            .strip_prefix(content)
            .map(|r| r.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        if let Some(front) = front {
            let on = |key: &str| front.get(key).and_then(toml::Value::as_bool) == Some(true);
            // The root's feed is the site's (`generate_feeds` in config.toml), not a blog.
            if !relative.is_empty() && FEEDS_ON.iter().any(|k| on(k)) {
                found.feeds.push(relative.clone());
            }
            if front.get("sort_by").and_then(toml::Value::as_str) == Some("date") {
                found.by_date.push(relative.clone());
            }
            if on("transparent") {
                found.transparent.push(relative);
            }
        }
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut dirs: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.path())
            .collect();
        dirs.sort_by(|a, b| b.cmp(a));
        pending.extend(dirs);
    }
    found.feeds.sort();
    found
}
