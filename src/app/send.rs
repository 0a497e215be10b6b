//! `send` and `run`: which weeks are due (catch-up from the journal), the lock that keeps
//! runs apart, and each due week's digest handed to delivery as a finished message.

use std::path::PathBuf;

use anyhow::Result;
use chrono::{DateTime, Utc};

use super::herald::Herald;
use super::report::Report;
use crate::deliver::{
    self, Failure, FailureKind, Journal, Lock, LockError, Mailer, Outgoing, State,
};
use crate::diag::{Diagnostic, Severity};
use crate::digest::{plural, Week, WeekArg};
use crate::post::Post;

/// What `herald send` was asked to do.
#[derive(Debug, Clone)]
pub struct SendOptions {
    /// One week, or `None` for catch-up: every unsent week since the journal's last one.
    pub week: Option<WeekArg>,
    /// Render and report, connect nowhere, record nothing.
    pub dry_run: bool,
    /// Send even if the journal says the week was sent.
    pub force: bool,
    /// Send the week's digest to this one address only, marked `[TEST]`, journal untouched.
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
            week: None,
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
    // The run's deadline: no session goes past it, and weeks not reached wait for the next.
    let deadline = std::time::Instant::now()
        + std::time::Duration::from_secs(site.config.delivery.run_deadline_secs);
    let delivery = &site.config.delivery;
    let journal_path = site.resolve(&delivery.journal);
    herald.sweep(&[]);
    let mut journal = match Journal::load(&journal_path) {
        Ok(journal) => journal,
        Err(diagnostic) => {
            report.diagnostics.push(diagnostic);
            return Ok(());
        }
    };
    let posts = herald.posts();
    report
        .diagnostics
        .extend(missed_posts(herald, posts, &journal));

