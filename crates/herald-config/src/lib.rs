//! Every setting: `config.toml` parsed once, at load, into typed values (base URL, time zone,
//! mailboxes, checked URLs). A bad setting is a diagnostic on the line it is on, and every
//! bad setting is reported at once; nothing downstream handles a string that might be
//! wrong. Settings know no outputs: the `[feeds]`, `[digest]`, `[smtp]` and `[delivery]`
//! tables are described here and read by the outputs.

pub mod diag;
pub mod fsutil;

mod checks;
mod delivery;
mod digest;
mod dkim;
mod feeds;
pub mod generator;
mod lines;

pub use crate::fsutil::{normalize, stays_inside};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::offset::LocalResult;
use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone as _};
use chrono_tz::Tz;
use lettre::message::Mailbox;
use serde::Deserialize;
use url::Url;

use crate::diag::{Diagnostic, Severity};
use checks::{digest_specs, path_problems, url_problems};
pub use delivery::{DeliveryConfig, Security, SmtpConfig};
pub use digest::{
    Cadence, DigestConfig, DigestEntry, DigestSpec, Schedule, WeekStart, DEFAULT_SUBJECT,
    MAIN_DIGEST,
};
pub use dkim::{DkimAlgorithm, DkimKey, DkimSettings};
pub use feeds::{ContentMode, FeedConfig, Format};
pub use generator::Rules;
pub use lines::key_lines;
use lines::{find_line, line_at, line_of};

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
    /// The largest post file read, in bytes; a larger one is an error.
    pub max_post_bytes: u64,
    /// Where loading keeps what it found in each post between runs, so a run reads only the
    /// posts that changed; an empty path keeps nothing.
    pub cache: PathBuf,
    /// Sections (Hugo, Zola) that are blogs of their own, each with its feeds at its URL
    /// path; Zola sections with `generate_feeds = true` are found without it.
    pub blogs: Vec<String>,
    /// Jekyll: collections besides `posts` whose documents are posts of the main blog (a
    /// site whose own feed merges them, such as `releases`).
    pub collections: Vec<String>,
    /// Site variables for `{{< param X >}}` and `{{ site.X }}`.
    pub params: BTreeMap<String, toml::Value>,
    /// `[feeds]`: which feeds are written, and how.
    pub feeds: FeedConfig,
    /// `[digest]`: the site's digest email, and what every `[[digests]]` takes from it.
    pub digest: DigestConfig,
    /// `[[digests]]`: more digests, each to a list of its own.
    pub digests: Vec<DigestEntry>,
    /// `[smtp]`: the server digests are sent through; without it they go to the outbox.
    pub smtp: Option<SmtpConfig>,
    /// `[dkim]`: the key digests are signed with; without it they are not signed.
    pub dkim: Option<DkimSettings>,
    /// `[delivery]`: journal, catch-up and retries.
    pub delivery: DeliveryConfig,
    /// The site generator's rules for URLs, dates and publication (read with `--site`).
    #[serde(skip)]
    pub rules: Rules,
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
            max_post_bytes: 2_000_000,
            cache: PathBuf::from(".herald/cache/posts.bin"),
            blogs: Vec::new(),
            collections: Vec::new(),
            params: BTreeMap::new(),
            feeds: FeedConfig::default(),
            digest: DigestConfig::default(),
            digests: Vec::new(),
            smtp: None,
            dkim: None,
            delivery: DeliveryConfig::default(),
            rules: Rules::Herald,
        }
    }
}

/// The generator of the site whose root is `root`, if it is one, as `hugo`, `zola` and
/// `jekyll` find their site where they are run. A `config.toml` there is a site's only
/// when it is recognisably Hugo's or Zola's; otherwise it is herald's own (a typo in it is
/// then reported as herald's, not taken for a site).
pub fn site_at(root: &Path) -> Option<&'static str> {
    match crate::fsutil::read_text(&root.join("config.toml")) {
        Ok(text) if generator::foreign_config(&text).is_none() => None,
        _ => generator::detect(root),
    }
}

/// Why the base URL a generator's configuration gives cannot be the feeds' (none, or one
/// that is not an absolute http(s) URL, such as Hugo's `baseURL = "/"`, which the build is
/// given on its command line), on the line it is set.
fn base_url_problem(generated: &generator::Generated, herald_toml: &Path) -> Option<Diagnostic> {
    let base = generated
        .settings
        .get("base_url")
        .and_then(toml::Value::as_str);
    let absolute = base.is_some_and(|b| {
        Url::parse(b).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
    });
    if absolute {
        return None;
    }
    let fix = format!(
        "feeds and email need the site's public URL: set base_url = \"https://…\" in {}",
        herald_toml.display()
    );
    Some(
        match generated
            .mapped
            .iter()
            .find(|m| m.what.ends_with("→ base_url"))
        {
            Some(m) => Diagnostic::error(
                &m.file,
                m.line,
                format!(
                    "the site's base URL {:?} is not an absolute http(s) URL (the generator is given the real one on its command line); {fix}",
                    m.value
                ),
            ),
            None => Diagnostic::file_error(
                herald_toml,
                format!("the site's configuration sets no base URL; {fix}"),
            ),
        },
    )
}

