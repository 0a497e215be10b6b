//! RSS 2.0 with the `rss` crate: full content in `content:encoded`, authors as `dc:creator`
//! (RSS `author` must be an email), a self link, and RFC 822 dates with numeric offsets.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::{Context, Result};
use rss::extension::atom::{AtomExtension, Link};
use rss::extension::dublincore::DublinCoreExtension;
use rss::extension::{Extension, ExtensionMap};
use rss::{Category, Channel, Guid, Image, Item};

use super::plan::Feed;
use herald_entry::Entry;

/// The Media RSS namespace, for `media:thumbnail`.
pub(crate) const MEDIA_NS: &str = "http://search.yahoo.com/mrss/";

/// The channel without its items.
fn channel(feed: &Feed<'_>) -> Channel {
    let site = &feed.site.config;
    let updated = feed.updated.to_rfc2822();
    let mut channel = Channel {
        title: feed.title.clone(),
        link: feed.home(),
        description: if site.description.is_empty() {
            feed.title.clone()
        } else {
            site.description.clone()
        },
        language: Some(site.language.clone()),
        generator: Some(super::json::GENERATOR.to_string()),
        last_build_date: Some(updated.clone()),
        pub_date: Some(updated),
        atom_ext: Some(AtomExtension {
            links: vec![Link {
                href: feed.self_url.clone(),
                rel: "self".into(),
                mime_type: Some("application/rss+xml".into()),
                ..Link::default()
            }],
        }),
        image: site.feeds.logo.as_ref().map(|url| Image {
            url: url.clone(),
            title: feed.title.clone(),
            link: feed.home(),
            ..Image::default()
        }),
        ..Channel::default()
    };
    // Declared whenever there are items, as their thumbnails may use it: the document is
    // begun before its items are rendered.
    if feed.count > 0 {
        channel.namespaces.insert("media".into(), MEDIA_NS.into());
    }
    channel
}

/// The whole channel in one document, as the rss crate writes it: what the feed written a
/// piece at a time must be, byte for byte (tested).
pub(crate) fn write_whole(feed: &Feed<'_>, entries: &[&Entry], out: &mut dyn Write) -> Result<()> {
    let mut channel = channel(feed);
    channel.items = entries.iter().map(|e| item(feed, e)).collect();
    let out = channel
        .pretty_write_to(out, b' ', 2)
        .context("failed to write RSS")?;
    out.write_all(b"\n").context("failed to write RSS")
}

/// The channel without items, for writing the feed a piece at a time.
pub(crate) fn template(feed: &Feed<'_>) -> Channel {
    let mut channel = channel(feed);
    // The namespaces the rss crate declares for what items use (every item has dc:creator,
    // and content:encoded with full content), declared up front as the whole document would.
    if feed.count > 0 {
        channel
            .namespaces
            .insert("dc".into(), rss::extension::dublincore::NAMESPACE.into());
        if feed.full() {
            channel
                .namespaces
                .insert("content".into(), CONTENT_NS.into());
        }
    }
    channel
}

/// What a serialised item or entry takes beyond its HTML: the channel or feed around it,
/// its title, links, dates, authors and tags (a few hundred bytes to a few KiB).
pub(crate) const ROOM: usize = 4096;

/// The channel `template` serialised (the rss crate writes the XML declaration itself, and
/// only whole channels), with `entry` as its only item when given.
pub(crate) fn serialise(
    template: &Channel,
    feed: &Feed<'_>,
    one: Option<&Entry>,
) -> Result<Vec<u8>> {
    let written = match one {
        None => template.pretty_write_to(Vec::new(), b' ', 2),
        Some(e) => {
            let mut one = template.clone();
            one.items = vec![item(feed, e)];
            // Room for the item from the start: growing the buffer copied it again.
            let room = e.content_html.len() + e.summary_html.len() + ROOM;
            one.pretty_write_to(Vec::with_capacity(room), b' ', 2)
        }
    };
    written.context("failed to write RSS")
}

/// The RSS content module's namespace, for `content:encoded`.
const CONTENT_NS: &str = "http://purl.org/rss/1.0/modules/content/";

fn item(feed: &Feed<'_>, entry: &Entry) -> Item {
    let mut extensions = ExtensionMap::new();
    if let Some(image) = &entry.image {
        let thumbnail = Extension {
            name: "media:thumbnail".into(),
            attrs: BTreeMap::from([("url".to_string(), image.clone())]),
            ..Extension::default()
        };
        extensions.insert(
            "media".into(),
            BTreeMap::from([("thumbnail".to_string(), vec![thumbnail])]),
        );
    }
    Item {
        title: Some(entry.title.clone()),
        link: Some(entry.permalink.clone()),
        description: Some(entry.summary_html.clone()),
        content: feed.full().then(|| entry.content_html.clone()),
        guid: Some(Guid {
            value: entry.id.clone(),
            permalink: entry.id == entry.permalink,
        }),
        pub_date: Some(entry.published.to_rfc2822()),
        categories: entry
            .tags
            .iter()
            .map(|t| Category {
                name: t.clone(),
                domain: None,
            })
            .collect(),
        dublin_core_ext: Some(DublinCoreExtension {
            creators: feed
                .authors_of(entry)
                .iter()
                .map(|a| a.name.clone())
                .collect(),
            ..DublinCoreExtension::default()
        }),
        extensions,
        ..Item::default()
    }
}
