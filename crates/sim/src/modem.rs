//! Normal (modem) mode: the AT side of a dongle's firmware.
//!
//! Each serial interface is its own AT channel with its own echo and error settings,
//! as on real firmware. Replies follow V.250 verbose format (specs/at-commands.md §1):
//! echo first (the characters as received), then one burst with `\r\n<line>\r\n` per
//! information line and the final result code. The PCUI port also sends unsolicited
//! `^RSSI`/`^MODE` lines (§3): periodically, between the lines of multi-line replies,
//! and right after a final `OK`, with the `\r\r\n` ending Huawei uses, until `AT^CURC=0`.
//! The DIAG port is silent to AT, like the real one; on a Qualcomm stick it speaks DIAG
//! (crate::diag), and `AT$QCDMG` turns an AT port into a DIAG port until the next reset
//! (specs/qualcomm-dload.md §2.1). Huawei `^` commands and URCs belong to Huawei
//! firmware only.

use std::collections::BTreeMap;

use modemflash_core::device::PortRole;

use crate::diag::DiagPort;
pub use crate::nv::PdpContext;
use crate::nv::{NetworkPrefs, NvSettings};
use crate::profile::{BootLoader, Profile, UnknownCommand};

/// The longest command line the firmware buffers; longer lines are dropped unanswered.
const MAX_COMMAND_LINE: usize = 512;

/// ZTE's `AT+ZCDRUN` settings, kept in NV across restarts (specs/qualcomm-dload.md
/// §5.1): the firmware keeps them as flag files (AUTORUN.FLG, NODOWNLOAD.FLG).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZteNv {
    /// The CD-ROM's autorun (`=8` off, `=9` on).
    pub autorun: bool,
    /// The download composition 19d2:0016 from the next power-up on (`=E` on, `=F` off).
    pub download_composition: bool,
}

impl ZteNv {
    /// As the stick leaves the factory: autorun on, the normal composition.
    pub const FACTORY: ZteNv = ZteNv { autorun: true, download_composition: false };
}

/// What the firmware sends back for some received bytes.
#[derive(Debug, Default)]
pub struct Received {
    /// The characters echoed as they arrived (empty with echo off).
    pub echo: Vec<u8>,
    /// One burst per completed command line.
    pub replies: Vec<Vec<u8>>,
    /// `AT^GODLOAD` or DIAG `3A` was accepted: the stick reboots into download mode.
    pub enter_download: bool,
}

/// Per-interface AT settings.
#[derive(Debug)]
struct Channel {
    role: PortRole,
    line: Vec<u8>,
    overflow: bool,
    echo: bool,
    cmee: u8,
    /// Set while the channel speaks DIAG instead of AT.
    diag: Option<DiagPort>,
}

/// How a command ended.
enum Outcome {
    Ok(Vec<String>),
    Error,
    Cme(u16),
    /// `COMMAND NOT SUPPORT`, older Huawei firmware's answer to an unknown command.
    NotSupported,
}

/// The AT personality of the normal-mode firmware.
#[derive(Debug)]
pub struct NormalMode {
    profile: &'static Profile,
    revision: String,
    channels: BTreeMap<u8, Channel>,
    nv: NvSettings,
    urcs_enabled: bool,
    replies: u32,
    rssi: u8,
    zte: ZteNv,
}

impl NormalMode {
    /// Fresh from power-on: echo on, `+CMEE=0`, URCs on, running firmware `revision`
    /// with the settings stored in `nv` and the ZTE settings `zte`, on the serial
    /// interfaces `ports` of the composition it enumerated with.
    pub fn new(
        profile: &'static Profile,
        ports: &'static [(u8, PortRole)],
        revision: String,
        nv: NvSettings,
        zte: ZteNv,
    ) -> Self {
        let channels = ports
            .iter()
            .map(|&(iface, role)| {
                let diag = (role == PortRole::Diag && profile.is_qualcomm()).then(DiagPort::default);
                (iface, Channel { role, line: Vec::new(), overflow: false, echo: true, cmee: 0, diag })
            })
            .collect();
        NormalMode { profile, revision, channels, nv, urcs_enabled: true, replies: 0, rssi: 17, zte }
    }

    /// The ZTE settings as stored.
    pub fn zte(&self) -> ZteNv {
        self.zte
    }

    /// The settings as stored.
    pub fn nv(&self) -> &NvSettings {
        &self.nv
    }

