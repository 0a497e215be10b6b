//! The entry model: one post, parsed, rendered and sanitised. Every output consumes this and
//! nothing else; it knows no parser and no output. Two small rules every side shares live
//! here too: how a summary is cut from text, and how a name becomes a slug.

pub mod markup;

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, SecondsFormat};
use serde::{Serialize, Serializer};

/// One post, ready for any output. All HTML is sanitised and every URL in it is absolute.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Stable id: front-matter `id` if set, else the permalink.
    pub id: String,
    /// Plain-text title.
    pub title: String,
    /// Absolute URL of the post on the site.
    pub permalink: String,
    /// When the post was published, in the site's time zone.
    #[serde(serialize_with = "rfc3339")]
    pub published: DateTime<FixedOffset>,
    /// When the post was last changed (`updated`/`lastmod`, else `published`).
    #[serde(serialize_with = "rfc3339")]
    pub updated: DateTime<FixedOffset>,
    /// The post's authors, in front-matter order.
    pub authors: Vec<Author>,
    /// Tags and categories, in front-matter order, without duplicates.
    pub tags: Vec<String>,
    /// The blog of the site it belongs to: empty for the main one, else that blog's URL
    /// path below the site (`inside-rust`), where its feeds are written.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub blog: String,
    /// Its language's code on a multilingual site (`en`, `zh-cn`), else empty.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub lang: String,
    /// Summary as sanitised HTML.
    pub summary_html: String,
    /// Summary as plain text.
    pub summary_text: String,
    /// Full content as sanitised HTML.
    pub content_html: String,
    /// Full content as plain text.
    pub content_text: String,
    /// The first image of the post, absolute, if it has one.
    pub image: Option<String>,
    /// Number of words in the content, for reading-time estimates.
    pub words: usize,
    /// The file the post came from.
    pub source: PathBuf,
    /// Front-matter keys herald does not interpret, kept for templates.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// One author of a post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Author {
    /// Display name.
    pub name: String,
    /// Home page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Email address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Twitter handle without the `@`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub twitter: Option<String>,
}

impl Author {
    /// An author known only by name.
    pub fn named(name: impl Into<String>) -> Author {
        Author {
            name: name.into(),
            uri: None,
            email: None,
            twitter: None,
        }
    }
}

/// Formats a time as RFC 3339 with `Z` for UTC, to the second.
pub fn format_rfc3339(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn rfc3339<S: Serializer>(t: &DateTime<FixedOffset>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_rfc3339(t))
}

/// A summary made from plain text: the words that fit in about `length` characters (with
/// `…` when cut), as (HTML paragraph, text). The feeds' automatic summaries and the digest's
/// shortened ones both come from here. `length` 0 gives no summary at all.
pub fn summary_of_text(text: &str, length: usize) -> (String, String) {
    let mut summary = String::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        let word_chars = word.chars().count();
        if chars + word_chars + 1 > length && (!summary.is_empty() || length == 0) {
            summary.push('…');
            break;
        }
        if !summary.is_empty() {
            summary.push(' ');
            chars += 1;
        }
        summary.push_str(word);
        chars += word_chars;
    }
    if length == 0 {
        summary.clear();
    }
    let mut html = String::new();
    if !summary.is_empty() {
        html.push_str("<p>");
        pulldown_cmark_escape::escape_html_body_text(&mut html, &summary)
            .expect("writing to a String");
        html.push_str("</p>");
    }
    (html, summary)
}

/// herald's own slug, for the ids of headings in a post (where the author wrote none) and for
/// the folders of per-tag feeds (`tags/<slug>/`): letters and digits lowercased, `_` and `-`
/// kept, whitespace as `-`, everything else dropped; `heading` when nothing is left. This is
/// the rule of pulldown-cmark's and GitHub's heading anchors, not a generator's permalink
/// rule: Hugo's permalink slug is `post::permalink::hugo_slug`.
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() {
            out.push('-');
        }
    }
    if out.is_empty() {
        out.push_str("heading");
    }
    out
}

/// What RFC 3986 (and so the W3C Feed Validation Service) rejects in a URL that every URL
/// herald writes must avoid: a space, a double quote, angle brackets, a backslash, a caret,
/// a backtick, braces, a bar or a control character anywhere; square brackets outside an
/// IPv6 host; a percent sign not followed by two hex digits.
pub fn uri_problem(url: &str) -> Option<String> {
    let authority_end = url
        .find("://")
        .map(|at| {
            at + 3
                + url[at + 3..]
                    .find(['/', '?', '#'])
                    .unwrap_or(url.len() - at - 3)
        })
        .unwrap_or(0);
    let bytes = url.as_bytes();
    for (i, c) in url.char_indices() {
        let bad = match c {
            '[' | ']' => i >= authority_end,
            ' ' | '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}' => true,
            '%' => {
                !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                    && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
            }
            c => c.is_control(),
        };
        if bad {
            return Some(format!(
                "{url:?} holds {c:?}, which a URL may not hold there (RFC 3986)"
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_that_rfc_3986_rejects() {
        assert_eq!(uri_problem("https://x.org/a/b?c=1#d"), None);
        assert_eq!(uri_problem("http://[::1]:8080/a"), None);
        assert_eq!(uri_problem("https://x.org/a%20b"), None);
        for bad in [
            "https://x.org/a[1]/",
            "https://x.org/a b",
            "https://x.org/%zz",
            "https://x.org/a|b",
        ] {
            assert!(uri_problem(bad).is_some(), "{bad}");
        }
    }
}
