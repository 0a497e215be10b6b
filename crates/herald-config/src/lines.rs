//! Where each setting is: the line of every key and table of a TOML document, so a problem
//! is reported on the line it is on.

use std::collections::BTreeMap;

/// The 1-based line of byte `at` in `text`.
pub(crate) fn line_at(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].matches('\n').count() + 1
}

/// The line of a dotted key, else of its table, else 1.
pub(crate) fn line_of(lines: &BTreeMap<String, usize>, key: &str) -> usize {
    find_line(lines, key).unwrap_or(1)
}

/// The line of a dotted key, else of its table.
pub(crate) fn find_line(lines: &BTreeMap<String, usize>, key: &str) -> Option<usize> {
    let mut key = key;
    loop {
        if let Some(&line) = lines.get(key) {
            return Some(line);
        }
        key = key.rsplit_once('.')?.0;
    }
}

/// The line of every key and table header in a TOML document, by dotted path.
pub fn key_lines(text: &str) -> BTreeMap<String, usize> {
    fn walk(
        table: &toml_edit::Table,
        prefix: &str,
        text: &str,
        lines: &mut BTreeMap<String, usize>,
    ) {
        for (key, item) in table.iter() {
            let path = if prefix.is_empty() {
                key.to_string()
            } else {
                format!("{prefix}.{key}")
            };
            let span = table
                .key(key)
                .and_then(toml_edit::Key::span)
                .or_else(|| item.span());
            if let Some(span) = span {
                lines.insert(path.clone(), line_at(text, span.start));
            }
            if let Some(inner) = item.as_table() {
                walk(inner, &path, text, lines);
            }
            // `[[digests]]`: each table by its index, `digests.0.to`.
            if let Some(array) = item.as_array_of_tables() {
                for (n, inner) in array.iter().enumerate() {
                    let path = format!("{path}.{n}");
                    if let Some(span) = inner.span() {
                        lines.insert(path.clone(), line_at(text, span.start));
                    }
                    walk(inner, &path, text, lines);
                }
            }
        }
    }
    let mut lines = BTreeMap::new();
    if let Ok(doc) = toml_edit::ImDocument::parse(text) {
        walk(doc.as_table(), "", text, &mut lines);
    }
    lines
}
