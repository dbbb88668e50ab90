//! Finding the modem again after it restarted with another USB id
//! (specs/web-platform.md §4; DESIGN.md "Mode switches").

use core::time::Duration;

use super::FamilyFacts;
use crate::device::catalogue::Mode;
use crate::device::probe::PortProbe;
use crate::device::{PortRole, UsbId};
use crate::image::Family;
use crate::port::Port;

/// What the flasher waits for after a mode switch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reconnect {
    /// The mode the modem should come back in.
    pub mode: Mode,
    /// The USB ids it may come back with.
    pub ids: Vec<UsbId>,
    /// The port to open.
    pub role: PortRole,
    /// How long to wait before giving up.
    pub timeout: Duration,
}

impl Reconnect {
    /// How a connector tells the wanted port among several ports of one USB id (a browser
    /// lists them without interface numbers, web-platform.md §3.1): the AT port answers
    /// `AT`; a Qualcomm download port answers the DMSS probe (specs/qualcomm-dload.md §2.4)
    /// and never AT; other download ports are the only port of their mode and are not
    /// sent anything they would take for a command.
    pub fn probe(&self) -> PortProbe {
        // The Qualcomm family also lists Huawei's download ids (its Qualcomm-era sticks
        // share the vendor id); a Balong download port must not be sent DMSS frames.
        let qualcomm = FamilyFacts::of(Family::QualcommPackage).ids(Mode::Download);
        let balong = FamilyFacts::of(Family::HuaweiBalong).ids(Mode::Download);
        let dmss = |id: &UsbId| qualcomm.contains(id) && !balong.contains(id);
        match self.role {
            PortRole::Pcui => PortProbe::At,
            PortRole::Download if self.ids.iter().any(dmss) => PortProbe::Dmss,
            _ => PortProbe::None,
        }
    }
}

/// Why the modem was not found again.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectError {
    /// It did not come back in time.
    #[error("the modem did not come back within {waited:?}")]
    NotBack {
        /// How long the connector waited.
        waited: Duration,
    },
    /// The person declined to select it again (browser chooser closed).
    #[error("the modem was not selected again")]
    Cancelled,
    /// It came back but its port could not be opened.
    #[error("the modem came back but its port could not be opened: {0}")]
    Open(String),
}

/// Reopens the modem after a restart: a browser asks the person to pick it again when
/// it has no permission for the new id, the CLI watches the device path and the USB
/// bus, the virtual dongle waits in virtual time.
#[allow(async_fn_in_trait)]
pub trait Connector {
    /// The port type it opens.
    type Port: Port;

    /// Waits for the modem to come back as `wanted` says and opens its port.
    async fn reconnect(&mut self, wanted: &Reconnect) -> Result<Self::Port, ConnectError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_qualcomm_download_port_is_told_by_the_dmss_probe_and_others_by_their_role() {
        let wanted = |role, id| Reconnect { mode: Mode::Download, ids: vec![id], role, timeout: Duration::ZERO };
        assert_eq!(wanted(PortRole::Download, UsbId::new(0x19d2, 0x0076)).probe(), PortProbe::Dmss);
        assert_eq!(wanted(PortRole::Download, UsbId::new(0x05c6, 0x9008)).probe(), PortProbe::Dmss);
        assert_eq!(wanted(PortRole::Download, UsbId::new(0x12d1, 0x1c05)).probe(), PortProbe::None);
        assert_eq!(wanted(PortRole::Pcui, UsbId::new(0x19d2, 0x0031)).probe(), PortProbe::At);
    }
}
