//! `[feeds]`: which feeds are written, where, and under which names. The one map from a
//! format to its file name, and from a file to its public URL, lives here.

use std::path::{Path, PathBuf};

use serde::Deserialize;

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

impl FeedConfig {
    /// The file name a format is written under: the one place that says so.
    pub fn file_name(&self, format: Format) -> &str {
        match format {
            Format::Rss => &self.rss_file,
            Format::Atom => &self.atom_file,
            Format::Json => &self.json_file,
        }
    }

    /// The public URL of a feed file at `path` below the output directory, given the site's
    /// base URL without a trailing slash.
    pub fn url_of(&self, base: &str, path: &Path) -> String {
        let prefix = self.url_path.trim_matches('/');
        let path = path.to_string_lossy().replace('\\', "/");
        if prefix.is_empty() {
            format!("{base}/{path}")
        } else {
            format!("{base}/{prefix}/{path}")
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

impl Format {
    /// Its key in `[feeds]` settings: `rss`, `atom`, `json` (`rss_file`, …).
    pub fn key(self) -> &'static str {
        match self {
            Format::Rss => "rss",
            Format::Atom => "atom",
            Format::Json => "json",
        }
    }

    /// The name readers know the format by: `RSS`, `Atom`, `JSON Feed`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Rss => "RSS",
            Format::Atom => "Atom",
            Format::Json => "JSON Feed",
        }
    }
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
