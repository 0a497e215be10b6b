//! Feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 from the entries, written atomically, plus a
//! lint of what is written against the W3C Feed Validation Service's rule classes.

mod atom;
mod json;
pub mod lint;
mod rss;

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::{DateTime, FixedOffset};
use serde::Deserialize;

use crate::config::Site;
use crate::entry::{Author, Entry};
use crate::fsutil::write_atomic_with;
use crate::post::slug;

/// `[feeds]` in the config.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FeedConfig {
    /// Where `herald build` writes, relative to the config file.
    pub out_dir: PathBuf,
    /// The formats to write.
    pub formats: Vec<Format>,
    /// File name of the RSS feed.
    pub rss_file: String,
    /// File name of the Atom feed.
    pub atom_file: String,
    /// File name of the JSON feed.
    pub json_file: String,
    /// Full content or summaries only.
    pub content: ContentMode,
    /// How many entries a feed holds, newest first; 0 means all.
    pub limit: usize,
    /// Also write one set of feeds per tag, under `tags/<slug>/`.
    pub per_tag: bool,
    /// URL path under `base_url` where `out_dir` is served, e.g. `/` or `/feeds/`.
    pub url_path: String,
    /// Small square icon URL (Atom `icon`, JSON Feed `favicon`).
    pub icon: Option<String>,
    /// Larger logo URL (Atom `logo`, RSS `image`, JSON Feed `icon`).
    pub logo: Option<String>,
}

impl Default for FeedConfig {
    fn default() -> Self {
        FeedConfig {
            out_dir: PathBuf::from("public"),
            formats: vec![Format::Rss, Format::Atom, Format::Json],
            rss_file: "rss.xml".into(),
            atom_file: "atom.xml".into(),
            json_file: "feed.json".into(),
            content: ContentMode::Full,
            limit: 20,
            per_tag: false,
            url_path: "/".into(),
            icon: None,
            logo: None,
        }
    }
}

/// A feed format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// RSS 2.0
    Rss,
    /// Atom 1.0
    Atom,
    /// JSON Feed 1.1
    Json,
}

/// Whether feeds carry the full post or only its summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContentMode {
    /// Summary and full content.
    Full,
    /// Summary only.
    Summary,
}

/// One feed to write: its entries and where it lives.
pub(crate) struct Feed<'a> {
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
    /// Writes the feed in one format.
    fn write(&self, format: Format, out: &mut dyn std::io::Write) -> Result<()> {
        match format {
            Format::Rss => rss::write(self, out),
            Format::Atom => atom::write(self, out),
            Format::Json => json::write(self, out),
        }
    }

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
            feed.write(format, &mut bytes)?;
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
            write_atomic_with(&out_dir.join(path), &mut |out| feed.write(*format, out))
        })
    };
    let (json, xml) = rayon::join(|| write_all(json), || write_all(xml));
    json.and(xml)?;
    Ok(feeds.len())
}

/// Every feed to write: its path below the output directory, its format and its entries.
fn plan<'a>(site: &'a Site, entries: &'a [Entry]) -> Vec<(PathBuf, Format, Feed<'a>)> {
    let mut feeds = Vec::new();
    let all: Vec<&Entry> = entries.iter().collect();
    plan_set(site, all, Path::new(""), &site.config.title, &mut feeds);
    if site.config.feeds.per_tag {
        let mut tags: Vec<&String> = entries.iter().flat_map(|e| &e.tags).collect();
        tags.sort();
        tags.dedup();
        for tag in tags {
            let tagged: Vec<&Entry> = entries.iter().filter(|e| e.tags.contains(tag)).collect();
            let dir = Path::new("tags").join(slug(tag));
            let title = format!("{}: {tag}", site.config.title);
            plan_set(site, tagged, &dir, &title, &mut feeds);
        }
    }
    feeds
}

fn plan_set<'a>(
    site: &'a Site,
    mut entries: Vec<&'a Entry>,
    dir: &Path,
    title: &str,
    feeds: &mut Vec<(PathBuf, Format, Feed<'a>)>,
) {
    let config = &site.config.feeds;
    if config.limit > 0 {
        entries.truncate(config.limit);
    }
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or_else(|| DateTime::UNIX_EPOCH.fixed_offset());
    for &format in &config.formats {
        let name = match format {
            Format::Rss => &config.rss_file,
            Format::Atom => &config.atom_file,
            Format::Json => &config.json_file,
        };
        let path = dir.join(name);
        let feed = Feed {
            site,
            entries: entries.clone(),
            self_url: feed_url(site, &path),
            title: title.to_string(),
            updated,
        };
        feeds.push((path, format, feed));
    }
}

/// The public URL of a feed file.
pub fn feed_url(site: &Site, path: &Path) -> String {
    let prefix = site.config.feeds.url_path.trim_matches('/');
    let path = path.to_string_lossy().replace('\\', "/");
    if prefix.is_empty() {
        format!("{}/{path}", site.base())
    } else {
        format!("{}/{prefix}/{path}", site.base())
    }
}
