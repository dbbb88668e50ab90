//! Profiles: which real dongle a virtual one behaves like.
//!
//! Identity strings follow the captures quoted in specs/at-commands.md §4 and §6.1;
//! the IMEI is synthetic (valid Luhn digit, not a real device's).

use modemflash_core::device::{PortRole, UsbId};

use crate::download::DownloadDevice;
use crate::{balong, qdl, qualcomm};

/// How a firmware answers a command it does not know (specs/at-commands.md §1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnknownCommand {
    /// `ERROR` (current firmware).
    Error,
    /// `COMMAND NOT SUPPORT` (older Huawei firmware).
    CommandNotSupport,
}

/// Which download protocol the stick's boot loader speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BootLoader {
    /// Huawei Balong download mode (specs/huawei-balong.md §3–§9).
    Balong,
    /// Sierra QDL boot-and-hold (specs/sierra-cwe-qdl.md §7–§12), accepting the Hello
    /// versions `min_hello..=max_hello`.
    SierraQdl {
        /// Oldest Hello version it accepts.
        min_hello: u8,
        /// Newest Hello version it accepts.
        max_hello: u8,
    },
    /// Qualcomm DMSS boot ROM, then the streaming programmer (specs/qualcomm-dload.md
    /// §3, §4).
    Qualcomm(QualcommBoot),
}

/// What a Qualcomm stick's boot ROM and programmer are like (specs/qualcomm-dload.md
/// §3.2, §4.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QualcommBoot {
    /// Where the chipset's programmer is loaded and started (§3.2 load addresses).
    pub load_address: u32,
    /// Bytes of RAM the boot ROM accepts from the load address.
    pub ram_size: u32,
    /// The flash id HELLO reports.
    pub flash_id: &'static str,
    /// The programmer's receive buffers (NUMBER_OF_PACKETS: 2 or 100).
    pub window: u16,
    /// UNFRAMED_MAX_DATA_LENGTH of the programmer build (1024 or 4096).
    pub unframed_max: u32,
}

/// A USB composition: the id a stick enumerates with and its serial interfaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Composition {
    /// The USB id.
    pub id: UsbId,
    /// Serial interfaces by interface number.
    pub ports: &'static [(u8, PortRole)],
}

/// ZTE's download composition 19d2:0016, "DIAG + AT, no CD" (specs/qualcomm-dload.md
/// §5.1, §6). The interface numbers are not in the spec: DIAG first, then AT
/// [inferred].
pub const ZTE_DOWNLOAD_COMPOSITION: Composition =
    Composition { id: UsbId::new(0x19d2, 0x0016), ports: &[(0, PortRole::Diag), (1, PortRole::Pcui)] };

/// Whether download mode checks firmware signatures (specs/huawei-balong.md §11.4, §15).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signing {
    /// Unsigned images are accepted; `^SIGNVER` is answered but not required.
    None,
    /// `^DATAMODE` is refused until `^SIGNVER` names this public-key hash (64 hex digits).
    Required {
        /// The key hash the stick trusts.
        key_hash: &'static str,
    },
}

/// Which command holds the network mode and band preferences (specs/at-commands.md §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkModeCommand {
    /// Huawei LTE sticks: `^SYSCFGEX`.
    SysCfgEx,
    /// Huawei 3G sticks: `^SYSCFG` only; `AT^SYSCFGEX=?` is an unknown command.
    SysCfg,
    /// ZTE: `+ZSNT`.
    Zsnt,
    /// None the spec knows (Sierra, Alcatel).
    None,
}