    let resend = site.config.delivery.resend_in_doubt;
    let weeks = match &options.week {
        Some(week) => vec![herald.week(week)],
        None => {
            let mut weeks = due_weeks(herald, posts, &journal, now, report);
            // Deliveries whose outcome is unknown go again (same Message-ID), oldest first.
            for record in journal.in_doubt() {
                if let Some(week) = record.week.parse::<WeekArg>().ok().map(|w| herald.week(&w)) {
                    if !weeks.contains(&week) {
                        weeks.push(week);
                    }
                }
            }
            weeks.sort_by_key(Week::key);
            weeks
        }
    };
    if weeks.is_empty() {
        if let Some(sent) = journal
            .sent
            .iter()
            .filter(|s| s.state == State::Sent)
            .max_by(|a, b| a.week.cmp(&b.week))
        {
            report.lines.push(format!(
                "nothing due: the last digest, {}, was sent on {}",
                sent.week,
                sent.sent_at.to_rfc3339()
            ));
        }
    }
    let mut mailer: Option<Mailer> = None;
    let to = &site.config.digest.to;
    for week in weeks {
        let key = week.key();
        if let Some(sent) = journal.get(&key).filter(|_| !options.force) {
            report.lines.push(format!(
                "{key} was already sent on {} (Message-ID {}); use --force to send it again",
                sent.sent_at.to_rfc3339(),
                sent.message_id
            ));
            continue;
        }
        if let Some(doubt) = journal.latest(&key).filter(|r| r.state != State::Sent) {
            // One automatic resend; a second doubt waits for the operator, and the weeks
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
                        "the {key} digest ({}) is still in doubt after it was sent again on {}: it is not sent a third time; check the list, then send it with `herald send --week {key} --force` if it did not arrive",
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
                        "the {key} digest ({}) is in doubt: it was sent on {} and no answer came; resend_in_doubt = false, so it is not sent again: check the list, then send it with `herald send --week {key} --force` if it did not arrive",
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
        // Only now render: a week already sent needs no digest.
        let Some(digest) = herald.digest_of(week, report)? else {
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
        let mailer = match &mut mailer {
            Some(mailer) => mailer,
            None => mailer.insert(Mailer::new(
                site.config.smtp.as_ref(),
                delivery,
                site.resolve(&delivery.outbox_dir),
                env,
            )?),
        };
        let outgoing = Outgoing {
            week: &key,
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
                // A week in doubt holds no other: its bytes left, the relay is up.
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

/// `--test-to`: the week's digest to one address, marked `[TEST]`; no lock, no journal.
fn send_test(
    herald: &Herald,
    options: &SendOptions,
    to: &lettre::message::Mailbox,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Report> {
    let site = &herald.site;
    let mut report = Report::default();
    let week = herald.week(options.week.as_ref().unwrap_or(&WeekArg::Last));
    let Some(digest) = herald.digest_of(week, &mut report)? else {
        report
            .lines
            .push(format!("no posts in {week}: nothing to send"));
        return Ok(report);
    };
    let message = digest.test_message(site, to, herald.now)?;
    if options.dry_run {
        report
            .lines
            .push(format!("dry run: would send a test of {week} to {to}"));
        return Ok(report);
    }
    let delivery = &site.config.delivery;
    let mailer = Mailer::new(
        site.config.smtp.as_ref(),
        delivery,
        site.resolve(&delivery.outbox_dir),
        env,
    )?;
    let deadline =
        std::time::Instant::now() + std::time::Duration::from_secs(delivery.run_deadline_secs);
    match mailer.send(
        &message,
        &format!("a test of the {week} digest"),
        deadline,
        &mut |_| Ok(()),
    ) {
        Ok(()) => report.lines.push(format!(
            "{week}: sent a test ({}) to {to} via {mailer}; the journal is unchanged",
            plural(digest.posts, "post")
        )),
        Err(error) => {
            report.diagnostics.push(site.diagnostic(
                "smtp",
                Severity::Error,
                error.message.clone(),
            ));
            report.temporary = error.temporary();
        }
    }
    Ok(report)
}

/// Catch-up: the weeks after the journal's last one up to the last complete week, at most
/// `catch_up_weeks` of them; older missed weeks with posts are reported, not sent. With an
/// empty journal only the last complete week is due, so adopting herald on an old blog does
/// not mail its history.
fn due_weeks(
    herald: &Herald,
    posts: &[Post],
    journal: &Journal,
    now: DateTime<Utc>,
    report: &mut Report,
) -> Vec<Week> {
    let site = &herald.site;
    let starts = site.config.digest.week_starts;
    let last = WeekArg::Last.resolve(now, starts, site.tz);
    let Some(last_sent) = journal.last_week() else {
        return vec![last];
    };
    let mut weeks = Vec::new();
    let mut week = last;
    while week.key().as_str() > last_sent {
        weeks.push(week);
        week = week.previous(starts, site.tz);
    }
    weeks.reverse();
    let keep = site.config.delivery.catch_up_weeks as usize;
    let older = weeks.len().saturating_sub(keep);
    for missed in weeks.drain(..older) {
        if posts.iter().any(|p| missed.contains(p.published)) {
            report.diagnostics.push(site.diagnostic(
                "delivery.catch_up_weeks",
                Severity::Warning,
                format!(
                    "the {} digest was missed and is more than catch_up_weeks ({keep}) old: not sent; send it with `herald send --week {}`",
                    missed.key(),
                    missed.key()
                ),
            ));
        }
    }
    weeks
}

/// A post published in a week whose digest was already sent, and not listed in it, missed
/// its digest (it was added or back-dated later): a warning on the line of its date.
fn missed_posts(herald: &Herald, posts: &[Post], journal: &Journal) -> Vec<Diagnostic> {
    let site = &herald.site;
    let starts = site.config.digest.week_starts;
    let mut found = Vec::new();
    for post in posts {
        let week = Week::containing(post.published.to_utc(), starts, site.tz).key();
        if let Some(sent) = journal.get(&week) {
            if !sent.entries.is_empty() && !sent.entries.contains(&post.id) {
                found.push(Diagnostic::warning(
                    &post.path,
                    post.date_line,
                    format!(
                        "published in {week}, whose digest was sent on {}: it missed its digest",
                        sent.sent_at.to_rfc3339()
                    ),
                ));
            }
        }
    }
    found
}
