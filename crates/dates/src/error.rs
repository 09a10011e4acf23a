//! The one error type of the crate.

use std::fmt::Write as _;

/// Why a date was refused: one line that quotes the offending text and says what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DateError(String);

/// Longest input quoted in a message; longer text is cut so that a message stays one short line.
const QUOTE_LIMIT: usize = 60;

impl DateError {
    /// An error about `input`: "`input`: reason".
    pub(crate) fn new(input: &str, reason: impl std::fmt::Display) -> Self {
        if input.is_empty() {
            return DateError(reason.to_string());
        }
        DateError(format!("{}: {reason}", quote(input)))
    }

    /// The same error with a hint appended.
    pub(crate) fn with_note(self, note: &str) -> Self {
        DateError(format!("{}; {note}", self.0))
    }
}

/// `text` in backticks, with control characters escaped (a message must stay on one line).
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::from("`");
    for (i, c) in text.chars().enumerate() {
        if i == QUOTE_LIMIT {
            out.push('…');
            break;
        }
        if c.is_control() {
            let _ = write!(out, "{}", c.escape_default());
        } else {
            out.push(c);
        }
    }
    out.push('`');
    out
}

/// A character as it appears in a message: quoted, escaped when invisible.
pub(crate) fn show_char(c: char) -> String {
    format!("{c:?}")
}
