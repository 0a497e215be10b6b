//! The digests: one period's entries (never posts) rendered with handlebars into an HTML and
//! a plain-text email, and the complete message that delivery sends.

pub mod archive;
mod context;
mod message;
pub mod period;
mod render;
mod text;

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::{DateTime, Utc};

pub use context::plural;
use herald_config::diag::{Diagnostic, Severity};
use herald_config::fsutil::{commit_all, Staged};
use herald_config::{DigestSpec, Site};
use herald_entry::Entry;
pub use period::{Period, PeriodArg};

/// One period's digest, rendered.
#[derive(Debug)]
pub struct Digest {
    /// The period.
    pub period: Period,
    /// What it is called in the journal, messages and file names: `2020-W36`,
    /// `releases:2020-09`.
    pub key: String,
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
    /// The Message-ID, the same for every attempt at this period.
    pub message_id: String,
    /// The ids of the entries it lists, for the journal.
    pub entry_ids: Vec<String>,
    /// What went wrong without stopping it (an HTML part over the size bound).
    pub warnings: Vec<Diagnostic>,
}

impl Digest {
    /// Renders `spec`'s digest of `period` from entries published in it (newest first).
    /// `now` is the message's `Date`.
    pub fn render(
        site: &Site,
        spec: &DigestSpec,
        period: Period,
        entries: &[Entry],
        now: DateTime<Utc>,
    ) -> Result<Digest> {
        let rendered = render::render(site, spec, period, entries)?;
        let key = spec.journal_key(&period.key());
        let message_id = message::message_id(site, &key);
        let message = message::build(site, spec, &rendered, &message_id, now, &spec.to)?;
        let max = spec.config.max_html_bytes;
        let warnings = (rendered.html.len() > max)
            .then(|| {
                site.diagnostic(
                    &spec.setting("max_html_bytes"),
                    Severity::Warning,
                    format!(
                        "{key}: {} is {} bytes, over the {max}-byte bound",
                        spec.title(),
                        rendered.html.len()
                    ),
                )
            })
            .into_iter()
            .collect();
        Ok(Digest {
            period,
            key,
            subject: rendered.subject,
            html: rendered.html,
            text: rendered.text,
            posts: entries.len(),
            message,
            message_id,
            entry_ids: entries.iter().map(|e| e.id.clone()).collect(),
            warnings,
        })
    }

    /// The same digest as a test message to one address: `[TEST]` before the subject and a
    /// Message-ID of its own, made from the time and the process, so no list takes it for
    /// the real one and no mailbox takes a second test for the first.
    pub fn test_message(
        &self,
        site: &Site,
        spec: &DigestSpec,
        to: &lettre::message::Mailbox,
        now: DateTime<Utc>,
    ) -> Result<lettre::Message> {
        let rendered = render::Rendered {
            subject: format!("[TEST] {}", self.subject),
            html: self.html.clone(),
            text: self.text.clone(),
        };
        // Each test its own message: a mailbox drops a second message with the same id.
        let stamp = format!(
            ".test.{}.{}.digest@",
            now.format("%Y%m%dT%H%M%S%.9f"),
            std::process::id()
        );
        let id = self.message_id.replacen(".digest@", &stamp, 1);
        message::build(site, spec, &rendered, &id, now, to)
    }

    /// Writes `digest-2020-W36.html` (`digest-releases-2020-09.html`), `.txt` and `.eml`
    /// into `dir`; returns their paths.
    pub fn write(&self, dir: &Path) -> Result<Vec<PathBuf>> {
        let stem = format!("digest-{}", self.key.replace(':', "-"));
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
        let staged = files
            .iter()
            .map(|(path, bytes)| Staged::write(path, &mut |out| Ok(out.write_all(bytes)?)))
            .collect::<Result<Vec<_>>>()?;
        commit_all(staged)?;
        Ok(files.into_iter().map(|(p, _)| p).collect())
    }
}
