//! Writing a feed a piece at a time: its document without items, then each item as it comes,
//! giving the bytes its crate writes for the whole document without the whole document, or
//! all its items, ever being in memory. The RSS and Atom crates write only whole documents,
//! so each item is written in a document of its own and cut out of it where it and the
//! document without items part; JSON items are joined as serde_json joins them.

use std::io::Write;

use anyhow::Result;
use rayon::prelude::*;

use super::atom;
use super::json;
use super::plan::Feed;
use super::rss;
use herald_config::Format;
use herald_entry::Entry;

/// How many items are serialised at a time, in parallel: enough to keep every core busy,
/// few enough that their bytes stay small (a batch of full posts is a few MB).
const BATCH: usize = 64;

/// The document of each format without items, from which items are made.
enum Template {
    Rss(Box<::rss::Channel>),
    Atom(Box<atom_syndication::Feed>),
    Json,
}

/// A feed being written a piece at a time.
pub(crate) struct Pieces {
    template: Template,
    /// The serialised document without items.
    empty: Vec<u8>,
    /// Where the items go in `empty` and how much of it follows them: for RSS and Atom known
    /// from the first item (where its document and `empty` part). `None` before the first.
    cut: Option<(usize, usize)>,
}

impl Pieces {
    /// Begins the feed's document (Atom's XML declaration, which its crate leaves to the
    /// caller, is written here; the rest waits for the first item or the end).
    pub(crate) fn begin(feed: &Feed<'_>, format: Format, out: &mut dyn Write) -> Result<Pieces> {
        let (template, empty) = match format {
            Format::Rss => {
                let channel = rss::template(feed);
                let empty = rss::serialise(&channel, feed, None)?;
                (Template::Rss(Box::new(channel)), empty)
            }
            Format::Atom => {
                out.write_all(atom::DECLARATION)?;
                let document = atom::template(feed);
                let empty = atom::serialise(&document, feed, None)?;
                (Template::Atom(Box::new(document)), empty)
            }
            Format::Json => (Template::Json, json::empty(feed)?),
        };
        Ok(Pieces {
            template,
            empty,
            cut: None,
        })
    }

    /// One item's bytes as `push` takes them; any number may be made at once, in any order.
    pub(crate) fn item(&self, feed: &Feed<'_>, entry: &Entry) -> Result<Vec<u8>> {
        match &self.template {
            Template::Rss(channel) => rss::serialise(channel, feed, Some(entry)),
            Template::Atom(document) => atom::serialise(document, feed, Some(entry)),
            Template::Json => json::serialise(feed, entry),
        }
    }

    /// Writes the next item, made by [`Pieces::item`].
    pub(crate) fn push(&mut self, item: &[u8], out: &mut dyn Write) -> Result<()> {
        if let Template::Json = self.template {
            // `empty` ends in `[]\n}`: the items go inside the brackets, each after a line
            // break and the ones after the first after a comma.
            let first = self.cut.is_none();
            if first {
                let head = self.empty.len() - 3;
                out.write_all(&self.empty[..head])?;
                self.cut = Some((head, 3));
            }
            out.write_all(if first { b"\n" } else { b",\n" })?;
            out.write_all(item)?;
            return Ok(());
        }
        let first = self.cut.is_none();
        let empty = &self.empty;
        let (head, tail) = *self.cut.get_or_insert_with(|| {
            let head = empty.iter().zip(item).take_while(|(a, b)| a == b).count();
            (head, empty.len() - head)
        });
        let fits = item.len() >= head + tail
            && item[..head] == empty[..head]
            && item[item.len() - tail..] == empty[head..];
        anyhow::ensure!(
            fits,
            "an item's document differs from the feed's outside the item: cannot stream it"
        );
        if first {
            out.write_all(&empty[..head])?;
        }
        out.write_all(&item[head..item.len() - tail])?;
        Ok(())
    }

    /// Writes the rest of the document after the last item.
    pub(crate) fn finish(self, out: &mut dyn Write) -> Result<()> {
        match (&self.template, self.cut) {
            (_, None) => out.write_all(&self.empty)?,
            (Template::Json, Some(_)) => out.write_all(b"\n  ]\n}")?,
            (_, Some((head, _))) => out.write_all(&self.empty[head..])?,
        }
        out.write_all(b"\n")?;
        Ok(())
    }
}

/// Each of `entries` made into an item by `pieces` and written, a batch at a time on every
/// core, in order.
pub(crate) fn push_all(
    pieces: &mut Pieces,
    feed: &Feed<'_>,
    entries: &[&Entry],
    out: &mut dyn Write,
) -> Result<()> {
    for batch in entries.chunks(BATCH) {
        let items: Vec<Result<Vec<u8>>> = batch.par_iter().map(|e| pieces.item(feed, e)).collect();
        for item in items {
            pieces.push(&item?, out)?;
        }
    }
    Ok(())
}
