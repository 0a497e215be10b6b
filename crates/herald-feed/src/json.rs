//! JSON Feed 1.1 with serde: `summary`, `content_html` and `content_text` per item.

use std::io::Write;

use anyhow::{Context, Result};
use serde::Serialize;

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

/// One item as serde_json writes it two levels deep in the document, after the line break
/// before it: the same [`Item`] that [`write_whole`] writes, through serde, with a formatter
/// that is serde_json's pretty one begun two levels in (so nothing is re-indented). The two
/// are held byte for byte on every corpus (tested).
pub(crate) fn serialise(feed: &Feed<'_>, e: &Entry) -> Result<Vec<u8>> {
    let item = item(feed, e);
    let strings = item.content_html.len() + item.content_text.len() + item.summary.len();
    let mut out = Vec::with_capacity(strings + strings / 8 + 1024);
    out.extend_from_slice(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(
        &mut out,
        Nested {
            depth: 2,
            has_value: false,
        },
    );
    item.serialize(&mut serializer)
        .context("failed to write JSON Feed")?;
    Ok(out)
}

/// serde_json's `PrettyFormatter` (two spaces a level), begun `depth` levels in: the same
/// calls, the same bytes.
struct Nested {
    depth: usize,
    has_value: bool,
}

impl Nested {
    fn indent<W: ?Sized + Write>(&self, out: &mut W) -> std::io::Result<()> {
        for _ in 0..self.depth {
            out.write_all(b"  ")?;
        }
        Ok(())
    }

    /// `[` or `{`, one level deeper.
    fn open<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        out.write_all(bracket)
    }

    /// `]` or `}`, on a line of its own unless the array or object is empty.
    fn close<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            out.write_all(b"\n")?;
            self.indent(out)?;
        }
        out.write_all(bracket)
    }

    /// The line break (and comma) before a member or element, and its indent.
    fn next<W: ?Sized + Write>(&self, out: &mut W, first: bool) -> std::io::Result<()> {
        out.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(out)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.open(out, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.close(out, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        out: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.next(out, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.open(out, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.close(out, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        out: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.next(out, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        out.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}
