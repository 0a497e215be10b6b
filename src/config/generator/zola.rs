//! Zola's configuration: `config.toml` or `zola.toml` at the root, with `base_url`, `title`,
//! `description`, `default_language` and `[slugify] paths`.

use std::path::{Path, PathBuf};

use super::model::{Generated, Rules, Slugify, ZolaRules};
use super::values::{get, map, map_texts, read_value, text, to_toml};
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
    generated.rules = Rules::Zola(ZolaRules {
        slugify,
        feed_sections: feed_sections(&content, &content),
    });
    Ok(generated)
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
            ["generate_feeds", "generate_feed"]
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
