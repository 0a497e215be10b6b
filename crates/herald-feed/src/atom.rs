//! Atom 1.0 with `atom_syndication`: an author on every entry (the site's when the post names
//! none), `summary` and `content type="html"` (the content as CDATA), RFC 3339 dates, and a
//! self link.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::{Context, Result};
use atom_syndication::extension::{Extension, ExtensionMap};
use atom_syndication::{
    Category, Content, Entry as AtomEntry, Feed as AtomFeed, Generator, Link, Person, Text,
};

use super::escape::push_cdata;
use super::plan::Feed;
use super::rss::MEDIA_NS;
use herald_entry::Entry;

/// The feed without its entries.
fn document(feed: &Feed<'_>) -> AtomFeed {
    let site = &feed.site.config;
    let mut atom = AtomFeed {
        id: feed.self_url.clone(),
        title: Text::plain(feed.title.clone()),
        updated: feed.updated,
        subtitle: (!site.description.is_empty()).then(|| Text::plain(site.description.clone())),
        links: vec![
            link(&feed.home(), "alternate", "text/html"),
            link(&feed.self_url, "self", "application/atom+xml"),
        ],
        generator: Some(Generator {
            value: "herald".into(),
            uri: None,
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
        icon: site.feeds.icon.clone(),
        logo: site.feeds.logo.clone(),
        lang: Some(site.language.clone()),
        ..AtomFeed::default()
    };
    // Declared whenever there are entries, as their thumbnails may use it: the document is
    // begun before its entries are rendered.
    if feed.count > 0 {
        atom.namespaces.insert("media".into(), MEDIA_NS.into());
    }
    atom
}

/// The whole feed in one document, as atom_syndication writes it with each entry's content
/// put in as CDATA: what the feed written a piece at a time must be, byte for byte (tested).
pub(crate) fn write_whole(feed: &Feed<'_>, entries: &[&Entry], out: &mut dyn Write) -> Result<()> {
    let mut atom = document(feed);
    atom.entries = entries.iter().map(|e| entry(feed, e)).collect();
    out.write_all(DECLARATION).context("failed to write Atom")?;
    let written = atom
        .write_with_config(Vec::new(), config())
        .context("failed to write Atom")?;
    let contents = entries.iter().map(|e| e.content_html.as_str());
    let written = if feed.full() {
        with_contents(&written, contents)?
    } else {
        written
    };
    out.write_all(&written).context("failed to write Atom")?;
    out.write_all(b"\n").context("failed to write Atom")
}

/// The XML declaration, which atom_syndication leaves to its caller.
pub(crate) const DECLARATION: &[u8] = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// The document without entries, for writing the feed a piece at a time.
pub(crate) fn template(feed: &Feed<'_>) -> AtomFeed {
    document(feed)
}

/// The document `template` serialised, with `entry` as its only entry when given:
/// atom_syndication writes only whole feeds, so each entry is written in a feed of its own
/// and cut out of it.
pub(crate) fn serialise(
    template: &AtomFeed,
    feed: &Feed<'_>,
    one: Option<&Entry>,
) -> Result<Vec<u8>> {
    let Some(e) = one else {
        return template
            .write_with_config(Vec::new(), config())
            .context("failed to write Atom");
    };
    let mut one = template.clone();
    one.entries = vec![entry(feed, e)];
    // Room for the entry from the start (its content is put in afterwards).
    let room = e.summary_html.len() + super::rss::ROOM;
    let written = one
        .write_with_config(Vec::with_capacity(room), config())
        .context("failed to write Atom")?;
    if !feed.full() {
        return Ok(written);
    }
    with_contents(&written, std::iter::once(e.content_html.as_str()))
}

/// `written` with each empty `<content type="html">` filled, in order, with the next of
/// `contents` as CDATA, as jekyll-feed writes it. The crate writes the element empty, as
/// it would escape a full post a byte at a time: slow, an Atom file much larger than its
/// HTML, and the lint decoding it all again (see BENCHMARKS.md, Profiling notes).
fn with_contents<'a>(written: &[u8], contents: impl Iterator<Item = &'a str>) -> Result<Vec<u8>> {
    const EMPTY: &[u8] = b"<content type=\"html\"></content>";
    let open = EMPTY.len() - b"</content>".len();
    let mut out = Vec::with_capacity(written.len());
    let mut rest = written;
    for content in contents {
        let at = memchr::memmem::find(rest, EMPTY)
            .context("failed to write Atom: an entry's content is not where it was put")?
            + open;
        out.reserve(rest.len() + content.len() + 16);
        out.extend_from_slice(&rest[..at]);
        push_cdata(&mut out, content);
        rest = &rest[at..];
    }
    out.extend_from_slice(rest);
    Ok(out)
}

fn config() -> atom_syndication::WriteConfig {
    atom_syndication::WriteConfig {
        write_document_declaration: false,
        indent_size: Some(2),
    }
}

fn link(href: &str, rel: &str, mime_type: &str) -> Link {
    Link {
        href: href.into(),
        rel: rel.into(),
        mime_type: Some(mime_type.into()),
        ..Link::default()
    }
}

/// The entry, its content (when the feed is full) left empty for [`with_contents`].
fn entry(feed: &Feed<'_>, entry: &Entry) -> AtomEntry {
    let mut extensions = ExtensionMap::new();
    if let Some(image) = &entry.image {
        // atom_syndication 0.12 writes extension attributes without escaping them (the rss
        // crate does escape), so escape here; the feed lint's well-formedness check guards it.
        let url = quick_xml::escape::escape(image.as_str()).into_owned();
        let thumbnail = Extension {
            name: "media:thumbnail".into(),
            attrs: BTreeMap::from([("url".to_string(), url)]),
            ..Extension::default()
        };
        extensions.insert(
            "media".into(),
            BTreeMap::from([("thumbnail".to_string(), vec![thumbnail])]),
        );
    }
    AtomEntry {
        id: entry.id.clone(),
        title: Text::plain(entry.title.clone()),
        updated: entry.updated,
        published: Some(entry.published),
        authors: feed
            .authors_of(entry)
            .iter()
            .map(|a| Person {
                name: a.name.clone(),
                email: a.email.clone(),
                uri: a.uri.clone(),
                ..Person::default()
            })
            .collect(),
        categories: entry
            .tags
            .iter()
            .map(|t| Category {
                term: t.clone(),
                ..Category::default()
            })
            .collect(),
        links: vec![link(&entry.permalink, "alternate", "text/html")],
        summary: Some(Text::html(entry.summary_html.clone())),
        content: feed.full().then(|| Content {
            value: Some(String::new()),
            content_type: Some("html".into()),
            ..Content::default()
        }),
        extensions,
        ..AtomEntry::default()
    }
}
