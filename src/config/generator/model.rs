//! What reading a generator's configuration yields: its rules for URLs, dates and
//! publication, and the values mapped to herald's settings (for `herald init`).

use std::collections::BTreeMap;
use std::path::PathBuf;

/// The rules a site's generator gives its posts' URLs, dates and publication.
#[derive(Debug, Clone, Default)]
pub enum Rules {
    /// herald's own `config.toml` with `permalink` and `permalink_title`.
    #[default]
    Herald,
    /// Hugo's.
    Hugo(HugoRules),
    /// Jekyll's.
    Jekyll(JekyllRules),
    /// Zola's.
    Zola(ZolaRules),
}

/// Hugo: sections, `[permalinks]`, build flags.
#[derive(Debug, Clone, Default)]
pub struct HugoRules {
    /// The sections whose pages are blog posts (`mainSections`); empty: the section with the
    /// most dated pages.
    pub sections: Vec<String>,
    /// Permalink pattern per section (`[permalinks]`, old form or `page:`).
    pub permalinks: BTreeMap<String, String>,
    /// `buildDrafts`, `buildFuture`, `buildExpired`.
    pub build_drafts: bool,
    /// Publish posts dated in the future.
    pub build_future: bool,
    /// Publish posts past their `expiryDate`.
    pub build_expired: bool,
    /// Hugo lower-cases URL paths unless `disablePathToLower`.
    pub lowercase_paths: bool,
    /// `removePathAccents`: `é` becomes `e` in URL paths.
    pub remove_path_accents: bool,
    /// `[frontmatter] date`: where a post's date comes from, in order (front-matter keys,
    /// and `:filename` for a `YYYY-MM-DD-` file name).
    pub date_keys: Vec<String>,
}

/// Jekyll: `permalink`, `future`, `unpublished`.
#[derive(Debug, Clone, Default)]
pub struct JekyllRules {
    /// The permalink pattern (a style name already expanded).
    pub permalink: String,
    /// Publish posts dated in the future (`future: true`).
    pub future: bool,
    /// Publish posts with `published: false` (`unpublished: true`).
    pub unpublished: bool,
}

/// Zola: how paths are slugified.
#[derive(Debug, Clone, Default)]
pub struct ZolaRules {
    /// `[slugify] paths`.
    pub slugify: Slugify,
    /// Sections whose `_index.md` sets `generate_feeds` (or `generate_feed`): blogs of
    /// their own, as paths below the content folder (`inside-rust`).
    pub feed_sections: Vec<String>,
}

/// Zola's `slugify` modes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Slugify {
    /// Lower-case ASCII words joined by `-` (the default).
    #[default]
    On,
    /// Only characters unsafe in paths removed.
    Safe,
    /// Left as written.
    Off,
}

/// What a generator's configuration says, mapped to herald's settings.
#[derive(Debug)]
pub struct Generated {
    /// `hugo`, `jekyll` or `zola`.
    pub generator: &'static str,
    /// herald settings as a TOML table (`title`, `base_url`, `params`, …).
    pub settings: toml::Table,
    /// The generator's rules.
    pub rules: Rules,
    /// Where the posts are, relative to the site's root.
    pub content_dir: PathBuf,
    /// Each value mapped: (herald key, value, file, line).
    pub mapped: Vec<Mapped>,
    /// Each value herald saw and could not use.
    pub unmapped: Vec<Mapped>,
}

/// One value read from a generator's configuration.
#[derive(Debug, Clone)]
pub struct Mapped {
    /// The generator's key and the herald setting it became (`baseURL → base_url`).
    pub what: String,
    /// The value, as text.
    pub value: String,
    /// The file it came from.
    pub file: PathBuf,
    /// Its line there.
    pub line: usize,
}

impl Generated {
    /// Nothing mapped yet from a `generator` site whose posts are in `content_dir`.
    pub(crate) fn new(generator: &'static str, content_dir: &str) -> Generated {
        Generated {
            generator,
            settings: toml::Table::new(),
            rules: Rules::Herald,
            content_dir: PathBuf::from(content_dir),
            mapped: Vec::new(),
            unmapped: Vec::new(),
        }
    }
}