    /// Bytes received on `iface`; returns the echo and the reply bursts, in order.
    pub fn receive(&mut self, iface: u8, bytes: &[u8]) -> Received {
        let mut out = Received::default();
        let Some(channel) = self.channels.get_mut(&iface) else {
            return out;
        };
        if let Some(diag) = channel.diag.as_mut() {
            let d = diag.receive(bytes);
            out.replies = d.replies;
            out.enter_download = d.enter_download;
            return out;
        }
        if !matches!(channel.role, PortRole::Pcui | PortRole::Modem) {
            return out; // DIAG / NMEA: AT text means nothing there.
        }
        let mut echo = Vec::new();
        let mut lines = Vec::new();
        for &b in bytes {
            if channel.echo {
                echo.push(b);
            }
            match b {
                b'\r' => {
                    if !channel.overflow && !channel.line.is_empty() {
                        lines.push(String::from_utf8_lossy(&channel.line).into_owned());
                    }
                    channel.line.clear();
                    channel.overflow = false;
                }
                b'\n' => {}
                _ if channel.line.len() >= MAX_COMMAND_LINE => channel.overflow = true,
                _ => channel.line.push(b),
            }
        }
        out.echo = echo;
        for line in lines {
            let line = line.trim();
            out.enter_download |= self.profile.enter_download.iter().any(|c| line.eq_ignore_ascii_case(c));
            out.replies.extend(self.command(iface, line));
            if self.profile.is_qualcomm() && line.eq_ignore_ascii_case("AT$QCDMG") {
                // After its OK the port speaks DIAG; the rest of the chunk is not AT.
                if let Some(c) = self.channels.get_mut(&iface) {
                    c.diag = Some(DiagPort::default());
                }
                break;
            }
        }
        out
    }

    /// A periodic unsolicited line for the PCUI port, if URCs are on.
    pub fn periodic_urc(&mut self) -> Option<(u8, Vec<u8>)> {
        if !self.urcs_enabled || self.profile.is_qualcomm() {
            return None;
        }
        let iface = self.profile.interface(PortRole::Pcui)?;
        self.rssi = 12 + (self.rssi + 5) % 14;
        Some((iface, format!("\r\n^RSSI:{}\r\r\n", self.rssi).into_bytes()))
    }

    fn command(&mut self, iface: u8, line: &str) -> Option<Vec<u8>> {
        let upper = line.to_ascii_uppercase();
        let body = upper.strip_prefix("AT")?; // not a command line: ignored, like firmware does
        let original_body = &line[2..];
        let outcome = self.run(iface, body, original_body);
        let channel = self.channels.get(&iface)?;
        let cmee = channel.cmee;
        // Huawei firmware slips URCs into replies on its PCUI port (§3).
        let pcui = channel.role == PortRole::Pcui && self.urcs_enabled && !self.profile.is_qualcomm();
        let (info, final_line) = match outcome {
            Outcome::Ok(info) => (info, "OK".to_string()),
            Outcome::Error => (Vec::new(), "ERROR".to_string()),
            Outcome::NotSupported => (Vec::new(), "COMMAND NOT SUPPORT".to_string()),
            Outcome::Cme(code) => (
                Vec::new(),
                match cmee {
                    0 => "ERROR".to_string(),
                    1 => format!("+CME ERROR: {code}"),
                    _ => format!("+CME ERROR: {}", modemflash_core::at::result::cme_meaning(code).unwrap_or("unknown")),
                },
            ),
        };
        self.replies += 1;
        let mut burst = Vec::new();
        for (i, l) in info.iter().enumerate() {
            burst.extend_from_slice(format!("\r\n{l}\r\n").as_bytes());
            if pcui && i == 0 && info.len() > 1 {
                burst.extend_from_slice(b"\r\n^MODE:5,4\r\r\n");
            }
        }
        burst.extend_from_slice(format!("\r\n{final_line}\r\n").as_bytes());
        if pcui && self.replies.is_multiple_of(3) {
            burst.extend_from_slice(format!("\r\n^RSSI:{}\r\r\n", self.rssi).as_bytes());
        }
        Some(burst)
    }

    /// Runs a command line body (after `AT`). Extended commands chain with `;` and give
    /// one final result; the first failure ends the line (V.250 §5.2.1).
    fn run(&mut self, iface: u8, body: &str, original: &str) -> Outcome {
        if body.is_empty() {
            return Outcome::Ok(Vec::new());
        }
        if let Some(outcome) = self.basic(iface, body) {
            return outcome;
        }
        let mut info = Vec::new();
        let mut offset = 0;
        for part in body.split(';') {
            let original_part = &original[offset..offset + part.len()];
            offset += part.len() + 1;
            match self.extended(iface, part.trim(), original_part.trim()) {
                Outcome::Ok(lines) => info.extend(lines),
                other => return other,
            }
        }
        Outcome::Ok(info)
    }

