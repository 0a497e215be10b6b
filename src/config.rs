//! The site configuration: `config.toml` parsed into typed structs, checked once at load.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono_tz::Tz;
use serde::Deserialize;
use url::Url;

use crate::deliver::{DeliveryConfig, SmtpConfig};
use crate::digest::DigestConfig;
use crate::feed::FeedConfig;

/// Everything herald reads from `config.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The site's title, used as the feed title and in the digest.
    pub title: String,
    /// A one-line description of the site (RSS `description`, Atom `subtitle`).
    pub description: String,
    /// The site's public URL, e.g. `https://flink.apache.org`.
    pub base_url: String,
    /// Language tag of the content, e.g. `en-us`.
    pub language: String,
    /// IANA time zone that naive dates are read in and weeks are counted in.
    pub timezone: String,
    /// Directory holding the posts, relative to the config file.
    pub posts_dir: PathBuf,
    /// Permalink pattern, e.g. `/:year/:month/:day/:title/`.
    pub permalink: String,
    /// Where `:title` in the permalink comes from: `title` (slugified, as Hugo does) or
    /// `filename` (the file name without its date and extension, as Jekyll does).
    pub permalink_title: TitleSource,
    /// The site's author, used where a post names none.
    pub author: Option<String>,
    /// Length in characters of a summary made from the post body.
    pub summary_length: usize,
    /// Site variables for `{{< param X >}}` and `{{ site.X }}`.
    pub params: BTreeMap<String, toml::Value>,
    /// `[feeds]`: which feeds are written, and how.
    pub feeds: FeedConfig,
    /// `[digest]`: the weekly email.
    pub digest: DigestConfig,
    /// `[smtp]`: the server digests are sent through; without it they go to the outbox.
    pub smtp: Option<SmtpConfig>,
    /// `[delivery]`: journal, catch-up and retries.
    pub delivery: DeliveryConfig,
}

/// Where the `:title` part of a permalink comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TitleSource {
    /// The post's title, slugified the way Hugo does it.
    Title,
    /// The post's file name without the date prefix and extension (Jekyll).
    Filename,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "My blog".into(),
            description: String::new(),
            base_url: "https://example.com".into(),
            language: "en".into(),
            timezone: "UTC".into(),
            posts_dir: PathBuf::from("posts"),
            permalink: "/:year/:month/:day/:title/".into(),
            permalink_title: TitleSource::Title,
            author: None,
            summary_length: 300,
            params: BTreeMap::new(),
            feeds: FeedConfig::default(),
            digest: DigestConfig::default(),
            smtp: None,
            delivery: DeliveryConfig::default(),
        }
    }
}

/// A loaded and validated configuration, with its parsed parts.
#[derive(Debug, Clone)]
pub struct Site {
    /// The raw configuration.
    pub config: Config,
    /// The parsed base URL, without a trailing slash in its path.
    pub base_url: Url,
    /// The parsed time zone.
    pub tz: Tz,
    /// The directory the config file is in; relative paths are resolved against it.
    pub root: PathBuf,
}

impl Site {
    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<Site> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("failed to read config {}", path.display()))?;
        let config: Config = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start].matches('\n').count() + 1)
                .unwrap_or(1);
            anyhow::anyhow!("{}:{line}: {}", path.display(), e.message().trim_end())
        })?;
        let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Site::new(config, root).with_context(|| format!("invalid config {}", path.display()))
    }

    /// Validates a parsed configuration.
    pub fn new(config: Config, root: PathBuf) -> Result<Site> {
        let mut base_url = Url::parse(&config.base_url)
            .with_context(|| format!("base_url {:?} is not a URL", config.base_url))?;
        if !matches!(base_url.scheme(), "http" | "https") || base_url.host().is_none() {
            bail!(
                "base_url {:?} must be an absolute http(s) URL",
                config.base_url
            );
        }
        let path = base_url.path().trim_end_matches('/').to_string();
        base_url.set_path(&path);
        let tz: Tz = config.timezone.parse().map_err(|_| {
            anyhow::anyhow!(
                "timezone {:?} is not an IANA time zone name",
                config.timezone
            )
        })?;
        if let Some(smtp) = &config.smtp {
            smtp.validate()?;
        }
        if !config.permalink.starts_with('/') {
            bail!("permalink {:?} must start with '/'", config.permalink);
        }
        Ok(Site {
            config,
            base_url,
            tz,
            root,
        })
    }

    /// A path from the config, resolved against the config file's directory.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        normalize(&self.root.join(path))
    }

    /// The posts directory, resolved against the config file's directory.
    pub fn posts_dir(&self) -> PathBuf {
        normalize(&self.root.join(&self.config.posts_dir))
    }

    /// The base URL as a string without a trailing slash, e.g. `https://flink.apache.org`.
    pub fn base(&self) -> &str {
        self.base_url.as_str().trim_end_matches('/')
    }

    /// Looks up a site parameter by name, case-insensitively as Hugo does.
    pub fn param(&self, name: &str) -> Option<String> {
        let value = self.config.params.get(name).or_else(|| {
            self.config
                .params
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        })?;
        Some(match value {
            toml::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    }
}

/// Removes `.` and `name/..` from a path without touching the file system, so that messages
/// show `../corpus/x.md` rather than `tests/fixtures/../../corpus/x.md`.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component<'_>> = Vec::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out.iter().collect()
}
