//! Leaving ZeroCD (virtual CD-ROM) mode: how each dongle is switched to modem mode
//! (specs/huawei-balong.md §13.3, qualcomm-dload.md §5.2–§5.3, web-platform.md §5.1).
//!
//! Most dongles switch on a command sent to their Mass Storage interface. That class is
//! protected in WebUSB, so only the operating system can send it (usb_modeswitch, the
//! vendor's Windows driver package, ChromeOS's `mist`). The E169/E220 generation and the
//! ET8282 switch on a standard control request to the device instead ("HuaweiMode"),
//! which needs no interface claim, so the page can send that one itself.

use super::UsbId;

/// How a dongle in CD-ROM mode is switched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// A command written to the Mass Storage interface's bulk OUT endpoint (Huawei's
    /// vendor CBW "HuaweiNewMode", Alcatel's `06 F5`, a SCSI eject): only the operating
    /// system can send it.
    StorageCommand,
    /// "HuaweiMode": [`HUAWEI_MODE`], a device-recipient control request.
    HuaweiMode,
}

impl Method {
    /// The control request that switches the dongle, when a page may send one.
    pub fn control_request(self) -> Option<ControlRequest> {
        match self {
            Method::StorageCommand => None,
            Method::HuaweiMode => Some(HUAWEI_MODE),
        }
    }
}

/// A USB control request's setup packet (without data stage: none of ours has one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ControlRequest {
    /// `bmRequestType`: direction, type (standard/class/vendor) and recipient.
    pub request_type: u8,
    /// `bRequest`.
    pub request: u8,
    /// `wValue`.
    pub value: u16,
    /// `wIndex`.
    pub index: u16,
}

impl ControlRequest {
    /// `bmRequestType` bits 0–4: 0 is the device.
    pub fn to_device(self) -> bool {
        self.request_type & 0x1f == 0
    }

    /// `bmRequestType` bits 5–6: 0 is a standard request.
    pub fn is_standard(self) -> bool {
        (self.request_type >> 5) & 0x03 == 0
    }
}

/// HuaweiMode: SET_FEATURE (0x03) to the device, wValue 1, wIndex 0, no data (§13.3).
pub const HUAWEI_MODE: ControlRequest = ControlRequest { request_type: 0x00, request: 0x03, value: 1, index: 0 };

/// HuaweiNewMode's 31-byte Mass-Storage CBW for bulk OUT endpoint 0x01 of interface 0
/// (§13.3): "USBC", tag 0x12345678, no data, LUN 0, a 17-byte CDB starting `06 20`.
pub const HUAWEI_NEW_MODE_CBW: [u8; 31] = [
    0x55, 0x53, 0x42, 0x43, 0x12, 0x34, 0x56, 0x78, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11, 0x06, 0x20, 0x00, 0x00,
    0x01, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
];

/// One CD-ROM id and how it leaves CD-ROM mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Switch {
    /// The id in CD-ROM mode.
    pub id: UsbId,
    /// How it is switched.
    pub method: Method,
    /// The ids it may come back with in modem mode (the same id for the E169/E220).
    pub targets: &'static [UsbId],
}

const fn huawei(pid: u16) -> UsbId {
    UsbId::new(0x12d1, pid)
}

