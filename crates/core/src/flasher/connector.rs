//! Finding the modem again after it restarted with another USB id
//! (specs/web-platform.md §4; DESIGN.md "Mode switches").

use core::time::Duration;

use crate::device::catalogue::Mode;
use crate::device::{PortRole, UsbId};
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
