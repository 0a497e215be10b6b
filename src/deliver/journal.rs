//! The state journal: which weeks' digests were sent, written atomically and only after the
//! server accepted the message.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;
use crate::fsutil::write_atomic;

/// One digest the server accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    /// Week key, e.g. `2020-W36`.
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
        let mut journal = match std::fs::read(path) {
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

    /// The record of a week, if its digest was sent.
    pub fn get(&self, week: &str) -> Option<&Sent> {
        self.sent.iter().rev().find(|s| s.week == week)
    }

    /// The latest week sent (week keys sort in time order).
    pub fn last_week(&self) -> Option<&str> {
        self.sent.iter().map(|s| s.week.as_str()).max()
    }

    /// Records a sent digest and writes the journal atomically (temp file, fsync, rename).
    pub fn record(&mut self, sent: Sent) -> Result<()> {
        self.sent.push(sent);
        let mut bytes =
            serde_json::to_vec_pretty(self).context("failed to serialise the journal")?;
        bytes.push(b'\n');
        write_atomic(&self.path, &bytes)
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
        };
        journal.record(sent.clone()).unwrap();
        let again = Journal::load(&path).unwrap();
        assert_eq!(again.get("2020-W36"), Some(&sent));
        assert_eq!(again.last_week(), Some("2020-W36"));
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
