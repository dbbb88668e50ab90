//! A dongle in CD-ROM (ZeroCD) mode: one Mass Storage interface and the one message that
//! switches it to modem mode (specs/huawei-balong.md §13.3).
//!
//! Like the real device it answers nothing else: a control request it does not know is
//! stalled, as a device stalls endpoint 0 on a request it does not support, and bulk
//! bytes that are not its switch message change nothing.

use modemflash_core::device::detect::MASS_STORAGE;
use modemflash_core::device::mode_switch::{ControlRequest, Method, Switch, HUAWEI_NEW_MODE_CBW};
use modemflash_core::device::UsbId;

/// The Mass Storage interface every CD-ROM-mode dongle shows.
pub const STORAGE_INTERFACE: u8 = 0;

/// Its interfaces: `(number, class)`.
pub const INTERFACES: &[(u8, u8)] = &[(STORAGE_INTERFACE, MASS_STORAGE)];

/// How a device answers a control request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ControlOutcome {
    /// The status stage completed.
    Ack,
    /// Endpoint 0 stalled: the device does not support the request.
    Stall,
}

/// The CD-ROM personality of one dongle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZeroCd {
    switch: &'static Switch,
}

impl ZeroCd {
    /// The personality described by `switch`.
    pub fn new(switch: &'static Switch) -> Self {
        ZeroCd { switch }
    }

    /// The id it shows.
    pub fn usb_id(&self) -> UsbId {
        self.switch.id
    }

    /// Whether `request` is the one that switches this dongle (answered, then it leaves
    /// the bus); anything else stalls.
    pub fn control(&self, request: ControlRequest) -> ControlOutcome {
        if self.switch.method.control_request() == Some(request) {
            ControlOutcome::Ack
        } else {
            ControlOutcome::Stall
        }
    }

    /// Bulk OUT bytes on `iface`: `Some(status)` when they are this dongle's switch
    /// message, with the Command Status Wrapper it answers before leaving the bus.
    pub fn bulk_out(&self, iface: u8, bytes: &[u8]) -> Option<Vec<u8>> {
        let switches = self.switch.method == Method::StorageCommand
            && self.switch.id.vid == HUAWEI_VID
            && iface == STORAGE_INTERFACE
            && bytes == HUAWEI_NEW_MODE_CBW;
        switches.then(|| command_status(&bytes[4..8]))
    }
}

const HUAWEI_VID: u16 = 0x12d1;

/// A 13-byte CSW: "USBS", the CBW's tag, no residue, status 0 (passed).
fn command_status(tag: &[u8]) -> Vec<u8> {
    let mut csw = b"USBS".to_vec();
    csw.extend_from_slice(tag);
    csw.extend_from_slice(&[0, 0, 0, 0, 0]);
    csw
}
