//! What the transports and probes learned about the port: the doctor's input.
//!
//! Each way of reaching a dongle (Web Serial, WebUSB, a native tty) reports what it saw
//! as [`Finding`]s; the checks in [`super::examine`] turn them into verdicts. A transport
//! only has to name what happened, not decide what it means for the update.

use serde::Serialize;

use crate::device::UsbId;
use crate::port::PortError;
use crate::protocol::diag::ProbeState;

/// One fact about the port or device the person chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "finding")]
pub enum Finding {
    /// The chooser closed without a port: none was listed, or none was picked
    /// (`NotFoundError`, specs/web-platform.md §2).
    NoPortChosen,
    /// Opening (or claiming) was refused because something else holds the port: another
    /// program, a kernel driver, a second tab (`NetworkError`, §5.2, §7.2, §7.3).
    PortBusy,
    /// Opening was refused for lack of permission (`SecurityError` "Access denied", §5.2,
    /// §7.3; `EACCES` on a tty).
    AccessDenied,
    /// The device shows only its virtual CD-ROM (ZeroCD): seen by its id in a WebUSB
    /// device list (§5.1).
    CdRomOnly {
        /// The id it shows in that mode.
        usb: UsbId,
    },
    /// A port was chosen; its USB id, when the transport reports one (Web Serial's
    /// `getInfo()` does even for a port that then fails to open, §3.1).
    PortChosen {
        /// The id it belongs to.
        usb: Option<UsbId>,
    },
    /// The port opened.
    Opened,
    /// What the opened port answered when probed.
    Answered(PortAnswer),
}

/// What a port answered to the probes (`AT`, then the DIAG/DMSS NOP).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PortAnswer {
    /// `AT` → `OK`: the command port.
    At,
    /// A download protocol (Balong dload, DMSS download, a running programmer): the
    /// port an update in download mode writes to.
    Download,
    /// The DIAG port of a running firmware (qualcomm-dload.md §2.4): binary, silent to AT.
    Diag,
    /// A newer Qualcomm loader (Sahara, Firehose) these dongles' updates do not use
    /// (qualcomm-dload.md §2.4).
    NewerQualcommLoader,
    /// Nothing answered `AT`, DIAG or DMSS: a data, GPS or unused port.
    Silent,
}

impl Finding {
    /// What a refused open means, or `None` when it says nothing about the port's
    /// availability (a device already gone).
    pub fn from_open_error(error: &PortError) -> Option<Finding> {
        match error {
            PortError::Busy(_) => Some(Finding::PortBusy),
            PortError::Denied(_) => Some(Finding::AccessDenied),
            PortError::Disconnected | PortError::Io(_) => None,
        }
    }
}

impl PortAnswer {
    /// A port silent to `AT`, classified by its answer to the DMSS NOP.
    pub fn from_probe(state: ProbeState) -> PortAnswer {
        match state {
            ProbeState::Diag => PortAnswer::Diag,
            ProbeState::DmssDownload | ProbeState::StreamingProgrammer => PortAnswer::Download,
            ProbeState::Sahara | ProbeState::Firehose => PortAnswer::NewerQualcommLoader,
            ProbeState::NotQualcomm => PortAnswer::Silent,
        }
    }
}
