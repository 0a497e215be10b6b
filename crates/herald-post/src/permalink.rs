//! Permalinks from a pattern such as `/:year/:month/:day/:title/`, with `:title` slugified the
//! way Hugo does it, or taken from the file name the way Jekyll does it.

use chrono::{DateTime, Datelike, FixedOffset, Timelike};

/// What a permalink pattern is filled from.
pub(crate) struct Parts<'a> {
    pub date: DateTime<FixedOffset>,
    /// The `:title` value, already a slug.
    pub title: &'a str,
    pub categories: &'a [String],
    /// The file name without extension.
    pub filename: &'a str,
}

/// Fills herald's own permalink pattern; an unknown `:token` is an error naming it, never
/// text in a URL.
pub(crate) fn expand(pattern: &str, parts: &Parts<'_>) -> Result<String, String> {
    let d = &parts.date;
    let mut value = |token: &str| -> Option<String> {
        Some(match token {
            "year" => format!("{:04}", d.year()),
            "month" => format!("{:02}", d.month()),
            "day" => format!("{:02}", d.day()),
            "i_month" => d.month().to_string(),
            "i_day" => d.day().to_string(),
            "hour" => format!("{:02}", d.hour()),
            "minute" => format!("{:02}", d.minute()),
            "second" => format!("{:02}", d.second()),
            "title" | "slug" => parts.title.to_string(),
            "filename" => parts.filename.to_string(),
            "categories" => parts
                .categories
                .iter()
                .map(|c| hugo_slug(c))
                .collect::<Vec<_>>()
                .join("/"),
            _ => return None,
        })
    };
    let mut out = fill(pattern, &mut value)?;
    while out.contains("//") {
        out = out.replace("//", "/");
    }
    Ok(out)
}

/// Fills `:tokens` in a pattern with `value`; an unknown token is an error naming it. The
/// one token reader of every generator's permalink rules.
pub(crate) fn fill(
    pattern: &str,
    value: &mut dyn FnMut(&str) -> Option<String>,
) -> Result<String, String> {
    let mut out = String::with_capacity(pattern.len() + 32);
    let mut rest = pattern;
    while let Some(at) = rest.find(':') {
        out.push_str(&rest[..at]);
        let token: String = rest[at + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if token.is_empty() {
            out.push(':');
            rest = &rest[at + 1..];
            continue;
        }
        out.push_str(&value(&token).ok_or_else(|| token.clone())?);
        rest = &rest[at + 1 + token.len()..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Hugo's `urlize`: letters, digits, marks and `._~+#@/-` kept, runs of spaces and hyphens
/// become one hyphen, everything else dropped, then lower-cased. Used for the `:title` of a
/// permalink made from a post's title and for `:categories`, so URLs match what Hugo builds
/// (tested against the Flink site's real URLs). Heading ids and tag-feed folders use
/// herald's own `entry::slug` instead.
pub(crate) fn hugo_slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut hyphen = false;
    let mut was_hyphen = false;
    for c in text.chars() {
        let allowed = c.is_alphanumeric()
            || matches!(c, '.' | '/' | '\\' | '_' | '#' | '+' | '~' | '-' | '@');
        if allowed {
            was_hyphen = c == '-';
            if hyphen && !was_hyphen {
                out.push('-');
            }
            hyphen = false;
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !was_hyphen && c.is_whitespace() {
            hyphen = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hugo_slugs() {
        let cases = [
            (
                "Flink Community Update - August'20",
                "flink-community-update-august20",
            ),
            ("Apache Flink 0.6 available", "apache-flink-0.6-available"),
            ("Upcoming Events", "upcoming-events"),
            ("  Spaces   everywhere ", "spaces-everywhere"),
        ];
        for (title, want) in cases {
            assert_eq!(hugo_slug(title), want, "{title}");
        }
    }

    #[test]
    fn jekyll_pattern_with_categories() {
        let date = DateTime::parse_from_rfc3339("2014-08-26T10:00:00+02:00").unwrap();
        let cats = ["news".to_string()];
        let parts = Parts {
            date,
            title: "release-0.6",
            categories: &cats,
            filename: "x",
        };
        assert_eq!(
            expand("/:categories/:year/:month/:day/:title.html", &parts).unwrap(),
            "/news/2014/08/26/release-0.6.html"
        );
        let parts = Parts {
            categories: &[],
            ..parts
        };
        assert_eq!(
            expand("/:categories/:year/:month/:day/:title.html", &parts).unwrap(),
            "/2014/08/26/release-0.6.html"
        );
        assert_eq!(
            expand("/:section/:title/", &parts),
            Err("section".to_string())
        );
    }
}