/// The switch table (§13.3 and the usb_modeswitch facts of qualcomm-dload.md §5).
/// Adding a dongle is adding a row; its CD-ROM id also gets a `Mode::ZeroCd` row in
/// [`super::catalogue`].
pub const SWITCHES: &[Switch] = &[
    Switch {
        id: huawei(0x1f01),
        method: Method::StorageCommand,
        targets: &[huawei(0x14db), huawei(0x14dc), huawei(0x1506)],
    },
    Switch {
        id: huawei(0x1446),
        method: Method::StorageCommand,
        targets: &[
            huawei(0x1001),
            huawei(0x1404),
            huawei(0x1406),
            huawei(0x140b),
            huawei(0x140c),
            huawei(0x1412),
            huawei(0x1417),
            huawei(0x141b),
            huawei(0x1429),
            huawei(0x1432),
            huawei(0x1433),
            huawei(0x1436),
            huawei(0x14ac),
            huawei(0x1506),
            huawei(0x150c),
            huawei(0x1511),
        ],
    },
    Switch {
        id: huawei(0x14fe),
        method: Method::StorageCommand,
        targets: &[huawei(0x1506), huawei(0x150f), huawei(0x151d), huawei(0x1c1e)],
    },
    Switch {
        id: huawei(0x1c0b),
        method: Method::StorageCommand,
        targets: &[huawei(0x1c05), huawei(0x1c06), huawei(0x1c07), huawei(0x1c08), huawei(0x1c10)],
    },
    Switch {
        id: huawei(0x1505),
        method: Method::StorageCommand,
        targets: &[huawei(0x140b), huawei(0x140c), huawei(0x1506), huawei(0x150f), huawei(0x150a)],
    },
    Switch { id: huawei(0x1f11), method: Method::StorageCommand, targets: &[huawei(0x14bc)] },
    Switch { id: huawei(0x1001), method: Method::HuaweiMode, targets: &[huawei(0x1001)] },
    Switch { id: huawei(0x1003), method: Method::HuaweiMode, targets: &[huawei(0x1003)] },
    Switch { id: huawei(0x1da1), method: Method::HuaweiMode, targets: &[huawei(0x1d09)] },
    // ZTE: the spec names the CD-ROM id only, not its message or targets.
    Switch { id: UsbId::new(0x19d2, 0x2000), method: Method::StorageCommand, targets: &[] },
    Switch {
        id: UsbId::new(0x1bbb, 0xf000),
        method: Method::StorageCommand,
        targets: &[
            UsbId::new(0x1bbb, 0x0000),
            UsbId::new(0x1bbb, 0x0017),
            UsbId::new(0x1bbb, 0x00b7),
            UsbId::new(0x1bbb, 0x011e),
            UsbId::new(0x1bbb, 0x0191),
            UsbId::new(0x1bbb, 0x0195),
        ],
    },
    Switch {
        id: UsbId::new(0x1410, 0x5010),
        method: Method::StorageCommand,
        targets: &[UsbId::new(0x1410, 0x4100), UsbId::new(0x1410, 0x4400), UsbId::new(0x1410, 0x7030)],
    },
];

/// How the dongle showing `id` in CD-ROM mode is switched, when the table knows it.
pub fn lookup(id: UsbId) -> Option<&'static Switch> {
    SWITCHES.iter().find(|s| s.id == id)
}

/// The row of a dongle whose modem-mode id is `target`, for a device model that needs
/// its CD-ROM personality (the first row that lists it).
pub fn leading_to(target: UsbId) -> Option<&'static Switch> {
    SWITCHES.iter().find(|s| s.targets.contains(&target))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::catalogue::{self, Mode};

    #[test]
    fn every_switch_row_has_a_cd_rom_row_in_the_catalogue() {
        for s in SWITCHES {
            assert!(catalogue::lookup(s.id).any(|e| e.mode == Mode::ZeroCd), "{} has no CD-ROM row", s.id);
        }
    }

    #[test]
    fn only_huawei_mode_sticks_can_be_switched_by_a_page() {
        let e220 = lookup(UsbId::new(0x12d1, 0x1003)).unwrap();
        assert_eq!(e220.method.control_request(), Some(HUAWEI_MODE));
        assert!(HUAWEI_MODE.to_device() && HUAWEI_MODE.is_standard());
        assert_eq!(lookup(UsbId::new(0x12d1, 0x1da1)).unwrap().targets, &[UsbId::new(0x12d1, 0x1d09)]);
        assert_eq!(lookup(UsbId::new(0x12d1, 0x1f01)).unwrap().method.control_request(), None);
        assert_eq!(leading_to(UsbId::new(0x12d1, 0x1506)).unwrap().id, UsbId::new(0x12d1, 0x1f01));
    }

    #[test]
    fn the_huawei_new_mode_cbw_is_a_mass_storage_command_block_wrapper() {
        assert_eq!(&HUAWEI_NEW_MODE_CBW[..4], b"USBC");
        assert_eq!(HUAWEI_NEW_MODE_CBW[14], 0x11, "CB length");
        assert_eq!(&HUAWEI_NEW_MODE_CBW[15..17], &[0x06, 0x20], "Huawei's vendor SCSI opcode");
    }
}
