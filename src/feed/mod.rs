//! Feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 from entries (never posts), written
//! atomically, plus a lint of what is written against the W3C Feed Validation Service's rule
//! classes. [`Selection`] is the one rule for which items a feed shows.

mod atom;
mod json;
pub mod lint;
mod plan;
mod rss;

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::config::{Format, Site};
use crate::entry::Entry;
use crate::fsutil::write_atomic_with;
pub use plan::Selection;
use plan::{plan, Feed};

/// Writes one feed in one format.
fn write_feed(feed: &Feed<'_>, format: Format, out: &mut dyn std::io::Write) -> Result<()> {
    match format {
        Format::Rss => rss::write(feed, out),
        Format::Atom => atom::write(feed, out),
        Format::Json => json::write(feed, out),
    }
}

/// A rendered feed file: path relative to the output directory and its bytes.
#[derive(Debug)]
pub struct FeedFile {
    /// Path below the output directory.
    pub path: PathBuf,
    /// The format.
    pub format: Format,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// Renders every configured feed (and per-tag feeds) from entries sorted newest first.
pub fn render(site: &Site, entries: &[Entry]) -> Result<Vec<FeedFile>> {
    plan(site, entries)
        .into_iter()
        .map(|(path, format, feed)| {
            let mut bytes = Vec::new();
            write_feed(&feed, format, &mut bytes)?;
            Ok(FeedFile {
                path,
                format,
                bytes,
            })
        })
        .collect()
}

/// Renders the feeds, each streamed into its file and written atomically, so no serialised
/// feed is ever in memory whole. JSON feeds are written beside the XML ones; the XML ones go
/// one at a time, because the rss and atom_syndication documents each copy every entry's
/// content and two at once cost a third more peak memory (BENCHMARKS.md). Returns how many
/// were written.
pub fn write(site: &Site, entries: &[Entry], out_dir: &Path) -> Result<usize> {
    let feeds = plan(site, entries);
    let (json, xml): (Vec<_>, Vec<_>) = feeds
        .iter()
        .partition(|(_, format, _)| *format == Format::Json);
    let write_all = |feeds: Vec<&(PathBuf, Format, Feed<'_>)>| -> Result<()> {
        feeds.into_iter().try_for_each(|(path, format, feed)| {
            write_atomic_with(&out_dir.join(path), &mut |out| {
                write_feed(feed, *format, out)
            })
        })
    };
    let (json, xml) = rayon::join(|| write_all(json), || write_all(xml));
    json.and(xml)?;
    Ok(feeds.len())
}
