//! Problems found in posts, reported as `path:line: error: message`.

use std::fmt;
use std::path::PathBuf;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The post cannot be used.
    Error,
    /// The post is used, but something in it was dropped or guessed.
    Warning,
}

/// One problem in one post, with the line it is on (1-based, counted from the top of the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The post's path.
    pub path: PathBuf,
    /// 1-based line number in the file.
    pub line: usize,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one line.
    pub message: String,
}

impl Diagnostic {
    /// An error at a line of a file.
    pub fn error(path: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line,
            severity: Severity::Error,
            message: message.into(),
        }
    }

    /// A warning at a line of a file.
    pub fn warning(path: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line,
            severity: Severity::Warning,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}: {kind}: {}",
            self.path.display(),
            self.line,
            self.message
        )
    }
}

/// Logs warnings found while rendering (an unknown shortcode, say) at info level: shown with
/// `-v`, while `check` always prints them. Cron output stays at errors and one summary line.
pub fn log_warnings(warnings: &[Diagnostic]) {
    for d in warnings {
        tracing::info!("{d}");
    }
}
