//! One backed-up item: its value, or why the modem could not give it.
//!
//! Reading settings is best-effort (specs/at-commands.md §5): a stick that does not know
//! a command is recorded as such, so the backup still holds everything else.

use serde::{Deserialize, Serialize};

/// What the backup holds for one kind of setting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Reading<T> {
    /// The modem answered; this is what it had.
    Saved {
        /// The setting as read.
        value: T,
    },
    /// The modem does not support the command (or refused it): nothing to restore.
    NotSupported {
        /// Why, in a sentence (the command and its answer).
        reason: String,
    },
}

impl<T> Reading<T> {
    /// The saved value, if any.
    pub fn value(&self) -> Option<&T> {
        match self {
            Reading::Saved { value } => Some(value),
            Reading::NotSupported { .. } => None,
        }
    }
}
