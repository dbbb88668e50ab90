//! Why a job stopped, in what state it left the modem, and what to do next.

use serde::Serialize;

use super::connector::ConnectError;
use super::plan::PlanError;
use super::stage::Stage;
use crate::at::AtError;
use crate::device::probe::IdentifyError;
use crate::image::ImageError;
use crate::port::PortError;
use crate::protocol::balong::DloadError;
use crate::protocol::diag::SwitchError;
use crate::protocol::dmss::DmssError;
use crate::protocol::qdl::QdlError;
use crate::protocol::streaming::StreamingError;

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlashError {
    /// The job could not be planned (bad image, bad partition list). Nothing was sent.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The image is for another product.
    #[error("this firmware does not fit the connected modem: {0}")]
    WrongProduct(String),
    /// The port is neither an AT port nor a download port.
    #[error("{0}")]
    Identify(#[from] IdentifyError),
    /// An AT command failed.
    #[error(transparent)]
    At(#[from] AtError),
    /// The download protocol failed.
    #[error(transparent)]
    Download(#[from] DloadError),
    /// The Sierra QDL download failed.
    #[error(transparent)]
    Qdl(#[from] QdlError),
    /// The port failed outside a protocol exchange (probing a download port).
    #[error(transparent)]
    Port(#[from] PortError),
    /// The switch from DIAG to download mode failed (specs/qualcomm-dload.md §2.2).
    #[error(transparent)]
    DiagSwitch(#[from] SwitchError),
    /// The boot ROM refused or lost the programmer upload (specs/qualcomm-dload.md §3).
    #[error(transparent)]
    Dmss(#[from] DmssError),
    /// The programmer refused or lost a command (specs/qualcomm-dload.md §4).
    #[error(transparent)]
    Streaming(#[from] StreamingError),
    /// A package without a usable programmer and partition table (verification blocks
    /// such a package; reached only through a hand-made inspection).
    #[error("the firmware package has no usable programmer and partition table")]
    NoProgrammer,
    /// The programmer file cannot be uploaded.
    #[error("the programmer cannot be loaded: {0}")]
    Programmer(String),
    /// The download port speaks a protocol this family's update does not use.
    #[error("the modem's download port speaks {0}")]
    Unsupported(&'static str),
    /// The modem did not come back after a restart.
    #[error(transparent)]
    Reconnect(#[from] ConnectError),
    /// The image could not be read while writing.
    #[error(transparent)]
    Image(#[from] ImageError),
    /// After the update the modem reports another version than the image's.
    #[error("the modem restarted but reports firmware {found}, not {expected}")]
    VersionMismatch {
        /// What the image says.
        expected: String,
        /// What the modem says.
        found: String,
    },
}

/// The state a stopped job left the modem in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeviceState {
    /// Nothing was changed on the modem.
    Unchanged,
    /// The modem is in download mode (or restarting into it); its firmware is not
    /// complete. It will come back in download mode, and the update can resume.
    InDownloadMode,
    /// The update was written; the modem is restarting or restarted.
    Updated,
}

/// What the person can do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NextStep {
    /// Choose a different firmware file.
    ChooseAnotherFile,
    /// Choose another port of the same modem.
    ChooseAnotherPort,
    /// Plug the modem in again and resume from the journal.
    Resume,
    /// Try the same again.
    Retry,
    /// Check the modem by hand.
    CheckModem,
}

/// A job that stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{stage}: {error}")]
pub struct Failure {
    /// Where it stopped.
    pub stage: Stage,
    /// Why.
    pub error: FlashError,
    /// What state the modem is in.
    pub state: DeviceState,
}

impl Failure {
    /// The next step as a value, so the page can offer a button.
    pub fn next_step(&self) -> NextStep {
        match (&self.error, self.state) {
            (
                FlashError::Plan(_)
                | FlashError::WrongProduct(_)
                | FlashError::Image(_)
                | FlashError::NoProgrammer
                | FlashError::Programmer(_),
                _,
            ) => NextStep::ChooseAnotherFile,
            (FlashError::Unsupported(_), _) => NextStep::CheckModem,
            (FlashError::Identify(IdentifyError::NoAtReply { .. }), _) => NextStep::ChooseAnotherPort,
            (FlashError::VersionMismatch { .. }, _) => NextStep::CheckModem,
            (_, DeviceState::InDownloadMode) => NextStep::Resume,
            (_, DeviceState::Unchanged) => NextStep::Retry,
            (_, DeviceState::Updated) => NextStep::CheckModem,
        }
    }

    /// The next step in words: what state the modem is in and what to do.
    pub fn advice(&self) -> String {
        format!("{} {}", self.state_text(), self.action_text())
    }

    /// What state the modem is in, in words.
    pub fn state_text(&self) -> &'static str {
        match self.state {
            DeviceState::Unchanged => "Nothing was changed on the modem.",
            DeviceState::InDownloadMode => {
                "The modem is in update mode and its firmware is incomplete; it will stay in update mode until the update is finished. Nothing is lost: the update resumes where it stopped."
            }
            DeviceState::Updated => "The new firmware was written.",
        }
    }

    /// What to do next, in words.
    pub fn action_text(&self) -> &'static str {
        match self.next_step() {
            NextStep::ChooseAnotherFile => match &self.error {
                FlashError::Plan(e) => e.next_step(),
                FlashError::Image(e) => e.next_step(),
                FlashError::NoProgrammer | FlashError::Programmer(_) => {
                    "Choose a package with the programmer (NPRG/ENPRG) and partition table made for this modem."
                }
                _ => "Choose the firmware made for this modem model.",
            },
            NextStep::ChooseAnotherPort => match &self.error {
                FlashError::Identify(e) => e.next_step(),
                _ => "Choose another port of the same modem.",
            },
            NextStep::Resume => {
                "Make sure the modem is plugged in (straight into the computer, not a hub), then resume the update."
            }
            NextStep::Retry => "Unplug the modem, plug it in again, wait ten seconds and start again.",
            NextStep::CheckModem => match &self.error {
                FlashError::Unsupported(_) => {
                    "This modem needs its vendor's own updater; modemflash cannot write it. Unplug it and plug it in again to leave download mode."
                }
                _ => "Unplug the modem, plug it in again and check its firmware version on the first screen.",
            },
        }
    }
}
