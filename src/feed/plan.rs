//! Which feeds are written and what each shows: the main feed and, with `per_tag`, one per
//! tag, each a [`Feed`] of entries with its own path, URL, title and `updated` time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};

use crate::config::{ContentMode, FeedConfig, Format, Site};
use crate::entry::{slug, Author, Entry};

/// Which items the feeds show, by position in a list sorted newest first: the one rule,
/// used both to choose the posts worth rendering and to fill the feeds from the entries.
#[derive(Debug, Default)]
pub struct Selection {
    /// The main feed's items.
    pub all: Vec<usize>,
    /// Each tag's feed's items (only with `per_tag`), by tag.
    pub tags: BTreeMap<String, Vec<usize>>,
}

impl Selection {
    /// Selects from items given newest first by their tags: the first `limit` (0: all) for the
    /// main feed and, with `per_tag`, the first `limit` carrying each tag.
    pub fn of<'t>(tags: impl IntoIterator<Item = &'t [String]>, config: &FeedConfig) -> Selection {
        let shown = |count: usize| config.limit == 0 || count < config.limit;
        let mut selection = Selection::default();
        for (i, item_tags) in tags.into_iter().enumerate() {
            if shown(selection.all.len()) {
                selection.all.push(i);
            }
            if config.per_tag {
                for tag in item_tags {
                    let items = selection.tags.entry(tag.clone()).or_default();
                    if shown(items.len()) {
                        items.push(i);
                    }
                }
            }
        }
        selection
    }

    /// Every item some feed shows, in order.
    pub fn shown(&self) -> Vec<usize> {
        let mut shown: Vec<usize> = self
            .all
            .iter()
            .chain(self.tags.values().flatten())
            .copied()
            .collect();
        shown.sort_unstable();
        shown.dedup();
        shown
    }
}

/// One feed to write: its entries and where it lives.
pub(crate) struct Feed<'a> {
    /// The settings.
    pub site: &'a Site,
    pub entries: Vec<&'a Entry>,
    /// Absolute URL of the feed file itself.
    pub self_url: String,
    /// Title, with the tag for per-tag feeds.
    pub title: String,
    /// The newest `updated` of the entries: the feed's own `updated`, never the build time.
    pub updated: DateTime<FixedOffset>,
}

impl Feed<'_> {
    /// The home page URL, with a trailing slash.
    pub fn home(&self) -> String {
        format!("{}/", self.site.base())
    }

    /// The entry's authors, or the site's author so that none is missing.
    pub fn authors_of<'e>(&self, entry: &'e Entry) -> std::borrow::Cow<'e, [Author]> {
        if entry.authors.is_empty() {
            let name = self
                .site
                .config
                .author
                .clone()
                .unwrap_or_else(|| self.site.config.title.clone());
            vec![Author::named(name)].into()
        } else {
            entry.authors.as_slice().into()
        }
    }

    /// Whether feeds carry full content.
    pub fn full(&self) -> bool {
        self.site.config.feeds.content == ContentMode::Full
    }
}

/// Every feed to write: its path below the output directory, its format and its entries.
pub(crate) fn plan<'a>(site: &'a Site, entries: &'a [Entry]) -> Vec<(PathBuf, Format, Feed<'a>)> {
    let selection = Selection::of(
        entries.iter().map(|e| e.tags.as_slice()),
        &site.config.feeds,
    );
    let pick = |items: &[usize]| items.iter().map(|&i| &entries[i]).collect::<Vec<_>>();
    let mut feeds = Vec::new();
    plan_set(
        site,
        pick(&selection.all),
        Path::new(""),
        &site.config.title,
        &mut feeds,
    );
    for (tag, items) in &selection.tags {
        let dir = Path::new("tags").join(slug(tag));
        let title = format!("{}: {tag}", site.config.title);
        plan_set(site, pick(items), &dir, &title, &mut feeds);
    }
    feeds
}

fn plan_set<'a>(
    site: &'a Site,
    entries: Vec<&'a Entry>,
    dir: &Path,
    title: &str,
    feeds: &mut Vec<(PathBuf, Format, Feed<'a>)>,
) {
    let config = &site.config.feeds;
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or_else(|| DateTime::UNIX_EPOCH.fixed_offset());
    for &format in &config.formats {
        let path = dir.join(config.file_name(format));
        let feed = Feed {
            site,
            entries: entries.clone(),
            self_url: site.feed_url(&path),
            title: title.to_string(),
            updated,
        };
        feeds.push((path, format, feed));
    }
}
