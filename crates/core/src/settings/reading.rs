//! One backed-up item: its value, or why the modem could not give it.
//!
//! Reading settings is best-effort (specs/at-commands.md §5): a stick that does not know
//! a command is recorded as such, so the backup still holds everything else.

use serde::{Deserialize, Serialize};

/// What the backup holds for one kind of setting: in JSON
/// `{"status": "saved", "value": …}` or `{"status": "not-supported", "reason": "…"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Document<T>", into = "Document<T>")]
#[serde(bound(serialize = "T: Serialize + Clone", deserialize = "T: Deserialize<'de>"))]
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

/// The JSON shape of a [`Reading`]: a plain struct, so reading a backup needs none of
/// serde's buffering for internally tagged enums (it costs the page's wasm dearly).
#[derive(Serialize, Deserialize)]
struct Document<T> {
    status: Status,
    #[serde(default = "none", skip_serializing_if = "Option::is_none")]
    value: Option<T>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

fn none<T>() -> Option<T> {
    None
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Status {
    Saved,
    NotSupported,
}

impl<T> From<Document<T>> for Reading<T> {
    /// A `saved` document without a value reads as not supported: nothing to restore.
    fn from(doc: Document<T>) -> Self {
        match (doc.status, doc.value) {
            (Status::Saved, Some(value)) => Reading::Saved { value },
            (_, _) => Reading::NotSupported { reason: doc.reason.unwrap_or_default() },
        }
    }
}

impl<T> From<Reading<T>> for Document<T> {
    fn from(reading: Reading<T>) -> Self {
        match reading {
            Reading::Saved { value } => Document { status: Status::Saved, value: Some(value), reason: None },
            Reading::NotSupported { reason } => {
                Document { status: Status::NotSupported, value: None, reason: Some(reason) }
            }
        }
    }
}
