//! Putting a set of staged feeds in place, together, only when the lint found nothing. A
//! feed that could not be written is its own error: the others are still put in place.

use std::path::PathBuf;

use anyhow::Result;

use super::lint;
use herald_config::fsutil::Staged;

/// Lint findings, each with its feed file (below the output directory).
pub type Findings = Vec<(PathBuf, lint::Finding)>;

/// Feeds that could not be written, each with its file (below the output directory) and why.
pub type Failed = Vec<(PathBuf, anyhow::Error)>;

/// What `write` did: how many feeds it wrote, the lint's findings that kept it from
/// replacing the old ones, and the feeds that could not be written.
#[derive(Debug)]
pub struct Written {
    /// How many feed files were written (0 when findings kept the old set).
    pub feeds: usize,
    /// Errors the lint found, by feed file (below the output directory).
    pub findings: Findings,
    /// Feeds that could not be written (a full disk, a name the file system refuses): the
    /// old file, if any, stays.
    pub failed: Failed,
}

/// Each feed's file and how its writing ended.
pub(crate) type Ended = Vec<(PathBuf, Result<(Staged, Findings)>)>;

/// [`commit_clean`] for the feeds as they ended: those staged, with their findings, go in
/// when the whole lint is clean; those that failed join `failed`.
pub(crate) fn commit_ended(ended: Ended, mut failed: Failed) -> Result<Written> {
    let (mut staged, mut findings) = (Vec::new(), Vec::new());
    for (path, done) in ended {
        match done {
            Ok((file, found)) => {
                staged.push((path, file));
                findings.extend(found);
            }
            Err(e) => failed.push((path, e)),
        }
    }
    commit_clean(staged, findings, failed)
}

/// Replaces the old feeds with the staged ones when the lint found nothing; otherwise leaves
/// the old set whole (the staged files are removed). `failed` are the feeds that could not
/// be staged; a feed that cannot be put in place joins them, and the others still go in.
fn commit_clean(
    staged: Vec<(PathBuf, Staged)>,
    findings: Findings,
    mut failed: Failed,
) -> Result<Written> {
    if !findings.is_empty() {
        return Ok(Written {
            feeds: 0,
            findings,
            failed,
        });
    }
    let mut feeds = 0;
    let mut dirs = Vec::new();
    for (path, file) in staged {
        dirs.push(file.dir().to_path_buf());
        match file.commit() {
            Ok(()) => feeds += 1,
            Err(e) => failed.push((path, e)),
        }
    }
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        herald_config::fsutil::sync_dir(&dir)?;
    }
    Ok(Written {
        feeds,
        findings,
        failed,
    })
}
