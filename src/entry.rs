//! The entry model: one post, parsed, rendered and sanitised. Every output consumes this.

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
