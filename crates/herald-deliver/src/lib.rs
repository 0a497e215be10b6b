//! Delivery: finished messages in, a typed result out. A lock keeps runs from overlapping,
//! the journal records where each delivery stands before every step, and the mailer sends
//! over SMTP (or into an outbox) with retries. Delivery never sees a post or a digest's
//! insides and never prints.

mod journal;
mod lock;
mod transport;

use anyhow::Result;
use chrono::{DateTime, SubsecRound as _, Utc};
use lettre::Message;

pub use journal::{Journal, Sent, State};
pub use lock::{Lock, LockError};
pub use transport::{DeliveryError, FailureKind, Mailer, Progress, Relay, Step};

/// One finished message: a period's digest, as delivery needs to know it.
#[derive(Debug, Clone, Copy)]
pub struct Outgoing<'a> {
    /// The digest's key, e.g. `2020-W36` or `releases:2020-09`: what the journal records
    /// it under.
    pub key: &'a str,
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
    /// The journal could not record the start of the send, so nothing was sent.
    Unrecordable(anyhow::Error),
    /// The relay did not accept it, or its answer never came (see the error's kind).
    Send(DeliveryError),
}

/// Sends one message by `deadline`, with the journal written before each step: `sending`
/// once the relay has accepted the envelope, before the message's first byte; `sent` right
/// after the server's 250 (before QUIT); `in doubt` when the answer to the message never
/// came. A journal that cannot be written stops it before anything is sent; a message that
/// never reached `sending` leaves no record.
pub fn deliver(
    outgoing: &Outgoing<'_>,
    mailer: &Mailer,
    journal: &mut Journal,
    now: DateTime<Utc>,
    deadline: std::time::Instant,
) -> Result<Sent, Failure> {
    let recipients = outgoing
        .message
        .envelope()
        .to()
        .iter()
        .map(ToString::to_string)
        .collect();
    let record = Sent {
        week: outgoing.key.to_string(),
        message_id: outgoing.message_id.to_string(),
        recipients,
        sent_at: now.trunc_subsecs(0),
        entries: outgoing.entry_ids.to_vec(),
        state: State::Sending,
    };
    let key = outgoing.key;
    let what = format!("the {key} digest");
    let mut begun = false;
    let mut unrecordable = None;
    let result = mailer.send(outgoing.message, &what, deadline, &mut |step| match step {
        Step::Sending => match journal.begin(record.clone()) {
            Ok(()) => {
                begun = true;
                Ok(())
            }
            Err(e) => {
                let said = anyhow::anyhow!("{e:#}");
                unrecordable = Some(e);
                Err(said)
            }
        },
        Step::Accepted => journal.mark(key, State::Sent, now.trunc_subsecs(0)),
    });
    if let Some(e) = unrecordable {
        return Err(Failure::Unrecordable(e));
    }
    match result {
        Ok(()) => Ok(Sent {
            state: State::Sent,
            ..record
        }),
        Err(error) => {
            // What the journal says now: nothing delivered (this attempt's record goes), or
            // in doubt.
            let noted = match error.kind {
                FailureKind::Temporary | FailureKind::Permanent if begun => journal.abandon(key),
                FailureKind::InDoubt if begun => journal.mark(key, State::InDoubt, now),
                _ => Ok(()),
            };
            match noted {
                Ok(()) => Err(Failure::Send(error)),
                Err(e) => Err(Failure::Send(DeliveryError {
                    kind: error.kind,
                    message: format!("{error}; and {e:#}"),
                })),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fmt;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;

    /// A relay that counts the messages it is given and accepts them.
    struct Counting(Arc<AtomicU32>);

    impl Relay for Counting {
        fn send_once(
            &self,
            _: &Message,
            _: std::time::Instant,
            progress: Progress<'_>,
        ) -> Result<(), DeliveryError> {
            let failed = |e: anyhow::Error| DeliveryError {
                kind: FailureKind::Permanent,
                message: e.to_string(),
            };
            progress(Step::Sending).map_err(failed)?;
            self.0.fetch_add(1, Ordering::SeqCst);
            progress(Step::Accepted).map_err(failed)
        }
    }

    impl fmt::Display for Counting {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("counting")
        }
    }

    /// A mailer over a counting relay, with the counter.
    fn counting_mailer() -> (Mailer, Arc<AtomicU32>) {
        let sent = Arc::new(AtomicU32::new(0));
        let relay = Box::new(Counting(Arc::clone(&sent)));
        (
            Mailer::with_relay(relay, 3, Duration::ZERO, Box::new(|_| {})),
            sent,
        )
    }

    fn later() -> std::time::Instant {
        std::time::Instant::now() + Duration::from_secs(60)
    }

    fn message() -> Message {
        Message::builder()
            .from("a@x.org".parse().unwrap())
            .to("list@x.org".parse().unwrap())
            .body(String::from("hi"))
            .unwrap()
    }

    #[test]
    fn a_journal_that_cannot_be_written_stops_the_send_before_anything_is_sent() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join(".herald");
        let mut journal = Journal::load(&folder.join("state.json")).unwrap();
        // The journal's folder becomes a file: no write into it can succeed.
        std::fs::write(&folder, "not a folder").unwrap();
        let (mailer, sent) = counting_mailer();
        let message = message();
        let outgoing = Outgoing {
            key: "2020-W36",
            message: &message,
            message_id: "<2020-W36.digest@x.org>",
            entry_ids: &[],
        };
        let now = "2020-09-07T09:00:00Z".parse().unwrap();
        match deliver(&outgoing, &mailer, &mut journal, now, later()) {
            Err(Failure::Unrecordable(e)) => {
                assert!(
                    format!("{e:#}").contains("cannot record in the state journal"),
                    "{e:#}"
                )
            }
            other => panic!("expected Unrecordable, got {other:?}"),
        }
        assert_eq!(sent.load(Ordering::SeqCst), 0, "nothing reached the relay");
    }

    #[test]
    fn the_journal_says_sent_before_the_session_ends() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let mut journal = Journal::load(&path).unwrap();
        let (mailer, sent) = counting_mailer();
        let message = message();
        let outgoing = Outgoing {
            key: "2020-W36",
            message: &message,
            message_id: "<2020-W36.digest@x.org>",
            entry_ids: &["https://x.org/a".to_string()],
        };
        let now = "2020-09-07T09:00:00Z".parse().unwrap();
        let record = deliver(&outgoing, &mailer, &mut journal, now, later()).unwrap();
        assert_eq!(record.state, State::Sent);
        let again = Journal::load(&path).unwrap();
        assert_eq!(again.get("2020-W36").unwrap().entries, ["https://x.org/a"]);
        assert_eq!(sent.load(Ordering::SeqCst), 1);
    }
}
