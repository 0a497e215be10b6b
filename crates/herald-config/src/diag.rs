//! Problems, in one shape and one format: `path:line: severity: message`, or `path: severity:
//! message` when no line applies (a lock file, an unreachable server). The library returns
//! them; only the command line prints them.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a problem is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Severity {
    /// Something must be fixed: the run exits 1.
    Error,
    /// Something was dropped or guessed; the output is still made.
    Warning,
}

/// One problem, with the file (a post, the config, a feed, the journal) and line it is on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    /// The file the problem is in or about.
    pub path: PathBuf,
    /// 1-based line number in the file, where one applies.
    pub line: Option<usize>,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one line.
    pub message: String,
}

impl Diagnostic {
    /// A problem at an optional line of a file.
    pub fn new(
        path: impl Into<PathBuf>,
        line: Option<usize>,
        severity: Severity,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            path: path.into(),
            line,
            severity,
            message: message.into().replace('\n', " "),
        }
    }

    /// An error at a line of a file.
    pub fn error(path: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Self {
        Diagnostic::new(path, Some(line), Severity::Error, message)
    }

    /// A warning at a line of a file.
    pub fn warning(path: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Self {
        Diagnostic::new(path, Some(line), Severity::Warning, message)
    }

    /// An error about a whole file.
    pub fn file_error(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic::new(path, None, Severity::Error, message)
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The file it is about.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {kind}: {}", self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_format_with_and_without_a_line() {
        assert_eq!(
            Diagnostic::error("posts/a.md", 4, "bad\ndate").to_string(),
            "posts/a.md:4: error: bad date"
        );
        assert_eq!(
            Diagnostic::new(".herald/state.json.lock", None, Severity::Warning, "held").to_string(),
            ".herald/state.json.lock: warning: held"
        );
    }
}
