//! Feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 from entries (never posts), written
//! atomically, plus a lint of what is written against the W3C Feed Validation Service's rule
//! classes. [`Selection`] is the one rule for which items a feed shows.

mod atom;
mod json;
pub mod lint;
mod plan;
mod rss;
mod splice;

use std::path::{Path, PathBuf};

use anyhow::Result;
use rayon::prelude::*;

use crate::config::{Format, Site};
use crate::entry::Entry;
use crate::fsutil::{commit_all, Staged};
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
    render_with(site, entries, write_feed)
}

/// [`render`] with RSS and Atom serialised as whole documents by their crates, not streamed
/// item by item: the plain way the streaming writers must match byte for byte (tested).
pub fn render_whole(site: &Site, entries: &[Entry]) -> Result<Vec<FeedFile>> {
    render_with(site, entries, |feed, format, out| match format {
        Format::Rss => rss::write_whole(feed, out),
        Format::Atom => atom::write_whole(feed, out),
        Format::Json => json::write(feed, out),
    })
}

fn render_with(
    site: &Site,
    entries: &[Entry],
    write: fn(&Feed<'_>, Format, &mut dyn std::io::Write) -> Result<()>,
) -> Result<Vec<FeedFile>> {
    plan(site, entries)
        .into_iter()
        .map(|(path, format, feed)| {
            let mut bytes = Vec::new();
            write(&feed, format, &mut bytes)?;
            Ok(FeedFile {
                path,
                format,
                bytes,
            })
        })
        .collect()
}

/// Lint findings, each with its feed file (below the output directory).
type Findings = Vec<(PathBuf, lint::Finding)>;

/// What `write` did: how many feeds it wrote, or the lint's findings that kept it from
/// replacing the old ones.
#[derive(Debug)]
pub struct Written {
    /// How many feed files were written (0 when findings kept the old set).
    pub feeds: usize,
    /// Errors the lint found, by feed file (below the output directory).
    pub findings: Vec<(PathBuf, lint::Finding)>,
}

/// Renders the feeds, each streamed into its file, lints what was written, and only when
/// every feed is written and clean replaces the old set with the new, together. No
/// serialised feed is ever in memory whole.
pub fn write(site: &Site, entries: &[Entry], out_dir: &Path) -> Result<Written> {
    let feeds = plan(site, entries);
    // Each feed is staged (written and synced under a temporary name) and then linted, as
    // one task; the tasks share the cores, the longest (Atom: its HTML is escaped text,
    // the slowest to lint) first. Only when every feed is staged and clean does any
    // replace the old one, so a failure leaves the old set whole.
    let cost = |format: &Format| match format {
        Format::Atom => 0,
        Format::Rss => 1,
        Format::Json => 2,
    };
    let mut order: Vec<usize> = (0..feeds.len()).collect();
    order.sort_by_key(|&i| cost(&feeds[i].1));
    let started = std::time::Instant::now();
    let mut done: Vec<(usize, Staged, Findings)> = order
        .par_iter()
        .with_max_len(1)
        .map(|&i| -> Result<_> {
            let (path, format, feed) = &feeds[i];
            let staged = Staged::write(&out_dir.join(path), &mut |out| {
                write_feed(feed, *format, out)
            })?;
            let read = || -> Result<_> {
                Ok(std::io::BufReader::with_capacity(
                    1 << 16,
                    std::fs::File::open(staged.content_path())?,
                ))
            };
            let found = match format {
                Format::Rss => lint::rss(read()?),
                Format::Atom => lint::atom(read()?),
                Format::Json => Vec::new(),
            };
            let found = found.into_iter().map(|f| (path.clone(), f)).collect();
            Ok((i, staged, found))
        })
        .collect::<Result<_>>()?;
    // Findings and replacements in the plan's order, as before.
    done.sort_by_key(|(i, _, _)| *i);
    tracing::debug!(
        "staged and linted {} feeds in {:?}",
        feeds.len(),
        started.elapsed()
    );
    let (staged, findings): (Vec<Staged>, Vec<_>) = done
        .into_iter()
        .map(|(_, staged, found)| (staged, found))
        .unzip();
    let findings: Findings = findings.into_iter().flatten().collect();
    if !findings.is_empty() {
        return Ok(Written { feeds: 0, findings });
    }
    commit_all(staged)?;
    Ok(Written {
        feeds: feeds.len(),
        findings,
    })
}
