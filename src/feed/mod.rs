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
use crate::fsutil::write_atomic;
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
    pub entries: &'a [&'a Entry],
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
    let mut files = Vec::new();
    render_each(site, entries, &mut |file| {
        files.push(file);
        Ok(())
    })?;
    Ok(files)
}

/// Renders the feeds and writes each below `out_dir` atomically as soon as it is rendered,
/// so only one serialised feed is in memory at a time. Returns how many were written.
pub fn write(site: &Site, entries: &[Entry], out_dir: &Path) -> Result<usize> {
    let mut written = 0;
    render_each(site, entries, &mut |file| {
        write_atomic(&out_dir.join(&file.path), &file.bytes)?;
        written += 1;
        Ok(())
    })?;
    Ok(written)
}

type Sink<'s> = dyn FnMut(FeedFile) -> Result<()> + 's;

fn render_each(site: &Site, entries: &[Entry], sink: &mut Sink<'_>) -> Result<()> {
    let config = &site.config.feeds;
    let all: Vec<&Entry> = entries.iter().collect();
    render_set(site, &all, Path::new(""), &site.config.title, sink)?;
    if config.per_tag {
        let mut tags: Vec<&String> = entries.iter().flat_map(|e| &e.tags).collect();
        tags.sort();
        tags.dedup();
        for tag in tags {
            let tagged: Vec<&Entry> = entries.iter().filter(|e| e.tags.contains(tag)).collect();
            let dir = Path::new("tags").join(slug(tag));
            let title = format!("{}: {tag}", site.config.title);
            render_set(site, &tagged, &dir, &title, sink)?;
        }
    }
    Ok(())
}

fn render_set(
    site: &Site,
    entries: &[&Entry],
    dir: &Path,
    title: &str,
    sink: &mut Sink<'_>,
) -> Result<()> {
    let config = &site.config.feeds;
    let limit = if config.limit == 0 {
        entries.len()
    } else {
        config.limit.min(entries.len())
    };
    let entries = &entries[..limit];
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
            entries,
            self_url: feed_url(site, &path),
            title: title.to_string(),
            updated,
        };
        let bytes = match format {
            Format::Rss => rss::render(&feed)?,
            Format::Atom => atom::render(&feed)?,
            Format::Json => json::render(&feed)?,
        };
        sink(FeedFile {
            path,
            format,
            bytes,
        })?;
    }
    Ok(())
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
