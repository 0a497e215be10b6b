//! The weekly digest: the posts of one week rendered with handlebars into an HTML and a
//! plain-text email, and the complete message that `send` delivers.

mod context;
mod message;
mod render;
pub mod week;

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::config::Site;
use crate::entry::Entry;
use crate::fsutil::write_atomic;
use crate::post::{Post, Renderer};
pub use context::plural;
pub use week::{Week, WeekArg, WeekStart};

/// `[digest]` in the config.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DigestConfig {
    /// Sender, e.g. `Apache Flink <news@flink.apache.org>`.
    pub from: String,
    /// The list address the digest goes to.
    pub to: String,
    /// Handlebars template of the subject.
    pub subject: String,
    /// Directory whose `digest.html.hbs` / `digest.txt.hbs` override the built-in ones.
    pub templates_dir: PathBuf,
    /// Where `herald digest` writes, relative to the config file.
    pub out_dir: PathBuf,
    /// The day weeks start on.
    pub week_starts: WeekStart,
    /// Largest HTML part in bytes; Gmail clips messages over about 100 KB.
    pub max_html_bytes: usize,
    /// `List-Id` header, e.g. `<community.flink.apache.org>`.
    pub list_id: Option<String>,
    /// `List-Unsubscribe` URIs (mailto: or https:); the first https one is linked in the footer.
    pub list_unsubscribe: Vec<String>,
    /// `List-Archive` URL, also linked in the footer.
    pub list_archive: Option<String>,
    /// `List-Post` address, e.g. `mailto:community@flink.apache.org`.
    pub list_post: Option<String>,
}

impl Default for DigestConfig {
    fn default() -> Self {
        DigestConfig {
            from: "herald <herald@example.com>".into(),
            to: "list@example.com".into(),
            subject: "{{site.title}} weekly digest: {{week.label}}".into(),
            templates_dir: PathBuf::from("templates"),
            out_dir: PathBuf::from("public/digest"),
            week_starts: WeekStart::Monday,
            max_html_bytes: 100_000,
            list_id: None,
            list_unsubscribe: Vec::new(),
            list_archive: None,
            list_post: None,
        }
    }
}

/// One week's digest, rendered.
#[derive(Debug)]
pub struct Digest {
    /// The week.
    pub week: Week,
    /// The subject line.
    pub subject: String,
    /// The HTML part, CSS inlined.
    pub html: String,
    /// The plain-text part.
    pub text: String,
    /// How many posts it lists.
    pub posts: usize,
    /// The complete message.
    pub message: lettre::Message,
    /// The Message-ID, the same for every attempt at this week.
    pub message_id: String,
}

impl Digest {
    /// The digest of `week` from the loaded posts, or `None` when no post falls in it.
    pub fn for_week(
        site: &Site,
        posts: &[Post],
        week: Week,
        now: DateTime<Utc>,
    ) -> Result<Option<Digest>> {
        let in_week: Vec<&Post> = posts
            .iter()
            .filter(|p| week.contains(p.published))
            .collect();
        if in_week.is_empty() {
            return Ok(None);
        }
        let (entries, warnings) = Renderer::new(site).render_all(&in_week);
        crate::diag::log_warnings(&warnings);
        Digest::render(site, week, &entries, now).map(Some)
    }

    /// Renders the digest of `week` from entries published in it (newest first). `now` is the
    /// message's `Date`.
    pub fn render(
        site: &Site,
        week: Week,
        entries: &[Entry],
        now: DateTime<Utc>,
    ) -> Result<Digest> {
        let rendered = render::render(site, week, entries)?;
        let message_id = message::message_id(site, &week);
        let message = message::build(site, &rendered, &message_id, now)?;
        Ok(Digest {
            week,
            subject: rendered.subject,
            html: rendered.html,
            text: rendered.text,
            posts: entries.len(),
            message,
            message_id,
        })
    }

    /// Writes `digest-<week>.html`, `.txt` and `.eml` into `dir`; returns their paths.
    pub fn write(&self, dir: &Path) -> Result<Vec<PathBuf>> {
        let stem = format!("digest-{}", self.week.key());
        let files = [
            (
                dir.join(format!("{stem}.html")),
                self.html.as_bytes().to_vec(),
            ),
            (
                dir.join(format!("{stem}.txt")),
                self.text.as_bytes().to_vec(),
            ),
            (dir.join(format!("{stem}.eml")), self.message.formatted()),
        ];
        for (path, bytes) in &files {
            write_atomic(path, bytes)?;
        }
        Ok(files.into_iter().map(|(p, _)| p).collect())
    }
}