/// Everything that makes one virtual dongle different from another.
#[derive(Clone, Copy, Debug)]
pub struct Profile {
    /// Name used by `sim --profile` and the page.
    pub name: &'static str,
    /// One line for `sim --help`.
    pub description: &'static str,
    /// `+CGMI`.
    pub manufacturer: &'static str,
    /// `+CGMM`.
    pub model: &'static str,
    /// `+CGMR` and `^VERSION:EXTS`.
    pub revision: &'static str,
    /// `+CGSN`.
    pub imei: &'static str,
    /// `+CIMI` (the SIM card's IMSI); `None` plays a stick without a SIM.
    pub imsi: Option<&'static str>,
    /// `^HWVER` and `^VERSION:EXTH`.
    pub hardware: &'static str,
    /// `^VERSION:EXTD`: dashboard / WebUI version.
    pub dashboard: &'static str,
    /// `^VERSION:BDT`: build date.
    pub build_date: &'static str,
    /// USB id in normal mode.
    pub normal_id: UsbId,
    /// Serial interfaces in normal mode.
    pub normal_ports: &'static [(u8, PortRole)],
    /// The download protocol of its boot loader.
    pub boot_loader: BootLoader,
    /// Makes its boot loader's download-mode personality: one function per family, so a
    /// program that plays only some sticks (the page's virtual E3372h) carries only
    /// their boot loaders.
    pub new_download_device: fn(&'static Profile) -> Box<dyn DownloadDevice>,
    /// AT commands (upper case, without `AT`'s CR) that restart it into download mode;
    /// they are answered `OK` first.
    pub enter_download: &'static [&'static str],
    /// USB id in download mode.
    pub download_id: UsbId,
    /// Serial interfaces in download mode.
    pub download_ports: &'static [(u8, PortRole)],
    /// The `45` reply's identifier after `HUAWEI ` (the board's hardware version, §6).
    pub dload_id: &'static str,
    /// Signature checking in download mode.
    pub signing: Signing,
    /// APN profiles the stick ships with: `(cid, PDP type, APN)`.
    pub apns: &'static [(u8, &'static str, &'static str)],
    /// Its network-preference command.
    pub network_mode: NetworkModeCommand,
    /// Reply to unknown commands.
    pub unknown_command: UnknownCommand,
    /// ZTE `AT+ZCDRUN` (specs/qualcomm-dload.md §5.1, at-commands.md §6.2): the
    /// composition `=E` selects from the next power-up on, until `=F`; `None` where the
    /// firmware does not know the command.
    pub zcdrun: Option<Composition>,
}

/// Huawei E3372h-153 with stick (modem/NDIS) firmware: the most common Balong V7R22 stick.
pub const E3372H: Profile = Profile {
    name: "e3372h",
    description: "Huawei E3372h-153, stick firmware (Balong V7R22): AT with echo, ^RSSI/^MODE URCs",
    manufacturer: "huawei",
    model: "E3372",
    revision: "22.315.01.00.00",
    imei: "861000000123453",
    imsi: Some("001010123456789"),
    hardware: "CL2E3372HM Ver.A",
    dashboard: "WEBUI_17.100.13.01.03_HILINK",
    build_date: "Oct 29 2016, 10:26:44",
    normal_id: UsbId::new(0x12d1, 0x1506),
    normal_ports: &[(0, PortRole::Modem), (1, PortRole::Diag), (2, PortRole::Pcui)],
    boot_loader: BootLoader::Balong,
    new_download_device: |p| Box::new(balong::DownloadMode::new(p)),
    enter_download: &["AT^GODLOAD"],
    download_id: UsbId::new(0x12d1, 0x1c05),
    download_ports: &[(2, PortRole::Download)],
    dload_id: "CL2E3372HM",
    signing: Signing::None,
    apns: &[(1, "IP", "internet")],
    network_mode: NetworkModeCommand::SysCfgEx,
    unknown_command: UnknownCommand::Error,
    zcdrun: None,
};

/// Huawei E3131 with stick firmware: a Balong V7R1 HSPA+ stick, older firmware. It has no
/// LTE, so no `^SYSCFGEX` (its network preferences are `^SYSCFG`), and it answers unknown
/// commands with `COMMAND NOT SUPPORT` (specs/at-commands.md §1.1, §6.1).
pub const E3131: Profile = Profile {
    name: "e3131",
    description: "Huawei E3131, stick firmware (Balong V7R1, HSPA+): ^SYSCFG without ^SYSCFGEX, older AT replies",
    model: "E3131",
    revision: "21.158.13.00.209",
    imei: "861000000234565",
    hardware: "CH1E3131SM Ver.A",
    dashboard: "UTPS21.005.11.10.209_MAC21.005.11.08.209",
    build_date: "Mar 27 2013, 16:41:58",
    dload_id: "CH1E3131SM",
    network_mode: NetworkModeCommand::SysCfg,
    unknown_command: UnknownCommand::CommandNotSupport,
    ..E3372H
};

