//! `send` and `run`: which periods of which digests are due (catch-up from the journal),
//! the lock that keeps runs apart, and each due digest handed to delivery as a finished
//! message.

use std::path::PathBuf;

use anyhow::Result;
use chrono::{DateTime, Utc};

use super::herald::Herald;
use super::report::Report;
use crate::config::DigestSpec;
use crate::deliver::{
    self, Failure, FailureKind, Journal, Lock, LockError, Mailer, Outgoing, State,
};
use crate::diag::{Diagnostic, Severity};
use crate::digest::{plural, Period, PeriodArg};
use crate::post::Post;

/// What `herald send` was asked to do.
#[derive(Debug, Clone)]
pub struct SendOptions {
    /// One period, or `None` for catch-up: every unsent period since the journal's last.
    pub period: Option<PeriodArg>,
    /// One digest by name (`main` is `[digest]`), or `None` for every enabled one.
    pub digest: Option<String>,
    /// Render and report, connect nowhere, record nothing.
    pub dry_run: bool,
    /// Send even if the journal says the period was sent.
    pub force: bool,
    /// Send the period's digests to this one address only, marked `[TEST]`, journal
    /// untouched.
    pub test_to: Option<lettre::message::Mailbox>,
}

impl Herald {
    /// `send`: the digests that are due, or one week's. `env` reads the SMTP password.
    pub fn send(
        &self,
        options: &SendOptions,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Report> {
        let mut report = self.report();
        if let Some(to) = &options.test_to {
            report.extend(send_test(self, options, to, env)?);
            return Ok(report);
        }
        let Some(_lock) = lock(self, options.dry_run, &mut report)? else {
            return Ok(report);
        };
        send(self, options, env, &mut report);
        Ok(report)
    }

    /// `run`, the cron entry point: the lock, `build`, then `send` of what is due. The lock
    /// comes first, so overlapping runs never build at once; a build that fails (a feed
    /// that cannot be written) is reported and the digests are still sent.
    pub fn run(&self, dry_run: bool, env: &dyn Fn(&str) -> Option<String>) -> Result<Report> {
        let mut report = Report::default();
        let Some(_lock) = lock(self, dry_run, &mut report)? else {
            report.extend(self.report());
            return Ok(report);
        };
        match self.build(None) {
            Ok(built) => report.extend(built),
            Err(e) => {
                report.extend(self.report());
                report.diagnostics.push(Diagnostic::new(
                    self.site.resolve(&self.site.config.feeds.out_dir),
                    None,
                    Severity::Error,
                    format!("the feeds were not written: {e:#}; the digests are still sent"),
                ));
            }
        }
        let options = SendOptions {
            period: None,
            digest: None,
            dry_run,
            force: false,
            test_to: None,
        };
        send(self, &options, env, &mut report);
        Ok(report)
    }
}

/// The lock that keeps runs apart (`Some(None)` for a dry run, which takes none); `None`
/// when another run holds it, said in `report` as a temporary failure.
fn lock(herald: &Herald, dry_run: bool, report: &mut Report) -> Result<Option<Option<Lock>>> {
    if dry_run {
        return Ok(Some(None));
    }
    let journal_path = herald.site.resolve(&herald.site.config.delivery.journal);
    let lock_path = PathBuf::from(format!("{}.lock", journal_path.display()));
    match Lock::acquire(&lock_path, herald.now) {
        Ok(lock) => Ok(Some(Some(lock))),
        Err(LockError::Held { path, holder }) => {
            report.diagnostics.push(Diagnostic::new(
                path,
                None,
                Severity::Error,
                format!("another herald run holds the lock ({holder}); this run stops, cron will try again"),
            ));
            report.temporary = true;
            Ok(None)
        }
        Err(LockError::Io(e)) => Err(e),
    }
}

/// Sends what is due, with the lock held. Whatever fails, what was delivered before it is
/// in `report`: errors after the first delivery are diagnostics, never lost lines.
fn send(
    herald: &Herald,
    options: &SendOptions,
    env: &dyn Fn(&str) -> Option<String>,
    report: &mut Report,
) {
    if let Err(e) = send_due(herald, options, env, report) {
        report.diagnostics.push(Diagnostic::new(
            herald.site.resolve(&herald.site.config.delivery.journal),
            None,
            Severity::Error,
            format!("{e:#}"),
        ));
    }
}

fn send_due(
    herald: &Herald,
    options: &SendOptions,
    env: &dyn Fn(&str) -> Option<String>,
    report: &mut Report,
) -> Result<()> {
    let site = &herald.site;
    let now = herald.now;
    // The run's deadline: no session goes past it, and what is not reached waits.
    let deadline = std::time::Instant::now()
        + std::time::Duration::from_secs(site.config.delivery.run_deadline_secs);
    let delivery = &site.config.delivery;
    let journal_path = site.resolve(&delivery.journal);
    herald.sweep(&[]);
    let Some(specs) = herald.digests(options.digest.as_deref(), report) else {
        return Ok(());
    };
    let mut journal = match Journal::load(&journal_path) {
        Ok(journal) => journal,
        Err(diagnostic) => {
            report.diagnostics.push(diagnostic);
            return Ok(());
        }
    };
    let posts = herald.posts();
    let resend = site.config.delivery.resend_in_doubt;
    // Every digest's periods, each digest's oldest first.
    let mut plan: Vec<(&DigestSpec, Period)> = Vec::new();
    for spec in specs {
        report
            .diagnostics
            .extend(missed_posts(herald, spec, posts, &journal));
        let periods = match &options.period {
            Some(arg) => {
                let named = options.digest.is_some();
                let Some(period) = herald.period_or_say(spec, arg, named, report) else {
                    continue;
                };
                vec![period]
            }
            None => due_periods(herald, spec, posts, &journal, now, report),
        };
        if periods.is_empty() {
            if let Some(sent) = journal
                .sent
                .iter()
                .filter(|s| s.state == State::Sent && spec.period_key(&s.week).is_some())
                .max_by(|a, b| a.week.cmp(&b.week))
            {
                report.lines.push(format!(
                    "nothing due for {}: the last, {}, was sent on {}",
                    spec.title(),
                    sent.week,
                    sent.sent_at.to_rfc3339()
                ));
            }
        }
        plan.extend(periods.into_iter().map(|period| (spec, period)));
    }
    let mut mailer: Option<Mailer> = None;
    for (spec, period) in plan {
        let key = spec.journal_key(&period.key());
        let to = &spec.to;
        if let Some(sent) = journal.get(&key).filter(|_| !options.force) {
            report.lines.push(format!(
                "{key} was already sent on {} (Message-ID {}); use --force to send it again",
                sent.sent_at.to_rfc3339(),
                sent.message_id
            ));
            continue;
        }
        let again = again(spec, &period);
        if let Some(doubt) = journal.latest(&key).filter(|r| r.state != State::Sent) {
            // One automatic resend; a second doubt waits for the operator, and the periods
            // after it go on. Only answers that never came count: a run killed mid-send
            // (`sending` left behind) says nothing about the relay.
            let doubts = journal
                .sent
                .iter()
                .filter(|r| r.week == key && r.state == State::InDoubt)
                .count();
            if resend && doubts > 1 && !options.force {
                report.diagnostics.push(site.diagnostic(
                    "delivery.resend_in_doubt",
                    Severity::Error,
                    format!(
                        "{key} ({}) is still in doubt after it was sent again on {}: it is not sent a third time; check the list, then send it with `{again}` if it did not arrive",
                        doubt.message_id,
                        doubt.sent_at.to_rfc3339()
                    ),
                ));
                continue;
            }
            if !resend && !options.force {
                report.diagnostics.push(site.diagnostic(
                    "delivery.resend_in_doubt",
                    Severity::Error,
                    format!(
                        "{key} ({}) is in doubt: it was sent on {} and no answer came; resend_in_doubt = false, so it is not sent again: check the list, then send it with `{again}` if it did not arrive",
                        doubt.message_id,
                        doubt.sent_at.to_rfc3339()
                    ),
                ));
                continue;
            }
            report.lines.push(format!(
                "{key} is in doubt since {}: sending it again with the same Message-ID {}",
                doubt.sent_at.to_rfc3339(),
                doubt.message_id
            ));
        }
        if std::time::Instant::now() >= deadline {
            report.diagnostics.push(site.diagnostic(
                "delivery.run_deadline_secs",
                Severity::Error,
                format!(
                    "the run reached its deadline ({} s) before {key}: it is left to the next run",
                    delivery.run_deadline_secs
                ),
            ));
            report.temporary = true;
            break;
        }
        // Only now render: a period already sent needs no digest.
        let Some(digest) = herald.digest_of(spec, period, report)? else {
            report
                .lines
                .push(format!("no posts in {key}: nothing to send"));
            continue;
        };
        if options.dry_run {
            report.lines.push(format!(
                "dry run: would send {key} ({}) to {to}: {}",
                plural(digest.posts, "post"),
                digest.subject
            ));
            continue;
        }
        let mailer = connect(herald, &mut mailer, env)?;
        let outgoing = Outgoing {
            key: &key,
            message: &digest.message,
            message_id: &digest.message_id,
            entry_ids: &digest.entry_ids,
        };
        match deliver::deliver(&outgoing, mailer, &mut journal, now, deadline) {
            Ok(_) => report.lines.push(format!(
                "{key}: sent {} to {to} via {mailer}",
                plural(digest.posts, "post")
            )),
            Err(Failure::Send(error)) => {
                let setting = if site.config.smtp.is_some() {
                    "smtp"
                } else {
                    "delivery.outbox_dir"
                };
                let message = match error.kind {
                    FailureKind::InDoubt => format!(
                        "{error}; the journal records it as in doubt and {}",
                        if resend {
                            "the next run sends it again with the same Message-ID"
                        } else {
                            "it is not sent again (resend_in_doubt = false)"
                        }
                    ),
                    _ => error.message.clone(),
                };
                report
                    .diagnostics
                    .push(site.diagnostic(setting, Severity::Error, message));
                report.temporary |= error.temporary();
                // A period in doubt holds no other: its bytes left, the relay is up.
                if error.kind != FailureKind::InDoubt {
                    break;
                }
            }
            Err(Failure::Unrecordable(error)) => {
                report.diagnostics.push(Diagnostic::new(
                    &journal_path,
                    None,
                    Severity::Error,
                    format!("{error:#}: nothing was sent"),
                ));
                break;
            }
        }
    }
    if !options.dry_run {
        herald.write_archive(&journal, report)?;
    }
    Ok(())
}

/// The run's mailer, made when the first message is ready.
fn connect<'m>(
    herald: &Herald,
    mailer: &'m mut Option<Mailer>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<&'m mut Mailer> {
    let site = &herald.site;
    let delivery = &site.config.delivery;
    Ok(match mailer {
        Some(mailer) => mailer,
        None => mailer.insert(Mailer::new(
            site.config.smtp.as_ref(),
            delivery,
            site.resolve(&delivery.outbox_dir),
            env,
        )?),
    })
}

/// The command that sends `spec`'s `period` again by hand.
fn again(spec: &DigestSpec, period: &Period) -> String {
    match &spec.name {
        None => format!("herald send --week {} --force", period.key()),
        Some(name) => format!(
            "herald send --digest {name} --week {} --force",
            period.key()
        ),
    }
}

/// `--test-to`: each digest's issue of the period (default: last) to one address, marked
/// `[TEST]`; no lock, no journal.
fn send_test(
    herald: &Herald,
    options: &SendOptions,
    to: &lettre::message::Mailbox,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Report> {
    let site = &herald.site;
    let mut report = Report::default();
    let Some(specs) = herald.digests(options.digest.as_deref(), &mut report) else {
        return Ok(report);
    };
    let delivery = &site.config.delivery;
    let mut mailer: Option<Mailer> = None;
    for spec in specs {
        let arg = options.period.as_ref().unwrap_or(&PeriodArg::Last);
        let named = options.digest.is_some();
        let Some(period) = herald.period_or_say(spec, arg, named, &mut report) else {
            continue;
        };
        let key = spec.journal_key(&period.key());
        let Some(digest) = herald.digest_of(spec, period, &mut report)? else {
            report
                .lines
                .push(format!("no posts in {key}: nothing to send"));
            continue;
        };
        let message = digest.test_message(site, spec, to, herald.now)?;
        if options.dry_run {
            report
                .lines
                .push(format!("dry run: would send a test of {key} to {to}"));
            continue;
        }
        let mailer = connect(herald, &mut mailer, env)?;
        let deadline =
            std::time::Instant::now() + std::time::Duration::from_secs(delivery.run_deadline_secs);
        match mailer.send(&message, &format!("a test of {key}"), deadline, &mut |_| {
            Ok(())
        }) {
            Ok(()) => report.lines.push(format!(
                "{key}: sent a test ({}) to {to} via {mailer}; the journal is unchanged",
                plural(digest.posts, "post")
            )),
            Err(error) => {
                report.diagnostics.push(site.diagnostic(
                    "smtp",
                    Severity::Error,
                    error.message.clone(),
                ));
                report.temporary = error.temporary();
                break;
            }
        }
    }
    Ok(report)
}

/// Catch-up for one digest: the periods after its journal's last one up to the last
/// complete period, at most `catch_up_weeks` of them, then any in doubt; older missed
/// periods with posts are reported, not sent. With no record of it, only the last complete
/// period is due, so adopting herald on an old blog does not mail its history.
fn due_periods(
    herald: &Herald,
    spec: &DigestSpec,
    posts: &[Post],
    journal: &Journal,
    now: DateTime<Utc>,
    report: &mut Report,
) -> Vec<Period> {
    let site = &herald.site;
    let last = Period::containing(now, spec.cadence(), site.tz).previous(site.tz);
    let last_sent = journal
        .sent
        .iter()
        .filter(|s| s.state == State::Sent)
        .filter_map(|s| spec.period_key(&s.week))
        .max();
    let mut periods = Vec::new();
    match last_sent {
        None => periods.push(last),
        Some(last_sent) => {
            let mut period = last;
            while period.key().as_str() > last_sent {
                periods.push(period);
                period = period.previous(site.tz);
            }
            periods.reverse();
        }
    }
    let keep = site.config.delivery.catch_up_weeks as usize;
    let older = periods.len().saturating_sub(keep);
    for missed in periods.drain(..older) {
        if posts.iter().any(|p| missed.contains(p.published)) {
            let key = spec.journal_key(&missed.key());
            report.diagnostics.push(site.diagnostic(
                "delivery.catch_up_weeks",
                Severity::Warning,
                format!(
                    "{key} was missed and is more than catch_up_weeks ({keep}) periods old: not sent; send it with `{}`",
                    again(spec, &missed).trim_end_matches(" --force")
                ),
            ));
        }
    }
    // Deliveries whose outcome is unknown go again (same Message-ID), oldest first.
    for record in journal.in_doubt() {
        let Some(key) = spec.period_key(&record.week) else {
            continue;
        };
        match key
            .parse::<PeriodArg>()
            .and_then(|arg| herald.period(spec, &arg))
        {
            Ok(period) if !periods.contains(&period) => periods.push(period),
            Ok(_) => {}
            Err(message) => report.diagnostics.push(site.diagnostic(
                &spec.key,
                Severity::Warning,
                format!(
                    "the journal holds {} in doubt, which {} cannot send again ({message}): check the list, and send it by hand if it did not arrive",
                    record.week,
                    spec.title()
                ),
            )),
        }
    }
    periods.sort_by_key(|p| p.start);
    periods
}

/// A post `spec` lists, published in a period whose digest was already sent without it,
/// missed its digest (it was added or back-dated later): a warning on the line of its date.
fn missed_posts(
    herald: &Herald,
    spec: &DigestSpec,
    posts: &[Post],
    journal: &Journal,
) -> Vec<Diagnostic> {
    let site = &herald.site;
    let mut found = Vec::new();
    for post in posts.iter().filter(|p| herald.lists(spec, p)) {
        let period = Period::containing(post.published.to_utc(), spec.cadence(), site.tz);
        let key = spec.journal_key(&period.key());
        if let Some(sent) = journal.get(&key) {
            if !sent.entries.is_empty() && !sent.entries.contains(&post.id) {
                found.push(Diagnostic::warning(
                    &post.path,
                    post.date_line,
                    format!(
                        "published in {key}, whose digest was sent on {}: it missed its digest",
                        sent.sent_at.to_rfc3339()
                    ),
                ));
            }
        }
    }
    found
}
