//! What a command did, returned to the command line to print: lines for standard output and
//! diagnostics for standard error.

use crate::diag::Diagnostic;

/// What a command did: lines for standard output, problems for standard error (in the one
/// diagnostic format), details worth showing only when asked, and whether it ended in a
/// temporary failure that the next run may get past.
#[derive(Debug, Default)]
pub struct Report {
    /// Lines for standard output.
    pub lines: Vec<String>,
    /// Problems always shown.
    pub diagnostics: Vec<Diagnostic>,
    /// Problems shown with `-v` (rendering warnings outside `check`).
    pub details: Vec<Diagnostic>,
    /// The run stopped on a temporary failure (exit 75).
    pub temporary: bool,
}

impl Report {
    /// How many errors it holds (details hold only warnings).
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// Appends another report (`run` is `build` and then `send`).
    pub fn extend(&mut self, other: Report) {
        self.lines.extend(other.lines);
        self.diagnostics.extend(other.diagnostics);
        self.details.extend(other.details);
        self.temporary |= other.temporary;
    }

    /// Puts render diagnostics where they belong: errors always shown, warnings as details.
    pub(crate) fn rendered(&mut self, diagnostics: Vec<Diagnostic>) {
        let (errors, warnings): (Vec<_>, Vec<_>) =
            diagnostics.into_iter().partition(Diagnostic::is_error);
        self.diagnostics.extend(errors);
        self.details.extend(warnings);
    }
}
