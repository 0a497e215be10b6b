//! Delivery: finished messages in, a typed result out. A lock keeps runs from overlapping,
//! the journal records what the server accepted, and the mailer sends over SMTP (or into an
//! outbox) with retries. Delivery never sees a post or a digest's insides and never prints.

mod journal;
mod lock;
mod transport;

use anyhow::Result;
use chrono::{DateTime, SubsecRound as _, Utc};
use lettre::Message;

pub use journal::{Journal, Sent};
pub use lock::{Lock, LockError};
pub use transport::{DeliveryError, Mailer, Relay};

/// One finished message: a week's digest, as delivery needs to know it.
#[derive(Debug, Clone, Copy)]
pub struct Outgoing<'a> {
    /// The week's key, e.g. `2020-W36`: what the journal records it under.
    pub week: &'a str,
    /// The complete message.
    pub message: &'a Message,
    /// Its Message-ID, the same for every attempt.
    pub message_id: &'a str,
    /// The ids of the entries it lists, recorded to spot posts that later miss their digest.
    pub entry_ids: &'a [String],
}

/// Why a message was not delivered and recorded.
#[derive(Debug)]
pub enum Failure {
    /// The relay did not accept it; nothing was recorded.
    Send(DeliveryError),
    /// The relay accepted it but the journal could not record it.
    Record(anyhow::Error),
}

/// Sends one message and records it in the journal once the relay has accepted it.
pub fn deliver(
    outgoing: &Outgoing<'_>,
    mailer: &Mailer,
    journal: &mut Journal,
    now: DateTime<Utc>,
) -> Result<Sent, Failure> {
    mailer
        .send(outgoing.message, &format!("the {} digest", outgoing.week))
        .map_err(Failure::Send)?;
    let recipients = outgoing
        .message
        .envelope()
        .to()
        .iter()
        .map(ToString::to_string)
        .collect();
    let sent = Sent {
        week: outgoing.week.to_string(),
        message_id: outgoing.message_id.to_string(),
        recipients,
        sent_at: now.trunc_subsecs(0),
        entries: outgoing.entry_ids.to_vec(),
    };
    journal.record(sent.clone()).map_err(Failure::Record)?;
    Ok(sent)
}
