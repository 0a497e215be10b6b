//! The digest archives: for each digest, every period the journal records as sent,
//! published under the feeds' output folder at the end of each `send` or `run` that could
//! send. Their Atom feeds are linted like the main feeds; files whose bytes did not change
//! are not rewritten.

use std::collections::BTreeMap;

use anyhow::Result;
use chrono::{DateTime, Utc};

use super::herald::Herald;
use super::report::Report;
use crate::config::DigestSpec;
use crate::deliver::{Journal, State};
use crate::diag::Diagnostic;
use crate::digest::archive::{self, Archived};
use crate::digest::PeriodArg;
use crate::entry::Entry;
use crate::feed;
use crate::fsutil::{commit_all, Staged};

impl Herald {
    /// Writes the archive of each digest that has one, from the periods `journal` records
    /// as sent (none: nothing is written).
    pub(crate) fn write_archive(&self, journal: &Journal, report: &mut Report) -> Result<()> {
        for spec in self.site.digests.iter().filter(|d| d.enabled_archive()) {
            self.write_archive_of(spec, journal, report)?;
        }
        Ok(())
    }

    fn write_archive_of(
        &self,
        spec: &DigestSpec,
        journal: &Journal,
        report: &mut Report,
    ) -> Result<()> {
        let site = &self.site;
        // Each period once, dated by when it first went out.
        let mut sent: BTreeMap<&str, DateTime<Utc>> = BTreeMap::new();
        for record in journal.sent.iter().filter(|r| r.state == State::Sent) {
            if let Some(key) = spec.period_key(&record.week) {
                let at = sent.entry(key).or_insert(record.sent_at);
                *at = (*at).min(record.sent_at);
            }
        }
        // A post that fails to render was reported when its period was sent.
        let mut scratch = self.report();
        let periods: Vec<(_, DateTime<Utc>, Vec<Entry>)> = sent
            .into_iter()
            .filter_map(|(key, at)| {
                let arg = key.parse::<PeriodArg>().ok()?;
                Some((self.period(spec, &arg).ok()?, at))
            })
            .map(|(period, at)| {
                let entries = self.render(&self.posts_in(spec, period), &mut scratch);
                (period, at, entries)
            })
            .filter(|(_, _, entries)| !entries.is_empty())
            .collect();
        if periods.is_empty() {
            return Ok(());
        }
        let archived: Vec<Archived<'_>> = periods
            .iter()
            .map(|(period, at, entries)| Archived {
                period: *period,
                sent_at: *at,
                entries,
            })
            .collect();
        let files = archive::render(site, spec, &archived)?;
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
