//! The catalogue of known dongles: one row per product and mode.
//!
//! Facts come from the family specs (USB ids in specs/huawei-balong.md §13, port roles
//! in §13.2 and at-commands.md; Sierra ids in at-commands.md §6.3 and
//! sierra-cwe-qdl.md §7.2; Qualcomm, ZTE, Alcatel and Novatel ids in
//! specs/qualcomm-dload.md §5, §6). Adding a dongle is adding a row.

use serde::Serialize;

use super::{PortRole, UsbId};

/// What a dongle is doing, as told by its USB id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Virtual CD-ROM only (ZeroCD); the operating system must switch it.
    ZeroCd,
    /// Normal firmware: AT, data and diagnostics ports.
    Normal,
    /// Download mode (Balong dload, Qualcomm DMSS, Sierra QDL).
    Download,
    /// Boot ROM emergency mode.
    BootRom,
}

/// One known USB identity of one product family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The id it enumerates with in this mode.
    pub id: UsbId,
    /// Products that use it, for people.
    pub products: &'static str,
    /// The mode this id means.
    pub mode: Mode,
    /// Serial interfaces by interface number, where known.
    pub ports: &'static [(u8, PortRole)],
}

/// The rows. Where an id means different things on different products (12d1:1c05 is
/// both the Balong download port and the E173s modem id, §13.1), the id alone does not
/// decide: [`super::probe`] asks the port.
pub const ENTRIES: &[Entry] = &[
    Entry { id: UsbId::new(0x12d1, 0x1f01), products: "Huawei E3372, E8372, E353", mode: Mode::ZeroCd, ports: &[] },
    Entry { id: UsbId::new(0x12d1, 0x1446), products: HUAWEI_E1550_CD, mode: Mode::ZeroCd, ports: &[] },
    Entry { id: UsbId::new(0x12d1, 0x14fe), products: "Huawei E352, E173s", mode: Mode::ZeroCd, ports: &[] },
    Entry { id: UsbId::new(0x12d1, 0x1c0b), products: "Huawei E173s", mode: Mode::ZeroCd, ports: &[] },
    Entry { id: UsbId::new(0x12d1, 0x1505), products: "Huawei EC156, E372u-8", mode: Mode::ZeroCd, ports: &[] },
    Entry { id: UsbId::new(0x12d1, 0x1f11), products: "Huawei K3773", mode: Mode::ZeroCd, ports: &[] },
    Entry { id: UsbId::new(0x12d1, 0x1da1), products: "Huawei ET8282, ET127", mode: Mode::ZeroCd, ports: &[] },
    // HuaweiMode sticks keep their id after the switch; only the interface classes change
    // (§13.3), so [`super::detect::mode`] reads the classes to tell the modes apart.
    Entry { id: UsbId::new(0x12d1, 0x1001), products: "Huawei E169", mode: Mode::ZeroCd, ports: &[] },
    Entry { id: UsbId::new(0x12d1, 0x1003), products: "Huawei E220, E230, E270, E870", mode: Mode::ZeroCd, ports: &[] },
    Entry {
        id: UsbId::new(0x12d1, 0x1506),
        products: "Huawei E3372h, E3276, E3131 (stick firmware)",
        mode: Mode::Normal,
        ports: &[(0, PortRole::Modem), (1, PortRole::Diag), (2, PortRole::Pcui)],
    },
    Entry {
        id: UsbId::new(0x12d1, 0x1c05),
        products: "Huawei Balong sticks in download mode",
        mode: Mode::Download,
        ports: &[(2, PortRole::Download)],
    },
    Entry {
        id: UsbId::new(0x12d1, 0x1442),
        products: "Huawei Balong sticks in download mode",
        mode: Mode::Download,
        ports: &[(0, PortRole::Download)],
    },
    Entry {
        id: UsbId::new(0x12d1, 0x1443),
        products: "Huawei Balong boot ROM",
        mode: Mode::BootRom,
        ports: &[(0, PortRole::BootRom)],
    },
    Entry {
        id: UsbId::new(0x12d1, 0x1001),
        products: "Huawei E1550, E169 (Qualcomm era, firmware 11.x)",
        mode: Mode::Normal,
        // usb_modeswitch's target of 12d1:1446 (huawei-balong.md §13.3); the
        // interface roles follow the Balong sticks' order [inferred].
        ports: &[(0, PortRole::Modem), (1, PortRole::Diag), (2, PortRole::Pcui)],
    },
    Entry {
        id: UsbId::new(0x1199, 0x9071),
        products: "Sierra Wireless MC7455, MC7430 (9X30)",
        mode: Mode::Normal,
        ports: &[(0, PortRole::Diag), (2, PortRole::Nmea), (3, PortRole::Pcui)],
    },
    Entry {
        id: UsbId::new(0x1199, 0x9091),
        products: "Sierra Wireless EM7565",
        mode: Mode::Normal,
        ports: &[(0, PortRole::Diag), (2, PortRole::Nmea), (3, PortRole::Pcui)],
    },
    Entry {
        id: UsbId::new(0x1199, 0x68a2),
        products: "Sierra Wireless MC7710, MC8355-class (9X15)",
        mode: Mode::Normal,
        ports: &[(0, PortRole::Diag), (2, PortRole::Nmea), (3, PortRole::Pcui)],
    },
    Entry { id: UsbId::new(0x1199, 0x68a4), products: SIERRA_QDL, mode: Mode::Download, ports: SIERRA_QDL_PORT },
    Entry { id: UsbId::new(0x1199, 0x68a8), products: SIERRA_QDL, mode: Mode::Download, ports: SIERRA_QDL_PORT },
    Entry { id: UsbId::new(0x1199, 0x9010), products: SIERRA_QDL, mode: Mode::Download, ports: SIERRA_QDL_PORT },
    Entry { id: UsbId::new(0x1199, 0x9012), products: SIERRA_QDL, mode: Mode::Download, ports: SIERRA_QDL_PORT },
    Entry { id: UsbId::new(0x1199, 0x9014), products: SIERRA_QDL, mode: Mode::Download, ports: SIERRA_QDL_PORT },
    Entry { id: UsbId::new(0x1199, 0x9018), products: SIERRA_QDL, mode: Mode::Download, ports: SIERRA_QDL_PORT },
    Entry {
        id: UsbId::new(0x1199, 0x9070),
        products: "Sierra Wireless 9X30 modules in boot-and-hold (QDL)",
        mode: Mode::Download,
        ports: SIERRA_QDL_PORT,
    },
    Entry { id: UsbId::new(0x19d2, 0x2000), products: "ZTE MF-series sticks", mode: Mode::ZeroCd, ports: &[] },
    Entry {
        id: UsbId::new(0x19d2, 0x0031),
        products: "ZTE MF626, MF636 (Qualcomm)",
        mode: Mode::Normal,
        // ModemManager has no DIAG hints for ZTE: the DIAG port is the remaining vendor
        // interface (at-commands.md §6.6) [inferred].
        ports: &[(0, PortRole::Diag), (1, PortRole::Nmea), (2, PortRole::Pcui), (3, PortRole::Modem)],
    },
    Entry {
        id: UsbId::new(0x19d2, 0x0016),
        products: "ZTE sticks in download composition (AT+ZCDRUN=E): DIAG + AT, no modem port",
        mode: Mode::Normal,
        // DIAG + AT (specs/qualcomm-dload.md §5.1); the interface numbers are not
        // published: DIAG first, then AT [inferred].
        ports: &[(0, PortRole::Diag), (1, PortRole::Pcui)],
    },
    Entry {
        id: UsbId::new(0x19d2, 0x0076),
        products: "ZTE sticks in Qualcomm DMSS download mode",
        mode: Mode::Download,
        ports: &[(0, PortRole::Download)],
    },
    Entry {
        id: UsbId::new(0x1bbb, 0xf000),
        products: "Alcatel X200, X060S, X220L, L100V",
        mode: Mode::ZeroCd,
        ports: &[],
    },
    Entry {
        id: UsbId::new(0x1bbb, 0x0000),
        products: "Alcatel X060S, X200 (Qualcomm; AT+GMR starts C or L)",
        mode: Mode::Normal,
        ports: &[(3, PortRole::Pcui)],
    },
    Entry {
        id: UsbId::new(0x1c9e, 0x6061),
        products: "Alcatel X020 (Longcheer, Qualcomm)",
        mode: Mode::Normal,
        ports: &[(0, PortRole::Diag), (2, PortRole::Modem), (3, PortRole::Pcui)],
    },
    Entry { id: UsbId::new(0x1410, 0x5010), products: "Novatel sticks", mode: Mode::ZeroCd, ports: &[] },
    Entry {
        id: UsbId::new(0x1410, 0x4100),
        products: "Novatel HSPA sticks (Qualcomm)",
        mode: Mode::Normal,
        ports: &[],
    },
    Entry {
        id: UsbId::new(0x1410, 0x4400),
        products: "Novatel HSPA sticks (Qualcomm)",
        mode: Mode::Normal,
        // AT on the modem port, then the DM port (`AT$NWDMAT=1` would make it AT too,
        // at-commands.md §6.5) [inferred].
        ports: &[(0, PortRole::Pcui), (1, PortRole::Diag)],
    },
    Entry {
        id: UsbId::new(0x1410, 0x7030),
        products: "Novatel HSPA sticks (Qualcomm)",
        mode: Mode::Normal,
        ports: &[],
    },
    Entry {
        id: UsbId::new(0x05c6, 0x9008),
        products: "Qualcomm download mode (DMSS on HSPA-era chips, Sahara on newer ones: the port is probed)",
        mode: Mode::Download,
        ports: &[(0, PortRole::Download)],
    },
];

/// The E1550 generation's CD-ROM id, shared by many rebrands (§13.3).
const HUAWEI_E1550_CD: &str = "Huawei E1550, E173, E1750 and rebrands";

/// Sierra QDL ids of qcserial (specs/sierra-cwe-qdl.md §7.2).
const SIERRA_QDL: &str = "Sierra Wireless modules in boot-and-hold (QDL)";

/// A QDL device has exactly one interface (§7.2).
const SIERRA_QDL_PORT: &[(u8, PortRole)] = &[(0, PortRole::Download)];

/// The catalogue rows for `id`.
pub fn lookup(id: UsbId) -> impl Iterator<Item = &'static Entry> {
    ENTRIES.iter().filter(move |e| e.id == id)
}