/// The public-key hash the signed virtual stick trusts (synthetic, not a Huawei key).
pub const TEST_KEY_HASH: &str = "5A3C1E0F9B8D7A6C5B4E3D2C1B0A99887766554433221100FFEEDDCCBBAA9988";

/// The same stick with a newer bootloader that insists on `^SIGNVER` before `^DATAMODE`.
pub const E3372H_SIGNED: Profile = Profile {
    name: "e3372h-signed",
    description: "Huawei E3372h-153 with a bootloader that requires ^SIGNVER before ^DATAMODE",
    signing: Signing::Required { key_hash: TEST_KEY_HASH },
    ..E3372H
};

/// Sierra Wireless MC7455 (9X30, "MC7710-class" QDL version 6, §9 step 4): AT!BOOTHOLD
/// into boot-and-hold, USB ids and port roles of at-commands.md §6.3 and
/// sierra-cwe-qdl.md §7.2. The Balong-only fields are empty.
pub const MC7455: Profile = Profile {
    name: "mc7455",
    description: "Sierra Wireless MC7455 (9X30): AT!BOOTHOLD into QDL boot-and-hold, CWE/SPK/NVU images",
    manufacturer: "Sierra Wireless, Incorporated",
    model: "MC7455",
    revision: "SWI9X30C_02.24.05.06 r7040 CARMD-EV-FRMWR2 2017/05/19 06:23:09",
    imei: "359072060000128",
    imsi: Some("001010123456789"),
    hardware: "1.0",
    dashboard: "",
    build_date: "2017/05/19 06:23:09",
    normal_id: UsbId::new(0x1199, 0x9071),
    normal_ports: &[(0, PortRole::Diag), (2, PortRole::Nmea), (3, PortRole::Pcui)],
    boot_loader: BootLoader::SierraQdl { min_hello: 6, max_hello: 6 },
    new_download_device: qdl_device,
    enter_download: &["AT!BOOTHOLD"],
    download_id: UsbId::new(0x1199, 0x9070),
    download_ports: &[(0, PortRole::Download)],
    dload_id: "",
    signing: Signing::None,
    apns: &[(1, "IPV4V6", "internet")],
    network_mode: NetworkModeCommand::None,
    unknown_command: UnknownCommand::Error,
    zcdrun: None,
};

/// An older, Gobi-2000-class Sierra module that speaks only QDL version 5 (§9 step 4),
/// so the client must walk past version 4's refusal.
pub const MC8355: Profile = Profile {
    name: "mc8355",
    description: "Sierra Wireless Gobi-class module (9X15) with QDL version 5 only",
    model: "MC8355",
    revision: "SWI9X15C_05.05.58.00 r00000 carmd-fwbuild1 2015/06/10 00:00:00",
    imei: "359072060000235",
    normal_id: UsbId::new(0x1199, 0x68a2),
    boot_loader: BootLoader::SierraQdl { min_hello: 5, max_hello: 5 },
    download_id: UsbId::new(0x1199, 0x68a8),
    ..MC7455
};

/// ZTE MF626-like HSPA stick (Qualcomm MSM7200A class, NPRG load address 0x00100000 as
/// for NPRG8200/9x00, specs/qualcomm-dload.md §3.2): DMSS download mode is the ZTE
/// download device 19d2:0076 (§5.1, §6).
pub const ZTE_MF626: Profile = Profile {
    name: "zte-mf626",
    description: "ZTE MF626-like HSPA stick (Qualcomm): AT + DIAG port, DMSS download, streaming programmer (window 100, 4 KiB unframed)",
    manufacturer: "ZTE CORPORATION",
    model: "MF626",
    revision: "BD_P673A2V1.0.0B09",
    imei: "354000000123459",
    imsi: Some("001010123456789"),
    hardware: "MF626-1.0.0",
    dashboard: "",
    build_date: "Mar 12 2009, 11:02:37",
    normal_id: UsbId::new(0x19d2, 0x0031),
    normal_ports: &[(0, PortRole::Diag), (1, PortRole::Nmea), (2, PortRole::Pcui), (3, PortRole::Modem)],
    new_download_device: qualcomm_device,
    boot_loader: BootLoader::Qualcomm(QualcommBoot {
        load_address: 0x0010_0000,
        ram_size: 0x0010_0000,
        flash_id: "NAND 128MiB",
        window: 100,
        unframed_max: 4096,
    }),
    enter_download: &[],
    download_id: UsbId::new(0x19d2, 0x0076),
    download_ports: &[(0, PortRole::Download)],
    dload_id: "",
    signing: Signing::None,
    apns: &[(1, "IP", "internet")],
    network_mode: NetworkModeCommand::Zsnt,
    unknown_command: UnknownCommand::Error,
    zcdrun: Some(ZTE_DOWNLOAD_COMPOSITION),
};

