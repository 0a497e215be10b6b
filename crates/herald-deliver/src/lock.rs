//! An exclusive file lock next to the journal, so that two runs never overlap.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};

/// A held lock; released when dropped (or when the process dies).
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

/// Why the lock could not be taken.
#[derive(Debug)]
pub enum LockError {
    /// Another run holds it.
    Held {
        /// The lock file.
        path: PathBuf,
        /// Who holds it: `pid N since TIME`, as that run wrote it.
        holder: String,
    },
    /// The lock file could not be opened.
    Io(anyhow::Error),
}

impl Lock {
    /// Takes the lock at `path` without waiting.
    pub fn acquire(path: &Path, now: DateTime<Utc>) -> Result<Lock, LockError> {
        let open = || -> Result<File> {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("failed to create {}", dir.display()))?;
            }
            OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)
                .with_context(|| format!("failed to open the lock file {}", path.display()))
        };
        let mut file = open().map_err(LockError::Io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let holder = if holder.is_empty() {
                    "another herald run".to_string()
                } else {
                    holder.to_string()
                };
                return Err(LockError::Held {
                    path: path.to_path_buf(),
                    holder,
                });
            }
            Err(TryLockError::Error(e)) => {
                return Err(LockError::Io(
                    anyhow::Error::new(e).context(format!("failed to lock {}", path.display())),
                ))
            }
        }
        let who = format!("pid {} since {}", std::process::id(), now.to_rfc3339());
        let written = file
            .set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| file.write_all(who.as_bytes()));
        written
            .with_context(|| format!("failed to write {}", path.display()))
            .map_err(LockError::Io)?;
        Ok(Lock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_and_names_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json.lock");
        let now = "2020-09-07T09:00:00Z".parse().unwrap();
        let held = Lock::acquire(&path, now).unwrap();
        match Lock::acquire(&path, now) {
            Err(LockError::Held { holder, .. }) => {
                assert_eq!(
                    holder,
                    format!("pid {} since 2020-09-07T09:00:00+00:00", std::process::id())
                )
            }
            other => panic!("expected the lock to be held, got {other:?}"),
        }
        drop(held);
        assert!(Lock::acquire(&path, now).is_ok());
    }
}