/// A loaded and checked configuration, with its parsed parts.
#[derive(Debug, Clone)]
pub struct Site {
    /// The configuration as written (every value in it has been checked).
    pub config: Config,
    /// The parsed base URL, without a trailing slash in its path.
    pub base_url: Url,
    /// The parsed time zone.
    pub tz: Tz,
    /// The digests' sender, parsed.
    pub from: Mailbox,
    /// Every digest: `[digest]` first, then each of `[[digests]]`, enabled or not.
    pub digests: Vec<DigestSpec>,
    /// The DKIM key digests are signed with, read and checked at load.
    pub dkim: Option<DkimKey>,
    /// The directory the config file is in; relative paths are resolved against it.
    pub root: PathBuf,
    /// The config file, for diagnostics about a setting.
    pub path: PathBuf,
    /// The line of every key and table in the config file (`digest.from`, `smtp`).
    lines: BTreeMap<String, usize>,
}

impl Site {
    /// Reads and checks a config file. Every problem found is returned, each on its line.
    pub fn load(path: &Path) -> Result<Site, Vec<Diagnostic>> {
        let text = crate::fsutil::read_text(path).map_err(|e| {
            vec![Diagnostic::file_error(
                path,
                format!("cannot read the config file: {e}"),
            )]
        })?;
        let config: Config = toml::from_str(&text).map_err(|e| {
            if let Some(generator) = generator::foreign_config(&text) {
                return vec![Diagnostic::file_error(
                    path,
                    format!("this is a {generator} site's configuration, not herald's: run herald with `--site DIR`, DIR being the site's root (herald's own settings then go in DIR/herald.toml)"),
                )];
            }
            let line = e.span().map_or(1, |s| line_at(&text, s.start));
            vec![Diagnostic::error(path, line, e.message().trim_end())]
        })?;
        let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Site::checked(config, root, path, key_lines(&text))
    }

