//! Known dongles and identification of what answers on a port.
//!
//! [`catalogue`] is a `const` table of USB ids per mode; [`detect`] reads the mode from
//! an id and its interface classes; [`mode_switch`] says how a CD-ROM dongle is switched;
//! [`driver`] explains an interface the operating system holds; [`probe`] asks a port
//! what it speaks and, in AT mode, who the modem is.

pub mod catalogue;
pub mod chipset;
pub mod detect;
pub mod driver;
pub mod interface;
pub mod mode_switch;
pub mod probe;

use core::fmt;

use serde::Serialize;

/// A USB vendor:product id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct UsbId {
    /// Vendor id (`idVendor`).
    pub vid: u16,
    /// Product id (`idProduct`).
    pub pid: u16,
}

impl UsbId {
    /// The id `vid:pid`.
    pub const fn new(vid: u16, pid: u16) -> Self {
        UsbId { vid, pid }
    }

    /// The vendor's name, when it is one of the modem vendors we know.
    pub fn vendor(self) -> Option<Vendor> {
        Vendor::ALL.iter().copied().find(|v| v.usb_vendor_id() == self.vid)
    }
}

impl fmt::Display for UsbId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04x}:{:04x}", self.vid, self.pid)
    }
}

/// The modem vendors whose dongles this tool knows, with their USB vendor ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Vendor {
    /// Huawei, 0x12d1.
    Huawei,
    /// ZTE, 0x19d2.
    Zte,
    /// Sierra Wireless, 0x1199.
    Sierra,
    /// Alcatel / TCL, 0x1bbb.
    Alcatel,
    /// Novatel Wireless, 0x1410.
    Novatel,
    /// Qualcomm (download and boot-ROM modes of many sticks), 0x05c6.
    Qualcomm,
}

impl Vendor {
    /// Every known vendor, in the order the chooser filter lists them.
    pub const ALL: [Vendor; 6] =
        [Vendor::Huawei, Vendor::Zte, Vendor::Sierra, Vendor::Alcatel, Vendor::Novatel, Vendor::Qualcomm];

    /// The USB vendor id.
    pub const fn usb_vendor_id(self) -> u16 {
        match self {
            Vendor::Huawei => 0x12d1,
            Vendor::Zte => 0x19d2,
            Vendor::Sierra => 0x1199,
            Vendor::Alcatel => 0x1bbb,
            Vendor::Novatel => 0x1410,
            Vendor::Qualcomm => 0x05c6,
        }
    }

    /// The name people know.
    pub const fn name(self) -> &'static str {
        match self {
            Vendor::Huawei => "Huawei",
            Vendor::Zte => "ZTE",
            Vendor::Sierra => "Sierra Wireless",
            Vendor::Alcatel => "Alcatel / TCL",
            Vendor::Novatel => "Novatel",
            Vendor::Qualcomm => "Qualcomm",
        }
    }
}

/// What one serial interface of a dongle is for (specs/huawei-balong.md §13.2,
/// at-commands.md §6.3, §6.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PortRole {
    /// The AT command port (Huawei PCUI, "AT secondary"): the one to talk to.
    Pcui,
    /// The PPP data port; answers AT too unless a data call holds it.
    Modem,
    /// Qualcomm DIAG / DM: binary HDLC, silent to AT.
    Diag,
    /// GPS NMEA sentences.
    Nmea,
    /// Huawei Balong download port.
    Download,
    /// A boot ROM emergency port.
    BootRom,
}

impl PortRole {
    /// How the device card names it.
    pub const fn label(self) -> &'static str {
        match self {
            PortRole::Pcui => "AT command port (PCUI)",
            PortRole::Modem => "data (modem) port",
            PortRole::Diag => "diagnostics (DIAG) port",
            PortRole::Nmea => "GPS (NMEA) port",
            PortRole::Download => "download port",
            PortRole::BootRom => "boot ROM port",
        }
    }
}
