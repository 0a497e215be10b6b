//! Jekyll's configuration: `_config.yml` at the root (or one folder down, as sites that keep
//! it in `conf/` pass it with `--config`), with `url`, `baseurl`, `permalink`, `timezone`,
//! `source`, `future` and `unpublished`; every top-level value is a `{{ site.X }}` variable.

use std::path::{Path, PathBuf};

use super::model::{Generated, JekyllRules, Mapped, Rules};
use super::values::{get, line_of_key, map, map_texts, read_value, text, to_toml, truthy};
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
    generated.rules = Rules::Jekyll(JekyllRules {
        permalink: pattern_of(&permalink),
        future: get(&config, "future").is_some_and(truthy),
        unpublished: get(&config, "unpublished").is_some_and(truthy),
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
