//! Reading generator configuration files (TOML, YAML, JSON) into values, and the small
//! rules all three generators share for reading them.

use std::path::Path;

use serde_json::Value;

use super::model::{Generated, Mapped};
use crate::diag::Diagnostic;

/// Reads a TOML, YAML or JSON file into a JSON value.
pub(crate) fn read_value(path: &Path) -> Result<Value, Diagnostic> {
    let text = crate::fsutil::read_text(path)
        .map_err(|e| Diagnostic::file_error(path, format!("cannot read: {e}")))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    match ext {
        "toml" => toml::from_str::<toml::Value>(text)
            .map_err(|e| {
                let line = e
                    .span()
                    .map_or(1, |s| text[..s.start].matches('\n').count() + 1);
                Diagnostic::error(path, line, e.message().trim_end())
            })
            .and_then(|v| {
                serde_json::to_value(v).map_err(|e| Diagnostic::file_error(path, e.to_string()))
            }),
        "json" => serde_json::from_str(text)
            .map_err(|e| Diagnostic::error(path, e.line().max(1), e.to_string())),
        _ => serde_yaml_ng::from_str::<Value>(text)
            .map(|v| {
                if v.is_null() {
                    Value::Object(Default::default())
                } else {
                    v
                }
            })
            .map_err(|e| {
                let line = e.location().map_or(1, |l| l.line());
                Diagnostic::error(path, line, format!("invalid YAML: {e}"))
            }),
    }
}

/// A key of a map, case-insensitively (Hugo's keys are).
pub(crate) fn get<'a>(map: &'a Value, key: &str) -> Option<&'a Value> {
    map.as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

/// A scalar as text.
pub fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A boolean as the generators read them, YAML 1.1's `yes`/`on` included.
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::String(s) => matches!(s.to_ascii_lowercase().as_str(), "true" | "yes" | "on" | "y"),
        _ => false,
    }
}

/// The line in `file` where `key` is set (`key:`, `key =`, `"key":`), else 1.
pub(crate) fn line_of_key(file: &Path, key: &str) -> usize {
    let Ok(text) = crate::fsutil::read_text(file) else {
        return 1;
    };
    text.lines()
        .position(|line| {
            let line = line.trim_start().trim_start_matches('"');
            // `get`, not indexing: a line may hold any text, and `key.len()` bytes in may be
            // inside a character.
            line.get(..key.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(key))
                && line[key.len()..]
                    .trim_start_matches('"')
                    .trim_start()
                    .starts_with([':', '='])
        })
        .map_or(1, |i| i + 1)
}

/// A JSON value as a TOML value (for herald's settings); `null`s are dropped.
pub(crate) fn to_toml(value: &Value) -> Option<toml::Value> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(b) => toml::Value::Boolean(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64()?),
        },
        Value::String(s) => toml::Value::String(s.clone()),
        Value::Array(items) => toml::Value::Array(items.iter().filter_map(to_toml).collect()),
        Value::Object(map) => toml::Value::Table(
            map.iter()
                .filter_map(|(k, v)| Some((k.clone(), to_toml(v)?)))
                .collect(),
        ),
    })
}

/// Records one mapped value and sets it in the settings.
pub(crate) fn map(
    generated: &mut Generated,
    file: &Path,
    key: &str,
    setting: &str,
    value: toml::Value,
) {
    generated.mapped.push(Mapped {
        what: format!("{key} → {setting}"),
        value: match &value {
            toml::Value::String(s) => s.clone(),
            other => other.to_string(),
        },
        file: file.to_path_buf(),
        line: line_of_key(file, key),
    });
    generated.settings.insert(setting.to_string(), value);
}

/// Maps each `(key, setting)` whose value in `config` is non-empty text (whitespace runs
/// made one space), recording the file each key came from.
pub(crate) fn map_texts(
    generated: &mut Generated,
    config: &Value,
    pairs: &[(&str, &str)],
    file_of: &dyn Fn(&str) -> std::path::PathBuf,
) {
    for (key, setting) in pairs {
        if let Some(value) = get(config, key)
            .and_then(text)
            .filter(|v| !v.trim().is_empty())
        {
            let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
            map(
                generated,
                &file_of(key),
                key,
                setting,
                toml::Value::String(value),
            );
        }
    }
}

/// Records, when `config` sets the dotted `key` (`frontmatter.lastmod`), that herald does
/// not honour it, and `why`: `init` and `check` show it on its line.
pub(crate) fn not_honoured(
    generated: &mut Generated,
    config: &Value,
    key: &str,
    why: &str,
    file: &Path,
) {
    let mut value = Some(config);
    for part in key.split('.') {
        value = value.and_then(|v| get(v, part));
    }
    let Some(value) = value else {
        return;
    };
    let last = key.rsplit('.').next().unwrap_or(key);
    generated.unmapped.push(Mapped {
        what: format!("{key}: {why}"),
        value: text(value).unwrap_or_else(|| value.to_string()),
        file: file.to_path_buf(),
        line: line_of_key(file, last),
    });
}

/// Checks that the folder a setting names (`key` in `file`) is inside the site's `root`:
/// not above it (`..`), not elsewhere (an absolute path), not reached through a symlink that
/// leads out. herald reads nothing from outside the site.
pub(crate) fn inside_site(
    root: &Path,
    dir: &Path,
    key: &str,
    file: &Path,
) -> Result<(), Diagnostic> {
    let joined = root.join(dir);
    // By its words, then where it really leads (a symlink out), when it exists.
    let real = match (joined.canonicalize(), root.canonicalize()) {
        (Ok(joined), Ok(root)) => joined.starts_with(root),
        _ => true,
    };
    if crate::fsutil::stays_inside(root, dir) && real {
        return Ok(());
    }
    let last = key.rsplit('.').next().unwrap_or(key);
    Err(Diagnostic::error(
        file,
        line_of_key(file, last),
        format!(
            "{key} {:?} is outside the site's folder {}: herald reads nothing from outside the site",
            dir.display(),
            crate::fsutil::normalize(root).display()
        ),
    ))
}
