//! Delivery: send each week's digest exactly once. A lock keeps runs from overlapping, the
//! journal records what the server accepted, missed weeks are caught up, and every failure
//! is one line on stderr with an exit code cron understands.

mod config;
mod journal;
mod lock;
mod transport;

use std::path::PathBuf;

use anyhow::Result;
use chrono::{DateTime, SubsecRound as _, Utc};

pub use config::{DeliveryConfig, Security, SmtpConfig};
pub use journal::{Journal, Sent};
pub use lock::{Lock, LockError};
pub use transport::{DeliveryError, Mailer};

use crate::config::Site;
use crate::digest::{plural, Digest, Week, WeekArg};
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
}

/// How a send run ended, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything due was sent, or nothing was due (exit 0).
    Done,
    /// A temporary failure: cron should simply try again (exit 75).
    Temporary,
    /// A permanent failure or bad input: someone must act (exit 1).
    Failed,
}

/// Sends the digests that are due. `env` reads environment variables (the SMTP password).
pub fn send(
    site: &Site,
    posts: &[Post],
    options: &SendOptions,
    now: DateTime<Utc>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Outcome> {
    let delivery = &site.config.delivery;
    let journal_path = site.resolve(&delivery.journal);
    let _lock = if options.dry_run {
        None
    } else {
        let lock_path = PathBuf::from(format!("{}.lock", journal_path.display()));
        match Lock::acquire(&lock_path, now) {
            Ok(lock) => Some(lock),
            Err(LockError::Held { path, holder }) => {
                eprintln!("error: another herald run holds the lock {} ({holder}); this run stops, cron will try again", path.display());
                return Ok(Outcome::Temporary);
            }
            Err(LockError::Io(e)) => return Err(e),
        }
    };
    let mut journal = Journal::load(&journal_path)?;
    warn_about_missed_posts(site, posts, &journal);

    let digest_config = &site.config.digest;
    let weeks = match &options.week {
        Some(week) => vec![week.resolve(now, digest_config.week_starts, site.tz)],
        None => due_weeks(site, posts, &journal, now),
    };
    if weeks.is_empty() {
        if let Some(sent) = journal.sent.iter().max_by(|a, b| a.week.cmp(&b.week)) {
            println!(
                "nothing due: the last digest, {}, was sent on {}",
                sent.week,
                sent.sent_at.to_rfc3339()
            );
        }
    }
    let mut mailer: Option<Mailer> = None;
    for week in weeks {
        let key = week.key();
        if let Some(sent) = journal.get(&key).filter(|_| !options.force) {
            println!(
                "{key} was already sent on {} (Message-ID {}); use --force to send it again",
                sent.sent_at.to_rfc3339(),
                sent.message_id
            );
            continue;
        }
        // Only now render: a week already sent needs no digest.
        let Some(digest) = Digest::for_week(site, posts, week, now)? else {
            println!("no posts in {key}: nothing to send");
            continue;
        };
        if options.dry_run {
            println!(
                "dry run: would send {key} ({}) to {}: {}",
                plural(digest.posts, "post"),
                digest_config.to,
                digest.subject
            );
            continue;
        }
        if mailer.is_none() {
            let outbox = site.resolve(&delivery.outbox_dir);
            mailer = Some(Mailer::new(
                site.config.smtp.as_ref(),
                delivery,
                outbox,
                env,
            )?);
        }
        let mailer = mailer.as_ref().expect("just made");
        if let Err(e) = mailer.send(&digest.message, &format!("the {key} digest")) {
            eprintln!("error: {e}");
            return Ok(if e.temporary {
                Outcome::Temporary
            } else {
                Outcome::Failed
            });
        }
        let recipients = digest
            .message
            .envelope()
            .to()
            .iter()
            .map(ToString::to_string)
            .collect();
        journal.record(Sent {
            week: key.clone(),
            message_id: digest.message_id.clone(),
            recipients,
            sent_at: now.trunc_subsecs(0),
            entries: posts
                .iter()
                .filter(|p| week.contains(p.published))
                .map(|p| p.id.clone())
                .collect(),
        })?;
        println!(
            "{key}: sent {} to {} via {mailer}",
            plural(digest.posts, "post"),
            digest_config.to
        );
    }
    Ok(Outcome::Done)
}

/// Catch-up: the weeks after the journal's last one up to the last complete week, at most
/// `catch_up_weeks` of them; older missed weeks with posts are reported, not sent. With an
/// empty journal only the last complete week is due, so adopting herald on an old blog does
/// not mail its history.
fn due_weeks(site: &Site, posts: &[Post], journal: &Journal, now: DateTime<Utc>) -> Vec<Week> {
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
            eprintln!(
                "warning: the {} digest was missed and is more than catch_up_weeks ({keep}) old: not sent; send it with `herald send --week {}`",
                missed.key(),
                missed.key()
            );
        }
    }
    weeks
}

/// A post published in a week whose digest was already sent, and not listed in it, missed
/// its digest (it was added or back-dated later).
fn warn_about_missed_posts(site: &Site, posts: &[Post], journal: &Journal) {
    let starts = site.config.digest.week_starts;
    for post in posts {
        let week = Week::containing(post.published.to_utc(), starts, site.tz).key();
        if let Some(sent) = journal.get(&week) {
            if !sent.entries.is_empty() && !sent.entries.contains(&post.id) {
                eprintln!(
                    "{}:1: warning: published in {week}, whose digest was sent on {}: it missed its digest",
                    post.path.display(),
                    sent.sent_at.to_rfc3339()
                );
            }
        }
    }
}
