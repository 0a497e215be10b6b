//! The digest archive: every week the journal records as sent, published under the feeds'
//! output folder at the end of each `send` or `run` that could send. Its Atom feed is linted
//! like the main feeds; files whose bytes did not change are not rewritten.

use std::collections::BTreeMap;

use anyhow::Result;
use chrono::{DateTime, Utc};

use super::herald::Herald;
use super::report::Report;
use crate::deliver::{Journal, State};
use crate::diag::Diagnostic;
use crate::digest::archive::{self, Archived};
use crate::digest::WeekArg;
use crate::entry::Entry;
use crate::feed;
use crate::fsutil::{commit_all, Staged};

impl Herald {
    /// Writes the archive of the digests `journal` records as sent (none: nothing is written).
    pub(crate) fn write_archive(&self, journal: &Journal, report: &mut Report) -> Result<()> {
        let site = &self.site;
        if !site.config.digest.archive {
            return Ok(());
        }
        // Each week once, dated by when it first went out.
        let mut sent: BTreeMap<&str, DateTime<Utc>> = BTreeMap::new();
        for record in journal.sent.iter().filter(|r| r.state == State::Sent) {
            let at = sent.entry(&record.week).or_insert(record.sent_at);
            *at = (*at).min(record.sent_at);
        }
        // A post that fails to render was reported when its week was sent.
        let mut scratch = self.report();
        let weeks: Vec<(_, DateTime<Utc>, Vec<Entry>)> = sent
            .into_iter()
            .filter_map(|(key, at)| Some((self.week(&key.parse::<WeekArg>().ok()?), at)))
            .map(|(week, at)| (week, at, self.render(&self.posts_in(week), &mut scratch)))
            .filter(|(_, _, entries)| !entries.is_empty())
            .collect();
        if weeks.is_empty() {
            return Ok(());
        }
        let archived: Vec<Archived<'_>> = weeks
            .iter()
            .map(|(week, at, entries)| Archived {
                week: *week,
                sent_at: *at,
                entries,
            })
            .collect();
        let files = archive::render(site, &archived)?;
        let out = site.resolve(&site.config.feeds.out_dir);
        let mut findings = Vec::new();
        for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with("atom.xml")) {
            findings.extend(
                feed::lint::atom(&bytes[..])
                    .into_iter()
                    .map(|f| Diagnostic::error(out.join(path), f.line, f.message)),
            );
        }
        if !findings.is_empty() {
            report.diagnostics.extend(findings);
            return Ok(());
        }
        let temp_dir = site.temp_dir();
        let staged = files
            .iter()
            .map(|(path, bytes)| {
                Staged::write_in(&out.join(path), Some(&temp_dir), &mut |w| {
                    Ok(w.write_all(bytes)?)
                })
            })
            .collect::<Result<Vec<_>>>()?;
        commit_all(staged)
    }
}