    /// Loads the site whose root is `root`: its generator's configuration, read as the
    /// generator reads it, with `herald.toml` (optional) over it. Also returns what was
    /// read from the generator, for `herald init`.
    pub fn load_site(root: &Path) -> Result<(Site, generator::Generated), Vec<Diagnostic>> {
        let generated = generator::read(root)?;
        let path = root.join("herald.toml");
        let text = match crate::fsutil::read_text(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                return Err(vec![Diagnostic::file_error(
                    &path,
                    format!("cannot read: {e}"),
                )])
            }
        };
        // herald.toml alone first, so a typo is reported on its line.
        let own: toml::Table = toml::from_str::<Config>(&text)
            .and_then(|_| text.parse::<toml::Table>())
            .map_err(|e| {
                let line = e.span().map_or(1, |s| line_at(&text, s.start));
                vec![Diagnostic::error(&path, line, e.message().trim_end())]
            })?;
        if !own.contains_key("base_url") {
            if let Some(problem) = base_url_problem(&generated, &path) {
                return Err(vec![problem]);
            }
        }
        let mut settings = generated.settings.clone();
        settings.insert(
            "posts_dir".into(),
            toml::Value::String(generated.content_dir.to_string_lossy().into_owned()),
        );
        merge(&mut settings, own);
        let mut config: Config =
            toml::Value::Table(settings)
                .try_into()
                .map_err(|e: toml::de::Error| {
                    vec![Diagnostic::file_error(&path, e.message().trim_end())]
                })?;
        config.rules = generated.rules.clone();
        // A collection herald.toml names is read after all: not a setting left unread.
        let mut generated = generated;
        generated.unmapped.retain(|m| {
            !config
                .collections
                .iter()
                .any(|c| m.what.starts_with(&format!("collections.{c}:")))
        });
        let site = Site::checked(config, root.to_path_buf(), &path, key_lines(&text))?;
        Ok((site, generated))
    }

    /// Checks a configuration made in code, as if read from `config.toml` in `root`.
    pub fn new(config: Config, root: PathBuf) -> Result<Site, Vec<Diagnostic>> {
        let path = root.join("config.toml");
        Site::checked(config, root, &path, BTreeMap::new())
    }

    /// Checks a parsed configuration; `lines` maps dotted keys to the lines they are on.
    fn checked(
        config: Config,
        root: PathBuf,
        path: &Path,
        lines: BTreeMap<String, usize>,
    ) -> Result<Site, Vec<Diagnostic>> {
        let mut problems: Vec<(String, String)> = Vec::new();
        let base_url = match Url::parse(&config.base_url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
                let mut url = url;
                let trimmed = url.path().trim_end_matches('/').to_string();
                url.set_path(&trimmed);
                Some(url)
            }
            _ => {
                problems.push((
                    "base_url".into(),
                    format!(
                        "base_url {:?} must be an absolute http(s) URL",
                        config.base_url
                    ),
                ));
                None
            }
        };
        let tz = config.timezone.parse::<Tz>().ok();
        if tz.is_none() {
            problems.push((
                "timezone".into(),
                format!(
                    "timezone {:?} is not an IANA time zone name",
                    config.timezone
                ),
            ));
        }
        if !config.permalink.starts_with('/') {
            problems.push((
                "permalink".into(),
                format!("permalink {:?} must start with '/'", config.permalink),
            ));
        }
        let mailbox = |key: &'static str, value: &str, problems: &mut Vec<(String, String)>| {
            value
                .parse::<Mailbox>()
                .map_err(|e| {
                    problems.push((
                        key.into(),
                        format!(
                            "{} {value:?} is not an email address: {e}",
                            checks::setting_name(key)
                        ),
                    ));
                })
                .ok()
        };
        let from = mailbox("digest.from", &config.digest.from, &mut problems);
        let digests = digest_specs(&config, &mut problems);
        problems.extend(url_problems(&config, &digests));
        problems.extend(path_problems(&config, &root));
        if let Some(smtp) = &config.smtp {
            problems.extend(smtp.problems().into_iter().map(|(k, m)| (k.to_string(), m)));
        }
        let dkim = config.dkim.as_ref().and_then(|dkim| {
            let from_domain = from.as_ref().map(|from| from.email.domain());
            dkim.load(&root, from_domain)
                .map_err(|found| {
                    problems.extend(found.into_iter().map(|(k, m)| (k.to_string(), m)))
                })
                .ok()
        });
        match (base_url, tz, from) {
            (Some(base_url), Some(tz), Some(from)) if problems.is_empty() => Ok(Site {
                config,
                base_url,
                tz,
                from,
                digests,
                dkim,
                root,
                path: path.to_path_buf(),
                lines,
            }),
            _ => {
                let mut found: Vec<Diagnostic> = problems
                    .into_iter()
                    .map(|(key, message)| Diagnostic::error(path, line_of(&lines, &key), message))
                    .collect();
                found.sort_by_key(|d| d.line);
                Err(found)
            }
        }
    }

    /// A diagnostic about a setting (`smtp`, `digest.from`), on the line of the key or else
    /// of its table; without a line when the file sets neither.
    pub fn diagnostic(
        &self,
        key: &str,
        severity: Severity,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(&self.path, find_line(&self.lines, key), severity, message)
    }

    /// The public URL of a feed file at `path` below the feeds' output directory.
    pub fn feed_url(&self, path: &Path) -> String {
        self.config.feeds.url_of(self.base(), path)
    }

    /// The public URL of `digest`'s archive folder for `period_key` (`None`: the index),
    /// ending in `/`.
    pub fn digest_archive_url(&self, digest: &DigestSpec, period_key: Option<&str>) -> String {
        let dir = &digest.config.archive_dir;
        let path = match period_key {
            Some(key) => dir.join(key),
            None => dir.clone(),
        };
        format!("{}/", self.feed_url(&path))
    }

    /// A path from the config, resolved against the config file's directory.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        normalize(&self.root.join(path))
    }

    /// Where files being written wait until they are complete: `tmp` beside the journal
    /// (`.herald/tmp`), never a folder the site is published from.
    pub fn temp_dir(&self) -> PathBuf {
        let journal = self.resolve(&self.config.delivery.journal);
        journal
            .parent()
            .map_or_else(|| self.root.join(".herald"), Path::to_path_buf)
            .join("tmp")
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
        // Case-insensitive keys, as Hugo has them, and dotted paths into tables.
        fn find<'t>(
            mut entries: impl Iterator<Item = (&'t String, &'t toml::Value)>,
            key: &str,
        ) -> Option<&'t toml::Value> {
            entries
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v)
        }
        let params = &self.config.params;
        let value = params
            .get(name)
            .or_else(|| find(params.iter(), name))
            .or_else(|| {
                let mut parts = name.split('.');
                let mut value = find(params.iter(), parts.next()?)?;
                for part in parts {
                    value = find(value.as_table()?.iter(), part)?;
                }
                Some(value)
            })?;
        Some(match value {
            toml::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    }
}

/// Sets every value of `over` in `base`, merging tables key by key.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(inner)), toml::Value::Table(value)) => merge(inner, value),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// A wall-clock time in `tz`; in a DST gap the time an hour later, when ambiguous the earlier.
pub fn in_zone(naive: NaiveDateTime, tz: Tz) -> DateTime<FixedOffset> {
    let local = match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t,
        LocalResult::None => tz
            .from_local_datetime(&(naive + chrono::Duration::hours(1)))
            .earliest()
            .unwrap_or_else(|| tz.from_utc_datetime(&naive)),
    };
    local.fixed_offset()
}
