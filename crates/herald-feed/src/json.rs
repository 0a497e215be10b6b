//! JSON Feed 1.1 with serde: `summary`, `content_html` and `content_text` per item.

use std::io::Write;

use anyhow::{Context, Result};
use serde::Serialize;

use super::escape::push_json_string;
use super::plan::Feed;
use herald_entry::{format_rfc3339, Entry};

/// The generator named in every feed.
pub(crate) const GENERATOR: &str = concat!("herald ", env!("CARGO_PKG_VERSION"));

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: String,
    feed_url: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    icon: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    favicon: Option<&'a str>,
    language: &'a str,
    items: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Item<'a> {
    id: &'a str,
    url: &'a str,
    title: &'a str,
    content_html: &'a str,
    content_text: &'a str,
    summary: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
    date_published: String,
    date_modified: String,
    authors: Vec<Author>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    tags: &'a [String],
}

#[derive(Serialize)]
struct Author {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

/// The feed without its items.
fn document<'a>(feed: &'a Feed<'_>) -> JsonFeed<'a> {
    let site = &feed.site.config;
    JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: &feed.title,
        home_page_url: feed.home(),
        feed_url: &feed.self_url,
        description: &site.description,
        icon: site.feeds.logo.as_deref(),
        favicon: site.feeds.icon.as_deref(),
        language: &site.language,
        items: Vec::new(),
    }
}

fn item<'a>(feed: &Feed<'_>, e: &'a Entry) -> Item<'a> {
    let full = feed.full();
    Item {
        id: &e.id,
        url: &e.permalink,
        title: &e.title,
        content_html: if full {
            &e.content_html
        } else {
            &e.summary_html
        },
        content_text: if full {
            &e.content_text
        } else {
            &e.summary_text
        },
        summary: &e.summary_text,
        image: e.image.as_deref(),
        date_published: format_rfc3339(&e.published),
        date_modified: format_rfc3339(&e.updated),
        authors: feed
            .authors_of(e)
            .iter()
            .map(|a| Author {
                name: a.name.clone(),
                url: a.uri.clone().or_else(|| {
                    a.twitter
                        .as_ref()
                        .map(|t| format!("https://twitter.com/{t}"))
                }),
            })
            .collect(),
        tags: &e.tags,
    }
}

/// The whole feed in one document, as serde_json writes it: what the feed written a piece
/// at a time must be, byte for byte (tested).
pub(crate) fn write_whole(feed: &Feed<'_>, entries: &[&Entry], out: &mut dyn Write) -> Result<()> {
    let mut json = document(feed);
    json.items = entries.iter().map(|e| item(feed, e)).collect();
    serde_json::to_writer_pretty(&mut *out, &json).context("failed to write JSON Feed")?;
    out.write_all(b"\n").context("failed to write JSON Feed")
}

/// The document without items, as serde_json writes it: `items` is its last member, so it
/// ends in `[]` and the closing brace.
pub(crate) fn empty(feed: &Feed<'_>) -> Result<Vec<u8>> {
    let empty = serde_json::to_vec_pretty(&document(feed)).context("failed to write JSON Feed")?;
    anyhow::ensure!(
        empty.ends_with(b"[]\n}"),
        "the JSON Feed document does not end with its items"
    );
    Ok(empty)
}

/// One item as serde_json writes it two levels deep, after the line break before it, written
/// here by hand: serde_json's pretty form, its four spaces of indent added to every line, and
/// its string escaping with the runs that need none copied whole. Written through serde and
/// re-indented, JSON Feed was costly in a full build (see BENCHMARKS.md, Profiling notes).
/// [`write_whole`] writes every item with serde_json itself, and the two are held byte for
/// byte on every corpus (tested).
pub(crate) fn serialise(feed: &Feed<'_>, e: &Entry) -> Result<Vec<u8>> {
    let item = item(feed, e);
    let strings = item.content_html.len() + item.content_text.len() + item.summary.len();
    let mut out = Vec::with_capacity(strings + strings / 8 + 1024);
    out.extend_from_slice(b"    {");
    let mut first = true;
    let mut key = |out: &mut Vec<u8>, name: &str| {
        out.extend_from_slice(if first { b"\n      \"" } else { b",\n      \"" });
        first = false;
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"\": ");
    };
    for (name, value) in [
        ("id", item.id),
        ("url", item.url),
        ("title", item.title),
        ("content_html", item.content_html),
        ("content_text", item.content_text),
        ("summary", item.summary),
    ] {
        key(&mut out, name);
        push_json_string(&mut out, value);
    }
    if let Some(image) = item.image {
        key(&mut out, "image");
        push_json_string(&mut out, image);
    }
    key(&mut out, "date_published");
    push_json_string(&mut out, &item.date_published);
    key(&mut out, "date_modified");
    push_json_string(&mut out, &item.date_modified);
    key(&mut out, "authors");
    if item.authors.is_empty() {
        out.extend_from_slice(b"[]");
    } else {
        out.push(b'[');
        for (i, author) in item.authors.iter().enumerate() {
            out.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
            out.extend_from_slice(b"        {\n          \"name\": ");
            push_json_string(&mut out, &author.name);
            if let Some(url) = &author.url {
                out.extend_from_slice(b",\n          \"url\": ");
                push_json_string(&mut out, url);
            }
            out.extend_from_slice(b"\n        }");
        }
        out.extend_from_slice(b"\n      ]");
    }
    if !item.tags.is_empty() {
        key(&mut out, "tags");
        out.push(b'[');
        for (i, tag) in item.tags.iter().enumerate() {
            out.extend_from_slice(if i == 0 {
                b"\n        "
            } else {
                b",\n        "
            });
            push_json_string(&mut out, tag);
        }
        out.extend_from_slice(b"\n      ]");
    }
    out.extend_from_slice(b"\n    }");
    Ok(out)
}
