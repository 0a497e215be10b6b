//! Putting a set of staged feeds in place, together, only when the lint found nothing.

use std::path::PathBuf;

use anyhow::Result;

use super::lint;
use crate::fsutil::{commit_all, Staged};

/// Lint findings, each with its feed file (below the output directory).
pub type Findings = Vec<(PathBuf, lint::Finding)>;

/// What `write` did: how many feeds it wrote, or the lint's findings that kept it from
/// replacing the old ones.
#[derive(Debug)]
pub struct Written {
    /// How many feed files were written (0 when findings kept the old set).
    pub feeds: usize,
    /// Errors the lint found, by feed file (below the output directory).
    pub findings: Findings,
}

/// Replaces the old feeds with the staged ones when the lint found nothing; otherwise leaves
/// the old set whole (the staged files are removed).
pub(crate) fn commit_clean(staged: Vec<Staged>, findings: Findings) -> Result<Written> {
    if !findings.is_empty() {
        return Ok(Written { feeds: 0, findings });
    }
    let feeds = staged.len();
    commit_all(staged)?;
    Ok(Written { feeds, findings })
}