/// Alcatel X020-like HSPA stick (Longcheer firmware, 1c9e:6061, specs/qualcomm-dload.md
/// §5.2) with the 2015-style programmer: window 2, 1 KiB unframed maximum. Its download
/// device shows the generic Qualcomm id [inferred: no public Alcatel download id].
pub const ALCATEL_X020: Profile = Profile {
    name: "alcatel-x020",
    description:
        "Alcatel X020-like HSPA stick (Qualcomm): AT + DIAG port, DMSS download, streaming programmer (window 2, 1 KiB)",
    manufacturer: "ALCATEL",
    model: "X020",
    revision: "C1800000",
    imei: "356000000123454",
    imsi: None,
    hardware: "X020-A",
    dashboard: "",
    build_date: "Jun 02 2010, 09:41:12",
    normal_id: UsbId::new(0x1c9e, 0x6061),
    normal_ports: &[(0, PortRole::Diag), (2, PortRole::Modem), (3, PortRole::Pcui)],
    new_download_device: qualcomm_device,
    boot_loader: BootLoader::Qualcomm(QualcommBoot {
        load_address: 0x0080_0000,
        ram_size: 0x0008_0000,
        flash_id: "NAND 64MiB",
        window: 2,
        unframed_max: 1024,
    }),
    enter_download: &[],
    download_id: UsbId::new(0x05c6, 0x9008),
    download_ports: &[(0, PortRole::Download)],
    dload_id: "",
    signing: Signing::None,
    apns: &[(1, "IP", "internet")],
    network_mode: NetworkModeCommand::None,
    unknown_command: UnknownCommand::Error,
    zcdrun: None,
};

/// Novatel HSPA stick (Qualcomm MSM, specs/qualcomm-dload.md §5.3): normal id 1410:4400
/// (one of the ids usb_modeswitch switches 1410:5010 to), AT on the modem port and a DM
/// port. The spec only presumes the DMSS + streaming path for these sticks; the port
/// layout, the programmer's chipset and the generic Qualcomm download id are
/// [inferred].
pub const NOVATEL_MC950D: Profile = Profile {
    name: "novatel-mc950d",
    description:
        "Novatel MC950D-like HSPA stick (Qualcomm): AT on the modem port, DM port, DMSS download, streaming programmer",
    manufacturer: "Novatel Wireless Incorporated",
    model: "MC950D",
    revision: "Q6085BDRAGONFLY_V108 [2008-06-05 13:47:00]",
    imei: "012345678901237",
    imsi: Some("001010123456789"),
    hardware: "1.0",
    dashboard: "",
    build_date: "Jun 05 2008, 13:47:00",
    normal_id: UsbId::new(0x1410, 0x4400),
    normal_ports: &[(0, PortRole::Pcui), (1, PortRole::Diag)],
    download_id: UsbId::new(0x05c6, 0x9008),
    ..ALCATEL_X020
};

/// Huawei E1550, a Qualcomm-era stick with firmware 11.x (specs/qualcomm-dload.md §5.4):
/// not Balong, so no `^GODLOAD`; `AT$QCDMG` then DIAG `3A` into DMSS. Normal id 12d1:1001
/// (a usb_modeswitch target of 12d1:1446, huawei-balong.md §13.3); older Huawei firmware
/// answers unknown commands `COMMAND NOT SUPPORT` (at-commands.md §1.1). Port layout and
/// the download id (the generic Qualcomm one) are [inferred].
pub const HUAWEI_E1550: Profile = Profile {
    name: "huawei-e1550",
    description: "Huawei E1550 (Qualcomm era, firmware 11.x): AT + DIAG port, AT$QCDMG + 3A into DMSS download",
    manufacturer: "huawei",
    model: "E1550",
    revision: "11.608.13.02.00",
    imei: "353000000123450",
    imsi: Some("001010123456789"),
    hardware: "CD1E1550M",
    dashboard: "",
    build_date: "Sep 21 2009, 16:02:11",
    normal_id: UsbId::new(0x12d1, 0x1001),
    normal_ports: &[(0, PortRole::Modem), (1, PortRole::Diag), (2, PortRole::Pcui)],
    boot_loader: BootLoader::Qualcomm(QualcommBoot {
        load_address: 0x0010_0000,
        ram_size: 0x0010_0000,
        flash_id: "NAND 64MiB",
        window: 100,
        unframed_max: 4096,
    }),
    download_id: UsbId::new(0x05c6, 0x9008),
    network_mode: NetworkModeCommand::SysCfg,
    unknown_command: UnknownCommand::CommandNotSupport,
    ..ALCATEL_X020
};

