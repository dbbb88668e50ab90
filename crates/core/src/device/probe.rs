//! What answers on a port (specs/at-commands.md §7 "Port choice", huawei-balong.md §3.4).
//!
//! Web Serial cannot tell a dongle's ports apart (web-platform.md §3.1: no interface
//! number), so the port is asked: `AT` → `OK` makes it an AT port, and then the modem is
//! identified over it.

use core::time::Duration;

use serde::Serialize;

use super::catalogue::{self, Mode};
use super::chipset::{self, Chipset};
use super::{PortRole, UsbId};
use crate::at::identity::Identity;
use crate::at::{AtClient, AtError};
use crate::event::{Level, Observer};
use crate::port::{Port, PortError};
use crate::protocol::diag;

/// How many times `AT` is sent before a port counts as silent. A modem that has just
/// enumerated can miss the first command while its firmware starts the AT task.
pub const AT_PROBE_TRIES: u32 = 3;

/// How long each `AT` waits for its `OK`.
pub const AT_PROBE_TIMEOUT: Duration = Duration::from_secs(1);

/// A modem identified on an AT port.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Identified {
    /// The USB id the port belongs to, when the transport knows it.
    pub usb: Option<UsbId>,
    /// The role of the port that answered.
    pub role: PortRole,
    /// What the modem said about itself.
    pub identity: Identity,
}

impl Identified {
    /// The chipset, where its build string, its model or its USB id tells it
    /// ([`chipset::of_modem`]). Derived from the fields above, so the page's device card
    /// and `modemflash identify` show the same.
    pub fn chipset(&self) -> Option<Chipset> {
        chipset::of_modem(self.usb, &self.identity)
    }

    /// The mode the USB id stands for, when the catalogue knows it.
    pub fn mode(&self) -> Option<Mode> {
        self.usb.and_then(|id| catalogue::lookup(id).next()).map(|e| e.mode)
    }
}

/// Why identification failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifyError {
    /// Nothing answered `AT`: a DIAG, GPS or data port, or a modem still starting.
    #[error("this port did not answer AT commands ({tries} tries, {waited:?} each)")]
    NoAtReply {
        /// How many `AT` were sent.
        tries: u32,
        /// How long each waited.
        waited: Duration,
    },
    /// The port answered `AT` but an identification command failed.
    #[error(transparent)]
    At(#[from] AtError),
}

impl From<PortError> for IdentifyError {
    fn from(e: PortError) -> Self {
        IdentifyError::At(AtError::Port(e))
    }
}

impl IdentifyError {
    /// What the person should do next.
    pub fn next_step(&self) -> &'static str {
        match self {
            IdentifyError::NoAtReply { .. } => {
                "Modems show several ports and only one of them takes commands. Choose another port of the same modem; if none answers, unplug the modem, wait ten seconds and plug it in again."
            }
            IdentifyError::At(AtError::Port(e)) => e.next_step(),
            IdentifyError::At(_) => "Unplug the modem, plug it in again and reconnect. If it keeps failing, save the log and ask for help.",
        }
    }
}

/// Asks the port whether it takes AT commands; if so, identifies the modem.
pub async fn identify<P: Port, O: Observer>(
    at: &mut AtClient<P, O>,
    usb: Option<UsbId>,
) -> Result<Identified, IdentifyError> {
    probe_at(at).await?;
    at.log(Level::Info, "The port answers AT commands; asking the modem who it is.".into());
    let identity = at.identify().await?;
    Ok(Identified { usb, role: PortRole::Pcui, identity })
}

/// How long a quick look at one of several candidate ports waits for `OK`.
pub const QUICK_PROBE_TIMEOUT: Duration = Duration::from_millis(500);

/// Whether `port` takes AT commands: `AT` twice with a short wait, for choosing among
/// several ports of one dongle (a browser lists them without interface numbers,
/// web-platform.md §3.1). Nothing is logged; the chosen port is probed again in full.
pub async fn answers_at<P: Port>(port: &mut P) -> Result<bool, PortError> {
    let mut at = AtClient::new(port, crate::event::Silent);
    for _ in 0..2 {
        match at.exchange("AT", QUICK_PROBE_TIMEOUT).await {
            Ok(r) if r.result.is_ok() => return Ok(true),
            Ok(_) | Err(AtError::Timeout { .. }) => {}
            Err(AtError::Port(e)) => return Err(e),
            Err(AtError::Rejected { .. }) => {}
        }
    }
    Ok(false)
}

/// How a port is recognised as the one wanted ([`crate::flasher::Reconnect::probe`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortProbe {
    /// Taken as it is: the only port of its mode.
    None,
    /// Answers `AT` ([`answers_at`]).
    At,
    /// Answers the DMSS probe as a boot ROM in download mode or a running streaming
    /// programmer (specs/qualcomm-dload.md §2.4).
    Dmss,
}

impl PortProbe {
    /// Whether `port` is the wanted one. Nothing is logged: the chosen port is probed
    /// again in full by the step that uses it.
    pub async fn accepts<P: Port>(self, port: &mut P) -> Result<bool, PortError> {
        match self {
            PortProbe::None => Ok(true),
            PortProbe::At => answers_at(port).await,
            PortProbe::Dmss => Ok(matches!(
                diag::probe(port).await?,
                diag::ProbeState::DmssDownload | diag::ProbeState::StreamingProgrammer
            )),
        }
    }
}

/// Sends `AT` until it is answered `OK`, [`AT_PROBE_TRIES`] times at most.
pub async fn probe_at<P: Port, O: Observer>(at: &mut AtClient<P, O>) -> Result<(), IdentifyError> {
    for _ in 0..AT_PROBE_TRIES {
        match at.exchange("AT", AT_PROBE_TIMEOUT).await {
            Ok(r) if r.result.is_ok() => return Ok(()),
            Ok(_) | Err(AtError::Timeout { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    at.log(Level::Warn, "No answer to AT on this port.".into());
    Err(IdentifyError::NoAtReply { tries: AT_PROBE_TRIES, waited: AT_PROBE_TIMEOUT })
}
