//! The digest archives: for each digest, every period the journal records as sent,
//! published under the feeds' output folder at the end of each `send` or `run` that could
//! send. Their Atom feeds are linted like the main feeds; files whose bytes did not change
//! are not rewritten.

use std::collections::{BTreeMap, HashMap};

use anyhow::Result;
use chrono::{DateTime, Utc};

use super::herald::Herald;
use super::report::Report;
use crate::config::DigestSpec;
use crate::deliver::{Journal, State};
use crate::diag::Diagnostic;
use crate::digest::archive::{self, Archived};
use crate::digest::{Period, PeriodArg};
use crate::entry::Entry;
use crate::feed;
use crate::fsutil::{commit_all, Staged};
use crate::post::Post;

/// One digest's sent periods: each with when it first went out and the posts it lists.
type SentPeriods<'p> = Vec<(Period, DateTime<Utc>, Vec<&'p Post>)>;

impl Herald {
    /// Writes the archive of each digest that has one, from the periods `journal` records
    /// as sent (none: nothing is written). A post that several periods or digests list is
    /// rendered once.
    pub(crate) fn write_archive(&self, journal: &Journal, report: &mut Report) -> Result<()> {
        let plans: Vec<(&DigestSpec, SentPeriods<'_>)> = self
            .site
            .digests
            .iter()
            .filter(|d| d.enabled_archive())
            .map(|spec| (spec, self.sent_periods(spec, journal)))
            .collect();
        let mut unique: Vec<&Post> = Vec::new();
        let mut index: HashMap<*const Post, usize> = HashMap::new();
        for post in plans
            .iter()
            .flat_map(|(_, periods)| periods.iter().flat_map(|p| &p.2))
        {
            index.entry(std::ptr::from_ref(*post)).or_insert_with(|| {
                unique.push(post);
                unique.len() - 1
            });
        }
        // A post that fails to render was reported when its period was sent.
        let rendered = self.render_each(&unique);
        for (spec, periods) in plans {
            let periods: Vec<(Period, DateTime<Utc>, Vec<Entry>)> = periods
                .into_iter()
                .map(|(period, at, posts)| {
                    let entries = posts
                        .iter()
                        .filter_map(|p| rendered[index[&std::ptr::from_ref(*p)]].clone())
                        .collect();
                    (period, at, entries)
                })
                .filter(|(_, _, entries): &(_, _, Vec<Entry>)| !entries.is_empty())
                .collect();
            self.write_archive_of(spec, &periods, report)?;
        }
        Ok(())
    }

    /// `spec`'s periods that `journal` records as sent, each once, dated by when it first
    /// went out.
    fn sent_periods(&self, spec: &DigestSpec, journal: &Journal) -> SentPeriods<'_> {
        let mut sent: BTreeMap<&str, DateTime<Utc>> = BTreeMap::new();
        for record in journal.sent.iter().filter(|r| r.state == State::Sent) {
            if let Some(key) = spec.period_key(&record.week) {
                let at = sent.entry(key).or_insert(record.sent_at);
                *at = (*at).min(record.sent_at);
            }
        }
        sent.into_iter()
            .filter_map(|(key, at)| {
                let period = self.period(spec, &key.parse::<PeriodArg>().ok()?).ok()?;
                Some((period, at, self.posts_in(spec, period)))
            })
            .collect()
    }

    fn write_archive_of(
        &self,
        spec: &DigestSpec,
        periods: &[(Period, DateTime<Utc>, Vec<Entry>)],
        report: &mut Report,
    ) -> Result<()> {
        let site = &self.site;
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
