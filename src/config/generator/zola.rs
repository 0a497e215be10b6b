//! Zola's configuration: `config.toml` or `zola.toml` at the root, with `base_url`, `title`,
//! `description`, `default_language` and `[slugify] paths`.

use std::path::{Path, PathBuf};

use super::model::{Generated, Rules, Slugify, ZolaRules};
use super::values::{get, map, read_value, text, to_toml};
use crate::diag::Diagnostic;

pub(super) fn detect(root: &Path) -> Option<PathBuf> {
    ["zola.toml", "config.toml"]
        .iter()
        .map(|n| root.join(n))
        .find(|p| p.is_file() && read_value(p).is_ok_and(|v| get(&v, "base_url").is_some()))
}

pub(super) fn read(_root: &Path, file: &Path) -> Result<Generated, Vec<Diagnostic>> {
    let config = read_value(file).map_err(|d| vec![d])?;
    let mut generated = Generated {
        generator: "zola",
        settings: toml::Table::new(),
        rules: Rules::Herald,
        content_dir: PathBuf::from("content"),
        mapped: Vec::new(),
        unmapped: Vec::new(),
    };
    for (key, setting) in [
        ("base_url", "base_url"),
        ("title", "title"),
        ("description", "description"),
        ("default_language", "language"),
    ] {
        if let Some(value) = get(&config, key).and_then(text).filter(|v| !v.is_empty()) {
            map(
                &mut generated,
                file,
                key,
                setting,
                toml::Value::String(value),
            );
        }
    }
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
    generated.rules = Rules::Zola(ZolaRules { slugify });
    Ok(generated)
}
