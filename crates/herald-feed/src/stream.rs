//! Writing every feed while its items are still being rendered: the feeds are planned from
//! what is known of each item before rendering (its [`Head`]), every feed's document is
//! begun, and each run of rendered entries is written into every feed that shows them and
//! then dropped, so a large site's entries are never all in memory. What is written is
//! linted as it is written, on a thread of its own per RSS or Atom feed.

use std::path::Path;

use anyhow::{anyhow, Result};
use rayon::prelude::*;

use super::commit::{commit_ended, Ended, Failed, Findings, Written};
use super::linting::Tee;
use super::pieces::{self, Pieces};
use super::plan::{plan, Head, Planned};
use herald_config::fsutil::Staged;
use herald_config::Site;
use herald_entry::Entry;

/// At most this many feed files are streamed at once (each holds a file or two open, and an
/// RSS or Atom feed a thread for its lint); a site with more (many per-tag feeds) has its
/// entries rendered first and its feeds written one after another.
const MAX_STREAMED: usize = 48;

/// Feeds being written as their items are rendered.
pub struct Stream<'a> {
    heads: Vec<Head<'a>>,
    open: Vec<Open<'a>>,
    /// Items that could not be rendered, by position.
    failed: Vec<usize>,
    /// Feeds that could not be written: no longer open, the others go on.
    broken: Failed,
    site: &'a Site,
}

/// The result of a stream.
#[derive(Debug)]
pub enum Streamed {
    /// The feeds were written (or the lint's findings kept the old ones).
    Written(Written),
    /// An item that could not be rendered changes what another feed shows or says (its
    /// `updated`, or an older item a limit now lets in): nothing was written, and the feeds
    /// must be written from the entries that were rendered.
    Replan,
}

struct Open<'a> {
    planned: Planned<'a>,
    pieces: Pieces,
    out: Tee,
    /// The next of `planned.items` to write.
    next: usize,
}

impl<'a> Stream<'a> {
    /// Plans the feeds for items given newest first by their heads and begins each in its
    /// file below `out_dir`; `None` when there are too many feeds to stream.
    pub fn begin(site: &'a Site, heads: &[Head<'a>], out_dir: &Path) -> Result<Option<Self>> {
        let planned = plan(site, heads);
        if planned.len() > MAX_STREAMED {
            return Ok(None);
        }
        let temp_dir = site.temp_dir();
        let mut open = Vec::with_capacity(planned.len());
        let mut broken = Vec::new();
        for planned in planned {
            let opened = Tee::begin(&out_dir.join(&planned.path), planned.format, &temp_dir)
                .and_then(|mut out| {
                    let pieces = Pieces::begin(&planned.feed, planned.format, &mut out)?;
                    Ok((pieces, out))
                });
            match opened {
                Ok((pieces, out)) => open.push(Open {
                    planned,
                    pieces,
                    out,
                    next: 0,
                }),
                Err(e) => broken.push((planned.path, e)),
            }
        }
        Ok(Some(Stream {
            heads: heads.to_vec(),
            open,
            failed: Vec::new(),
            broken,
            site,
        }))
    }

    /// Writes the entries of the items from position `first` on, in order (`None`: the item
    /// could not be rendered), into every feed that shows them.
    pub fn push(&mut self, first: usize, entries: &[Option<Entry>]) -> Result<()> {
        let end = first + entries.len();
        self.failed.extend(
            entries
                .iter()
                .enumerate()
                .filter(|(_, e)| e.is_none())
                .map(|(i, _)| first + i),
        );
        let errors: Vec<Option<anyhow::Error>> = self
            .open
            .par_iter_mut()
            .map(|open| {
                let items = &open.planned.items;
                let mut shown = Vec::new();
                while open.next < items.len() && items[open.next] < end {
                    let at = items[open.next];
                    anyhow::ensure!(at >= first, "items pushed out of order");
                    shown.extend(entries[at - first].as_ref());
                    open.next += 1;
                }
                pieces::push_all(&mut open.pieces, &open.planned.feed, &shown, &mut open.out)
            })
            .map(Result::err)
            .collect();
        // A feed that could not be written is closed (its temporary file goes) and said.
        for (at, error) in errors.into_iter().enumerate().rev() {
            if let Some(error) = error {
                let open = self.open.remove(at);
                self.broken.push((open.planned.path, error));
            }
        }
        Ok(())
    }

    /// Ends every feed and, when every item was pushed and the lint found nothing, replaces
    /// the old feeds with them, together.
    pub fn finish(self) -> Result<Streamed> {
        let Stream {
            heads,
            open,
            failed,
            broken,
            site,
        } = self;
        anyhow::ensure!(
            open.iter().all(|o| o.next == o.planned.items.len()),
            "a feed's items were not all pushed"
        );
        if !failed.is_empty() && !same_plan(site, &heads, &failed, &open, &broken) {
            return Ok(Streamed::Replan);
        }
        // Ending a feed is waiting (for its lint to read the last bytes, for its file to
        // reach the disk), so every feed ends on a thread of its own, all at once.
        let end = |Open {
                       planned,
                       pieces,
                       mut out,
                       ..
                   }: Open<'_>|
         -> (std::path::PathBuf, Result<(Staged, Findings)>) {
            let ended = pieces
                .finish(&mut out)
                .and_then(|()| out.finish(&planned.path));
            (planned.path, ended)
        };
        let done: Ended = std::thread::scope(|scope| {
            let ending: Vec<_> = open
                .into_iter()
                .map(|open| scope.spawn(move || end(open)))
                .collect();
            ending
                .into_iter()
                .map(|thread| thread.join().map_err(|_| anyhow!("ending a feed failed")))
                .collect::<Result<_>>()
        })?;
        commit_ended(done, broken).map(Streamed::Written)
    }
}

/// Whether the items that failed leave every feed as planned, less those items: the plan
/// made from the items that were rendered must be the same feeds with the same data.
fn same_plan(
    site: &Site,
    heads: &[Head<'_>],
    failed: &[usize],
    open: &[Open<'_>],
    broken: &Failed,
) -> bool {
    // With a feed already broken the open ones are not the plan: plan again.
    if !broken.is_empty() {
        return false;
    }
    let kept: Vec<usize> = (0..heads.len())
        .filter(|i| failed.binary_search(i).is_err())
        .collect();
    let kept_heads: Vec<Head<'_>> = kept.iter().map(|&i| heads[i]).collect();
    let again = plan(site, &kept_heads);
    again.len() == open.len()
        && again.iter().zip(open).all(|(again, open)| {
            let was = &open.planned;
            let items: Vec<usize> = was
                .items
                .iter()
                .copied()
                .filter(|i| failed.binary_search(i).is_err())
                .collect();
            again.path == was.path
                && again.format == was.format
                && again.feed.updated == was.feed.updated
                && (again.feed.count > 0) == (was.feed.count > 0)
                && again.items.iter().map(|&i| kept[i]).eq(items)
        })
}