    fn basic(&mut self, iface: u8, body: &str) -> Option<Outcome> {
        let p = self.profile;
        let revision = self.revision.clone();
        let channel = self.channels.get_mut(&iface)?;
        Some(match body {
            "E" | "E0" => {
                channel.echo = false;
                Outcome::Ok(Vec::new())
            }
            "E1" => {
                channel.echo = true;
                Outcome::Ok(Vec::new())
            }
            "Z" | "Z0" => {
                channel.echo = true;
                channel.cmee = 0;
                Outcome::Ok(Vec::new())
            }
            "V1" | "Q0" | "&F" => Outcome::Ok(Vec::new()),
            "I" | "I0" => Outcome::Ok(vec![
                format!("Manufacturer: {}", p.manufacturer),
                format!("Model: {}", p.model),
                format!("Revision: {}", revision),
                format!("IMEI: {}", p.imei),
                "+GCAP: +CGSM,+DS,+ES".into(),
            ]),
            _ => return None,
        })
    }

    fn extended(&mut self, iface: u8, cmd: &str, original: &str) -> Outcome {
        let p = self.profile;
        let revision = self.revision.clone();
        let ok = |lines: &[String]| Outcome::Ok(lines.to_vec());
        // Huawei's `^` commands exist only on Huawei firmware.
        if cmd.starts_with('^') && !matches!(p.boot_loader, BootLoader::Balong) {
            return self.unknown();
        }
        match cmd {
            "$QCDMG" if p.is_qualcomm() => ok(&[]),
            "+CGMI" | "+GMI" => ok(&[p.manufacturer.into()]),
            "+CGMM" | "+GMM" => ok(&[p.model.into()]),
            "+CGMR" | "+GMR" => ok(std::slice::from_ref(&revision)),
            "+CGSN" | "+GSN" => ok(&[p.imei.into()]),
            "+CIMI" => match p.imsi {
                Some(imsi) => ok(&[imsi.into()]),
                None => Outcome::Cme(10),
            },
            "+CPIN?" => match p.imsi {
                Some(_) => ok(&["+CPIN: READY".into()]),
                None => Outcome::Cme(10),
            },
            "+CSQ" => ok(&[format!("+CSQ: {},99", self.rssi)]),
            "+CMEE?" => ok(&[format!("+CMEE: {}", self.channels[&iface].cmee)]),
            "^HWVER" => ok(&[format!("^HWVER:\"{}\"", p.hardware)]),
            "^VERSION?" => ok(&[
                format!("^VERSION:BDT:{}", p.build_date),
                format!("^VERSION:EXTS:{}", revision),
                format!("^VERSION:INTS:{}", revision),
                format!("^VERSION:EXTD:{}", p.dashboard),
                format!("^VERSION:INTD:{}", p.dashboard),
                format!("^VERSION:EXTH:{}", p.hardware),
                format!("^VERSION:INTH:{}", p.hardware),
                format!("^VERSION:EXTU:{}", p.model),
                format!("^VERSION:INTU:{}", p.model),
                "^VERSION:CFG:1004".into(),
                "^VERSION:PRL:".into(),
                "^VERSION:OEM:".into(),
                "^VERSION:INI:".into(),
            ]),
            "^DLOADVER?" => ok(&["2.0".into()]),
            // Sets the download flag and reboots (huawei-balong.md §2); the dongle acts on it.
            _ if p.enter_download.iter().any(|c| c.get(2..) == Some(cmd)) => ok(&[]),
            "^DLOADINFO?" => ok(&[
                format!("swver:{}", revision),
                "isover:".into(),
                format!("webuiver:{}", p.dashboard),
                format!("product name:{}", p.model),
                "dload type:0".into(),
            ]),
            "+CGDCONT?" => ok(&self
                .nv
                .apns
                .iter()
                .map(|c| format!("+CGDCONT: {},\"{}\",\"{}\",\"0.0.0.0\",0,0", c.cid, c.pdp_type, c.apn))
                .collect::<Vec<_>>()),
            _ => self.with_arguments(iface, cmd, original),
        }
    }

