//! The stages of a flashing job (DESIGN.md "flasher").

use core::fmt;

use serde::Serialize;

use crate::device::catalogue::Mode;

/// Where a job is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "stage")]
pub enum Stage {
    /// Asking the modem who it is, and checking the image fits it.
    Identify,
    /// Saving the settings an update may clear (APN profiles, network mode, PIN check).
    BackupSettings,
    /// Asking the modem to restart into download mode.
    EnterDownload,
    /// Waiting for the modem to come back in `mode` after a restart.
    Reconnect {
        /// The mode it should come back in.
        mode: Mode,
    },
    /// The download-mode handshake.
    Handshake,
    /// Writing partition `index` (0-based position in the plan) of `of`.
    WritePartition {
        /// Position in the plan.
        index: usize,
        /// Partitions in the plan.
        of: usize,
        /// Its name.
        name: String,
    },
    /// Asking the modem to restart into the new firmware.
    Reboot,
    /// Reading the firmware version the modem now reports.
    ConfirmVersion,
    /// Putting back the settings the update cleared.
    RestoreSettings,
    /// Finished: the modem runs the new firmware.
    Done,
}

impl Stage {
    /// A heading for people.
    pub fn title(&self) -> String {
        match self {
            Stage::Identify => "Checking the modem".into(),
            Stage::BackupSettings => "Saving your settings".into(),
            Stage::EnterDownload => "Switching the modem to update mode".into(),
            Stage::Reconnect { mode: Mode::Download } => "Waiting for the modem in update mode".into(),
            Stage::Reconnect { .. } => "Waiting for the modem to restart".into(),
            Stage::Handshake => "Starting the update".into(),
            Stage::WritePartition { index, of, name } => format!("Writing {name} ({} of {of})", index + 1),
            Stage::Reboot => "Restarting the modem".into(),
            Stage::ConfirmVersion => "Checking the new firmware version".into(),
            Stage::RestoreSettings => "Restoring your settings".into(),
            Stage::Done => "Done".into(),
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title())
    }
}
