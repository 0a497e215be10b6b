//! Feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 from entries (never posts), written
//! atomically, plus a lint of what is written against the W3C Feed Validation Service's rule
//! classes. [`Selection`] is the one rule for which items a feed shows.

mod atom;
mod commit;
mod escape;
mod json;
pub mod lint;
mod linting;
mod pieces;
mod plan;
mod rss;
mod stream;

use std::path::{Path, PathBuf};

use anyhow::Result;
use rayon::prelude::*;

use commit::commit_ended;
pub use commit::Written;
pub use commit::{Failed, Findings};
use herald_config::{Format, Site};
use herald_entry::Entry;
use linting::Tee;
use pieces::Pieces;
use plan::{plan, Feed, Planned};
pub use plan::{Head, Selection};
pub use stream::{Stream, Streamed};

/// Writes one feed in one format, a piece at a time.
fn write_feed(
    feed: &Feed<'_>,
    entries: &[&Entry],
    format: Format,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    let mut pieces = Pieces::begin(feed, format, out)?;
    pieces::push_all(&mut pieces, feed, entries, out)?;
    pieces.finish(out)
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

/// The feeds to write for entries sorted newest first, each with its entries.
fn planned<'a>(site: &'a Site, entries: &'a [Entry]) -> Vec<(Planned<'a>, Vec<&'a Entry>)> {
    let heads: Vec<Head<'_>> = entries.iter().map(Head::of).collect();
    plan(site, &heads)
        .into_iter()
        .map(|planned| {
            let items = planned.items.iter().map(|&i| &entries[i]).collect();
            (planned, items)
        })
        .collect()
}

/// Lints every feed that would be written for entries sorted newest first, as it is written,
/// without writing or keeping it: the findings, by feed file (below the output directory),
/// in the plan's order.
pub fn lint_all(site: &Site, entries: &[Entry]) -> Result<Findings> {
    let found: Vec<Findings> = planned(site, entries)
        .par_iter()
        .with_max_len(1)
        .map(|(planned, items)| -> Result<Findings> {
            let Some(mut linting) = linting::Linting::start(planned.format)? else {
                return Ok(Vec::new());
            };
            write_feed(&planned.feed, items, planned.format, &mut linting)?;
            linting.finish(&planned.path)
        })
        .collect::<Result<_>>()?;
    Ok(found.into_iter().flatten().collect())
}

/// Renders every configured feed (and per-tag feeds) from entries sorted newest first.
pub fn render(site: &Site, entries: &[Entry]) -> Result<Vec<FeedFile>> {
    render_with(site, entries, write_feed)
}

/// [`render`] with every feed serialised as a whole document by its crate, not a piece at a
/// time: the plain way the pieces must match byte for byte (tested).
pub fn render_whole(site: &Site, entries: &[Entry]) -> Result<Vec<FeedFile>> {
    render_with(site, entries, |feed, entries, format, out| match format {
        Format::Rss => rss::write_whole(feed, entries, out),
        Format::Atom => atom::write_whole(feed, entries, out),
        Format::Json => json::write_whole(feed, entries, out),
    })
}

type WriteFn = fn(&Feed<'_>, &[&Entry], Format, &mut dyn std::io::Write) -> Result<()>;

fn render_with(site: &Site, entries: &[Entry], write: WriteFn) -> Result<Vec<FeedFile>> {
    planned(site, entries)
        .into_iter()
        .map(|(planned, items)| {
            let mut bytes = Vec::new();
            write(&planned.feed, &items, planned.format, &mut bytes)?;
            Ok(FeedFile {
                path: planned.path,
                format: planned.format,
                bytes,
            })
        })
        .collect()
}

/// Renders the feeds, each streamed into its file and linted as it is written, and when the
/// lint finds nothing replaces the old feeds with the new; a feed that cannot be written is
/// its own failure and the others still go in. No serialised feed is ever in memory whole. The feeds share the cores, one at a time each.
pub fn write(site: &Site, entries: &[Entry], out_dir: &Path) -> Result<Written> {
    let temp_dir = site.temp_dir();
    let done: commit::Ended = planned(site, entries)
        .par_iter()
        .with_max_len(1)
        .map(|(planned, items)| {
            let written = (|| {
                let mut out = Tee::begin(&out_dir.join(&planned.path), planned.format, &temp_dir)?;
                write_feed(&planned.feed, items, planned.format, &mut out)?;
                out.finish(&planned.path)
            })();
            (planned.path.clone(), written)
        })
        .collect();
    commit_ended(done, Vec::new())
}
