//! The state journal: each digest sent and where its delivery stands. Every change is
//! written and synced (file and directory) before the step it records: `sending` before the
//! first byte of the message, `sent` right after the server's 250, `in doubt` when the
//! server never answered the message's final dot.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use herald_config::diag::Diagnostic;
use herald_config::fsutil::write_atomic;

/// Where one digest's delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Recorded before the first byte was sent. Found at the start of a run, it means a run
    /// died mid-send: the outcome is unknown, as for `InDoubt`.
    Sending,
    /// The message was sent but the server's answer never came: it may have been delivered.
    InDoubt,
    /// The server accepted it (250). Journals from before states existed hold only these.
    #[default]
    Sent,
}

/// One digest's delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    /// The digest's key: its period's (`2020-W36`) for `[digest]`, else its name's and its
    /// period's (`releases:2020-09`). Named `week` since journals before periods.
    pub week: String,
    /// The message's Message-ID.
    pub message_id: String,
    /// Envelope recipients.
    pub recipients: Vec<String>,
    /// When the server accepted it.
    pub sent_at: DateTime<Utc>,
    /// Ids of the entries the digest listed, to spot posts that missed their digest.
    #[serde(default)]
    pub entries: Vec<String>,
    /// Where its delivery stands.
    #[serde(default)]
    pub state: State,
}

/// The journal file's contents.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Journal {
    /// Every digest sent, in the order they were sent.
    pub sent: Vec<Sent>,
    #[serde(skip)]
    path: PathBuf,
}

impl Journal {
    /// Reads the journal; a missing file is an empty journal, a broken one an error on its
    /// line.
    pub fn load(path: &Path) -> Result<Journal, Diagnostic> {
        let mut journal = match herald_config::fsutil::read_bytes(path) {
            Ok(bytes) => serde_json::from_slice::<Journal>(&bytes).map_err(|e| {
                Diagnostic::error(
                    path,
                    e.line().max(1),
                    format!("the state journal is not valid: fix or remove it: {e}"),
                )
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Journal::default(),
            Err(e) => {
                return Err(Diagnostic::file_error(
                    path,
                    format!("cannot read the state journal: {e}"),
                ))
            }
        };
        journal.path = path.to_path_buf();
        Ok(journal)
    }

    /// The record of a week whose digest the server accepted.
    pub fn get(&self, week: &str) -> Option<&Sent> {
        self.sent
            .iter()
            .rev()
            .find(|s| s.week == week && s.state == State::Sent)
    }

    /// The latest record of a week, whatever its state.
    pub fn latest(&self, week: &str) -> Option<&Sent> {
        self.sent.iter().rev().find(|s| s.week == week)
    }

    /// The weeks whose latest record is not `sent`: a run died mid-send or the server never
    /// answered. Oldest first.
    pub fn in_doubt(&self) -> Vec<&Sent> {
        let mut weeks: Vec<&Sent> = Vec::new();
        for record in &self.sent {
            if self.latest(&record.week) == Some(record) && record.state != State::Sent {
                weeks.push(record);
            }
        }
        weeks.sort_by(|a, b| a.week.cmp(&b.week));
        weeks
    }

    /// Records a new delivery (in state `sending`) and writes the journal.
    pub fn begin(&mut self, record: Sent) -> Result<()> {
        self.sent.push(record);
        self.write()
    }

    /// Moves a week's latest record to `state` (at `at` for `sent`) and writes the journal.
    pub fn mark(&mut self, week: &str, state: State, at: DateTime<Utc>) -> Result<()> {
        if let Some(record) = self.sent.iter_mut().rev().find(|s| s.week == week) {
            record.state = state;
            if state == State::Sent {
                record.sent_at = at;
            }
        }
        self.write()
    }

    /// Drops a week's latest record when it is not `sent` (the server refused the message,
    /// so nothing was delivered) and writes the journal.
    pub fn abandon(&mut self, week: &str) -> Result<()> {
        if let Some(at) = self.sent.iter().rposition(|s| s.week == week) {
            if self.sent[at].state != State::Sent {
                self.sent.remove(at);
            }
        }
        self.write()
    }

    /// Records a sent digest and writes the journal.
    pub fn record(&mut self, sent: Sent) -> Result<()> {
        self.begin(sent)
    }

    /// Writes the journal atomically: temp file, fsync, rename, fsync of the directory.
    fn write(&self) -> Result<()> {
        let mut bytes =
            serde_json::to_vec_pretty(self).context("failed to serialise the journal")?;
        bytes.push(b'\n');
        write_atomic(&self.path, &bytes)
            .with_context(|| format!("cannot record in the state journal {}", self.path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_survive_a_reload() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".herald/state.json");
        let mut journal = Journal::load(&path).unwrap();
        assert!(journal.sent.is_empty());
        let sent = Sent {
            week: "2020-W36".into(),
            message_id: "<2020-W36.digest@x.org>".into(),
            recipients: vec!["list@x.org".into()],
            sent_at: "2020-09-07T09:00:00Z".parse().unwrap(),
            entries: vec![],
            state: State::Sent,
        };
        journal.record(sent.clone()).unwrap();
        let again = Journal::load(&path).unwrap();
        assert_eq!(again.get("2020-W36"), Some(&sent));
        assert_eq!(again.sent.len(), 1);
    }

    #[test]
    fn states_move_and_only_sent_counts_as_sent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let mut journal = Journal::load(&path).unwrap();
        let record = |week: &str| Sent {
            week: week.into(),
            message_id: format!("<{week}.digest@x.org>"),
            recipients: vec!["list@x.org".into()],
            sent_at: "2020-09-07T09:00:00Z".parse().unwrap(),
            entries: vec![],
            state: State::Sending,
        };
        let at = "2020-09-07T09:01:00Z".parse().unwrap();
        journal.begin(record("2020-W35")).unwrap();
        journal.mark("2020-W35", State::Sent, at).unwrap();
        journal.begin(record("2020-W36")).unwrap();
        journal.mark("2020-W36", State::InDoubt, at).unwrap();
        journal.begin(record("2020-W37")).unwrap();
        let again = Journal::load(&path).unwrap();
        assert_eq!(again.get("2020-W35").unwrap().sent_at, at);
        assert!(again.get("2020-W36").is_none());
        assert!(again.get("2020-W37").is_none());
        let doubt: Vec<(&str, State)> = again
            .in_doubt()
            .iter()
            .map(|s| (s.week.as_str(), s.state))
            .collect();
        assert_eq!(
            doubt,
            [("2020-W36", State::InDoubt), ("2020-W37", State::Sending)]
        );
        journal.abandon("2020-W37").unwrap();
        assert!(Journal::load(&path).unwrap().latest("2020-W37").is_none());
    }

    #[test]
    fn a_journal_from_before_states_reads_as_sent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        std::fs::write(&path, r#"{"sent": [{"week": "2020-W34", "message_id": "<a@b>", "recipients": [], "sent_at": "2020-08-24T09:00:00Z"}]}"#).unwrap();
        let journal = Journal::load(&path).unwrap();
        assert_eq!(journal.get("2020-W34").unwrap().state, State::Sent);
    }

    #[test]
    fn a_corrupt_journal_is_an_error_not_an_empty_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        std::fs::write(&path, "{ half").unwrap();
        let err = Journal::load(&path).unwrap_err().to_string();
        assert!(
            err.contains("state.json:1: error: the state journal is not valid: fix or remove it"),
            "{err}"
        );
    }
}