/// Huawei E220 (Qualcomm MSM6280, firmware 11.x): a HuaweiMode stick that starts as a
/// virtual CD-ROM at 12d1:1003 and keeps that id in modem mode (huawei-balong.md §13.3),
/// for `sim --start-in zero-cd`. Its ports follow ModemManager's rule that interface 0
/// is the modem port, the PCUI next [inferred]; its download mode is the generic Qualcomm
/// one (qualcomm-dload.md §5.4) at the generic id [inferred: no public E220 download id].
pub const E220: Profile = Profile {
    name: "e220",
    description: "Huawei E220 (Qualcomm MSM6280): starts as a CD-ROM that HuaweiMode (SET_FEATURE) switches",
    manufacturer: "huawei",
    model: "E220",
    revision: "11.117.10.02.00",
    imei: "353000000123458",
    imsi: Some("001010123456789"),
    hardware: "CD1E220M",
    dashboard: "",
    build_date: "Jan 24 2008, 10:04:13",
    normal_id: UsbId::new(0x12d1, 0x1003),
    normal_ports: &[(0, PortRole::Modem), (1, PortRole::Pcui)],
    download_id: UsbId::new(0x05c6, 0x9008),
    network_mode: NetworkModeCommand::SysCfg,
    zcdrun: None,
    ..ZTE_MF626
};

/// Every profile, for `sim --help` and the page's virtual modem.
pub const PROFILES: &[Profile] =
    &[E3372H, E3372H_SIGNED, E3131, MC7455, MC8355, ZTE_MF626, ALCATEL_X020, NOVATEL_MC950D, HUAWEI_E1550, E220];

/// Sierra QDL boot-and-hold accepting the profile's Hello versions.
fn qdl_device(p: &'static Profile) -> Box<dyn DownloadDevice> {
    match p.boot_loader {
        BootLoader::SierraQdl { min_hello, max_hello } => Box::new(qdl::DownloadMode::new(p, min_hello..=max_hello)),
        _ => unreachable!("qdl_device is set on Sierra profiles only"),
    }
}

/// The Qualcomm DMSS boot ROM and streaming programmer of the profile's chipset.
fn qualcomm_device(p: &'static Profile) -> Box<dyn DownloadDevice> {
    match p.boot_loader {
        BootLoader::Qualcomm(boot) => Box::new(qualcomm::DownloadMode::new(boot)),
        _ => unreachable!("qualcomm_device is set on Qualcomm profiles only"),
    }
}

/// A profile by name.
pub fn by_name(name: &str) -> Option<&'static Profile> {
    PROFILES.iter().find(|p| p.name.eq_ignore_ascii_case(name))
}

impl Profile {
    /// A fresh download-mode personality for this stick.
    pub fn download_device(&'static self) -> Box<dyn DownloadDevice> {
        (self.new_download_device)(self)
    }

    /// Whether its boot loader is Qualcomm's: its firmware has a DIAG port and
    /// `AT$QCDMG` (specs/qualcomm-dload.md §2.1).
    pub fn is_qualcomm(&self) -> bool {
        matches!(self.boot_loader, BootLoader::Qualcomm(_))
    }

    /// Whether it is a Huawei Balong stick, whose boot ROM takes a usbloader
    /// (specs/huawei-balong.md §14).
    pub fn is_balong(&self) -> bool {
        matches!(self.boot_loader, BootLoader::Balong)
    }

    /// The interface number that plays `role` in normal mode.
    pub fn interface(&self, role: PortRole) -> Option<u8> {
        self.normal_ports.iter().find(|(_, r)| *r == role).map(|(i, _)| *i)
    }
}
