//! Splits a post into front matter and body, and parses YAML (`---`) or TOML (`+++`) front
//! matter into one JSON-like map, keeping line numbers for error messages.

use serde_json::{Map, Value};

use super::html::plain;
use herald_config::generator::text as scalar;
use herald_entry::Author;

/// A post's text cut into its parts.
#[derive(Debug)]
pub(crate) struct Split<'a> {
    /// The parsed front matter (empty when the post has none).
    pub front: Map<String, Value>,
    /// The file line of each top-level key, found once as the front matter is read (the
    /// first line of a key written twice).
    pub key_lines: Vec<(&'a str, usize)>,
    /// 1-based line of the first front-matter line in the file.
    pub front_line: usize,
    /// The Markdown body.
    pub body: &'a str,
}

/// A problem at a line of the file.
pub(crate) type LineError = (usize, String);

/// Cuts `text` (BOM removed, line ends normalised to `\n`) into front matter and body and
/// parses the front matter.
pub(crate) fn split(text: &str) -> Result<Split<'_>, LineError> {
    let (format, front_text, body, _) = cut(text)?;
    let front = match format {
        None => Map::new(),
        Some(Format::Toml) => parse_toml(front_text, 2)?,
        Some(Format::Yaml) => parse_yaml(front_text, 2)?,
    };
    let front_line = if format.is_some() { 2 } else { 1 };
    Ok(Split {
        front,
        key_lines: key_lines_of(front_text, front_line),
        front_line,
        body,
    })
}

/// The file line of each top-level key of front matter starting at `first_line`: a line
/// that begins with the key, then `:` (YAML) or `=` (TOML), spaces allowed before it.
fn key_lines_of(front_text: &str, first_line: usize) -> Vec<(&str, usize)> {
    let mut found: Vec<(&str, usize)> = Vec::new();
    for (i, line) in front_text.lines().enumerate() {
        let Some(at) = line.find([':', '=']) else {
            continue;
        };
        let key = line[..at].trim_end();
        if key.is_empty() || key.starts_with(char::is_whitespace) {
            continue;
        }
        if !found.iter().any(|(k, _)| *k == key) {
            found.push((key, first_line + i));
        }
    }
    found
}

/// Whether `text` holds front matter and the line that closes it (or is a post without
/// front matter, whose start needs no closing).
pub(crate) fn closed(text: &str) -> bool {
    cut(text).is_ok()
}

/// The body of a post and its first line, without parsing the front matter.
pub(crate) fn body(text: &str) -> Result<(&str, usize), LineError> {
    cut(text).map(|(_, _, body, line)| (body, line))
}

#[derive(Debug, Clone, Copy)]
enum Format {
    Yaml,
    Toml,
}

/// Finds the front matter's delimiters: (format, front-matter text, body, body's first line).
fn cut(text: &str) -> Result<(Option<Format>, &str, &str, usize), LineError> {
    // A line of three or more dashes opens and closes YAML, as Hugo reads it (`------`).
    let dashes = |line: &str| line.len() >= 3 && line.bytes().all(|b| b == b'-');
    let first_line = text.lines().next().unwrap_or("");
    let opener = first_line.trim_end();
    let (format, open) = match opener {
        "+++" => (Format::Toml, "+++"),
        line if dashes(line) => (Format::Yaml, line),
        _ => return Ok((None, "", text, 1)),
    };
    let closes = |line: &str| match format {
        Format::Toml => line == "+++",
        Format::Yaml => dashes(line) || line == "...",
    };
    let start = first_line.len() + 1;
    let mut offset = start.min(text.len());
    for (line_no, line) in (2..).zip(text[offset..].split_inclusive('\n')) {
        if closes(line.trim_end()) {
            let front_text = &text[start.min(text.len())..offset];
            let body_start = (offset + line.len()).min(text.len());
            return Ok((Some(format), front_text, &text[body_start..], line_no + 1));
        }
        offset += line.len();
    }
    Err((
        1,
        format!("front matter opened with `{open}` is never closed"),
    ))
}

fn parse_yaml(text: &str, first_line: usize) -> Result<Map<String, Value>, LineError> {
    if text.trim().is_empty() {
        return Ok(Map::new());
    }
    match serde_yaml_ng::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(Value::Null) => Ok(Map::new()),
        Ok(_) => Err((
            first_line,
            "front matter is not a map of keys to values".into(),
        )),
        Err(e) => {
            let line = e.location().map_or(0, |l| l.line().saturating_sub(1));
            let message = e.to_string();
            // serde_yaml_ng appends " at line N column M"; we give the line ourselves.
            let message = message.split(" at line ").next().unwrap_or(&message);
            Err((
                first_line + line,
                format!("invalid YAML front matter: {message}"),
            ))
        }
    }
}

fn parse_toml(text: &str, first_line: usize) -> Result<Map<String, Value>, LineError> {
    match toml::from_str::<toml::Table>(text) {
        Ok(table) => Ok(table
            .into_iter()
            .map(|(k, v)| (k, toml_to_json(v)))
            .collect()),
        Err(e) => {
            let line = e
                .span()
                .map_or(0, |s| text[..s.start].matches('\n').count());
            Err((
                first_line + line,
                format!("invalid TOML front matter: {}", e.message()),
            ))
        }
    }
}

fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// The file line a top-level key is written on, or the first front-matter line.
pub(crate) fn key_line(split: &Split<'_>, key: &str) -> usize {
    split
        .key_lines
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(split.front_line, |&(_, line)| line)
}

/// Every author shape real posts use: a list of maps (`- morsapaes: null` with `name:` and
/// `twitter:`), a list of strings, one string, one map; plus `author-twitter:`.
pub(crate) fn authors(front: &Map<String, Value>) -> Vec<Author> {
    let raw = front.get("authors").or_else(|| front.get("author"));
    let mut authors: Vec<Author> = match raw {
        Some(Value::Array(items)) => items.iter().filter_map(author).collect(),
        Some(value) => author(value).into_iter().collect(),
        None => Vec::new(),
    };
    let twitter = front
        .get("author-twitter")
        .or_else(|| front.get("author_twitter"))
        .and_then(scalar);
    if let (Some(twitter), [only]) = (twitter, authors.as_mut_slice()) {
        only.twitter
            .get_or_insert(twitter.trim_start_matches('@').to_string());
    }
    authors
}

pub(crate) fn author(value: &Value) -> Option<Author> {
    match value {
        Value::String(name) => Some(Author::named(plain(name))).filter(|a| !a.name.is_empty()),
        Value::Object(map) => {
            let field = |k: &str| {
                map.get(k)
                    .and_then(scalar)
                    .map(|s| plain(&s))
                    .filter(|s| !s.is_empty())
            };
            let name = field("name")
                .or_else(|| map.iter().find(|(_, v)| v.is_null()).map(|(k, _)| plain(k)))?;
            Some(Author {
                name,
                uri: field("uri")
                    .or_else(|| field("url"))
                    .or_else(|| field("website")),
                email: field("email"),
                twitter: field("twitter").map(|t| t.trim_start_matches('@').to_string()),
            })
        }
        _ => None,
    }
}

/// A list of strings, or one string split on whitespace as Jekyll does.
pub(crate) fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(scalar).collect(),
        Some(Value::String(s)) => s.split_whitespace().map(str::to_string).collect(),
        Some(other) => scalar(other).into_iter().collect(),
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_with_trailing_spaces_and_dot_closer() {
        let s = split("--- \ntitle: Hi\n...\nbody\n").unwrap();
        assert_eq!(s.front["title"], "Hi");
        assert_eq!(s.body, "body\n");
        assert_eq!(body("--- \ntitle: Hi\n...\nbody\n"), Ok(("body\n", 4)));
    }

    #[test]
    fn toml_front_matter_with_datetime() {
        let s = split("+++\ntitle = \"T\"\ndate = 2020-01-02T03:04:05Z\n+++\nx").unwrap();
        assert_eq!(s.front["date"], "2020-01-02T03:04:05Z");
        assert_eq!(s.body, "x");
        assert_eq!(key_line(&s, "date"), 3);
    }

    #[test]
    fn more_dashes_open_and_close_yaml_as_in_hugo() {
        for text in [
            "------\ntitle: x\n------\nbody",
            "------\ntitle: x\n---\nbody",
        ] {
            let split = split(text).unwrap();
            assert_eq!(split.front["title"], "x");
            assert_eq!(split.body, "body");
        }
    }

    #[test]
    fn no_front_matter() {
        let s = split("# Title\ntext").unwrap();
        assert!(s.front.is_empty());
        assert_eq!(body("# Title\ntext"), Ok(("# Title\ntext", 1)));
    }

    #[test]
    fn unclosed_front_matter_is_an_error_on_line_1() {
        let e = split("---\ntitle: x\nbody").unwrap_err();
        assert_eq!(
            e,
            (1, "front matter opened with `---` is never closed".into())
        );
    }

    #[test]
    fn invalid_yaml_points_at_its_line() {
        let e = split("---\ntitle: x\nauthors: [a\n---\n").unwrap_err();
        assert!(e.0 >= 3, "{e:?}");
        assert!(e.1.starts_with("invalid YAML front matter"), "{e:?}");
    }

    #[test]
    fn each_key_has_its_line_recorded_as_it_is_read() {
        let yaml =
            split("---\ntitle: x\nauthors:\n  - name: a\ndate : 2020-09-04\n---\nbody").unwrap();
        assert_eq!(key_line(&yaml, "title"), 2);
        assert_eq!(key_line(&yaml, "date"), 5);
        assert_eq!(
            key_line(&yaml, "name"),
            2,
            "a nested key is not a top-level one"
        );
        let toml = split("+++\ntitle = \"x\"\n\ndate = 2020-09-04\n+++\nbody").unwrap();
        assert_eq!(key_line(&toml, "date"), 4);
        assert_eq!(key_line(&toml, "missing"), 2, "the first front-matter line");
        assert_eq!(
            key_lines_of("a: 1\nb: 2\na: 3", 2),
            [("a", 2), ("b", 3)],
            "the first line of a key written twice"
        );
    }
}