    fn with_arguments(&mut self, iface: u8, cmd: &str, original: &str) -> Outcome {
        if let Some(v) = cmd.strip_prefix("+CMEE=") {
            return match v {
                "0" | "1" | "2" => {
                    if let Some(c) = self.channels.get_mut(&iface) {
                        c.cmee = v.as_bytes()[0] - b'0';
                    }
                    Outcome::Ok(Vec::new())
                }
                _ => Outcome::Cme(50),
            };
        }
        if let Some(v) = cmd.strip_prefix("^CURC=") {
            return match v {
                "0" | "1" => {
                    self.urcs_enabled = v == "1";
                    Outcome::Ok(Vec::new())
                }
                _ => Outcome::Cme(50),
            };
        }
        if let Some(v) = cmd.strip_prefix("+ZCDRUN=").filter(|_| self.profile.zcdrun.is_some()) {
            return self.zcdrun(v);
        }
        if let Some(outcome) = self.network_mode(cmd) {
            return outcome;
        }
        if let Some(args) = cmd.strip_prefix("+CLCK=") {
            // The SIM answers, not the firmware: without a card there is nothing to ask.
            if self.profile.imsi.is_none() {
                return Outcome::Cme(10);
            }
            return match self.nv.sim_lock(args) {
                Ok(line) => Outcome::Ok(line.into_iter().collect()),
                Err(code) => Outcome::Cme(code),
            };
        }
        if cmd.starts_with("+CGDCONT=") && !cmd.ends_with('?') {
            // Keep the APN's case: parse the original text, not the upper-cased one.
            return self.set_context(&original["+CGDCONT=".len()..]);
        }
        self.unknown()
    }

    /// ZTE `AT+ZCDRUN=<op>` (specs/qualcomm-dload.md §5.1): `8`/`9` turn the CD-ROM's
    /// autorun off/on, `4` reports it; `E`/`F` select the download composition or the
    /// normal one from the next power-up on (a replug: nothing changes now), `G` reports
    /// which. The spec gives no reply text; these lines follow the "… result(0:FAIL
    /// 1:SUCCESS):1" wording of published captures [inferred].
    fn zcdrun(&mut self, op: &str) -> Outcome {
        let line = match op {
            "8" | "9" => {
                self.zte.autorun = op == "9";
                let verb = if self.zte.autorun { "Open" } else { "Close" };
                format!("{verb} autorun state result(0:FAIL 1:SUCCESS):1")
            }
            "4" => format!("Autorun state result(0:DISABLE 1:ENABLE):{}", u8::from(self.zte.autorun)),
            "E" | "F" => {
                self.zte.download_composition = op == "E";
                let verb = if self.zte.download_composition { "Enter" } else { "Quit" };
                format!("{verb} download mode result(0:FAIL 1:SUCCESS):1")
            }
            "G" => format!("Download mode state result(0:NO 1:YES):{}", u8::from(self.zte.download_composition)),
            _ => return Outcome::Error,
        };
        Outcome::Ok(vec![line])
    }

    /// The network-preference command this firmware has (`^SYSCFGEX`, `^SYSCFG` or
    /// `+ZSNT`): read, test and set; `None` for any other command.
    fn network_mode(&mut self, cmd: &str) -> Option<Outcome> {
        let prefs: &mut NetworkPrefs = self.nv.network.as_mut()?;
        let rest = cmd.strip_prefix(prefs.name())?;
        Some(match rest {
            "?" => Outcome::Ok(vec![prefs.reply()]),
            "=?" => Outcome::Ok(vec![prefs.ranges()]),
            _ => match rest.strip_prefix('=').map(|args| prefs.set(args)) {
                Some(Ok(())) => Outcome::Ok(Vec::new()),
                Some(Err(code)) => Outcome::Cme(code),
                None => return None,
            },
        })
    }

    /// The reply to a command this firmware does not know (at-commands.md §1.1).
    fn unknown(&self) -> Outcome {
        match self.profile.unknown_command {
            UnknownCommand::Error => Outcome::Error,
            UnknownCommand::CommandNotSupport => Outcome::NotSupported,
        }
    }

    /// `+CGDCONT=<cid>[,"<type>"[,"<apn>"…]]`; `<cid>` alone undefines the context.
    fn set_context(&mut self, args: &str) -> Outcome {
        let fields = modemflash_core::at::split_arguments(args);
        let Some(Ok(cid)) = fields.first().map(|c| c.parse::<u8>()) else {
            return Outcome::Cme(50);
        };
        if !(1..=11).contains(&cid) {
            return Outcome::Cme(50);
        }
        self.nv.apns.retain(|c| c.cid != cid);
        if fields.len() == 1 {
            return Outcome::Ok(Vec::new());
        }
        let pdp_type = fields[1].to_ascii_uppercase();
        if !matches!(pdp_type.as_str(), "IP" | "IPV6" | "IPV4V6" | "PPP") {
            return Outcome::Cme(50);
        }
        let apn = fields.get(2).cloned().unwrap_or_default();
        self.nv.apns.push(PdpContext { cid, pdp_type, apn });
        self.nv.apns.sort_by_key(|c| c.cid);
        Outcome::Ok(Vec::new())
    }
}
