//! The journal of a job: which partitions are finished, so an interrupted update
//! resumes at the partition it stopped in instead of starting over.
//!
//! The flasher reports it after every finished partition ([`crate::event::Event::Journal`]);
//! the CLI keeps it in a file, the page in the browser's storage.

use serde::{Deserialize, Serialize};

use crate::settings::SettingsBackup;

/// What is finished of one image on one modem.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journal {
    /// Identifies the image: its SHA-256 in hex, or its size and partition codes when it
    /// has no single-file hash (folders).
    pub image: String,
    /// Partition codes written and acknowledged, in order.
    pub finished: Vec<u32>,
    /// The settings saved before the modem left normal mode, so a job resumed in
    /// download mode can still put them back afterwards. Boxed: a journal travels in
    /// events and errors, and the backup is most of its size.
    #[serde(default)]
    pub settings: Option<Box<SettingsBackup>>,
}

impl Journal {
    /// An empty journal for `image`.
    pub fn new(image: impl Into<String>) -> Self {
        Journal { image: image.into(), finished: Vec::new(), settings: None }
    }

    /// Whether partition `code` is already written.
    pub fn is_finished(&self, code: u32) -> bool {
        self.finished.contains(&code)
    }

    /// Records partition `code` as written.
    pub fn finish(&mut self, code: u32) {
        if !self.is_finished(code) {
            self.finished.push(code);
        }
    }
}
