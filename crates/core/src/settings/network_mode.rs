//! Network mode and band preferences: Huawei `^SYSCFGEX` / `^SYSCFG`, ZTE `+ZSNT`
//! (specs/at-commands.md §5, §6.1, §6.2). Sierra and the others have no command in the
//! spec, so their mode is recorded as not supported.

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::at::{split_arguments, AtClient, AtError, QUERY_TIMEOUT};
use crate::event::Observer;
use crate::port::Port;

/// Which vendor command holds the preferences.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModeCommand {
    /// Huawei LTE-era `^SYSCFGEX` (when `AT^SYSCFGEX=?` succeeds).
    SysCfgEx,
    /// Huawei `^SYSCFG` (3G sticks).
    SysCfg,
    /// ZTE `+ZSNT`.
    Zsnt,
}

impl ModeCommand {
    /// The command's name, as in `AT<name>?`.
    pub fn name(self) -> &'static str {
        match self {
            ModeCommand::SysCfgEx => "^SYSCFGEX",
            ModeCommand::SysCfg => "^SYSCFG",
            ModeCommand::Zsnt => "+ZSNT",
        }
    }
}

/// The preferences as the modem reports them. Band masks are upper-case hex without
/// leading zeros, so two readings compare equal whatever padding the firmware used.
/// In JSON the command names the object: `{"^SYSCFGEX": {"acqorder": "00", …}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NetworkMode {
    /// `^SYSCFGEX: "<acqorder>",<band>,<roam>,<srvdomain>,<lteband>`.
    #[serde(rename = "^SYSCFGEX")]
    SysCfgEx {
        /// RAT codes in priority order: `00` auto, `01` GSM, `02` WCDMA, `03` LTE.
        acqorder: String,
        /// 2G/3G band mask (hex).
        band: String,
        /// 0 roaming off, 1 on.
        roam: u8,
        /// 0 CS, 1 PS, 2 CS+PS, 3 any.
        srvdomain: u8,
        /// LTE band mask (hex).
        lteband: String,
    },
    /// `^SYSCFG: <mode>,<acqorder>,<band>,<roam>,<srvdomain>`.
    #[serde(rename = "^SYSCFG")]
    SysCfg {
        /// 2 auto, 13 GSM only, 14 WCDMA only.
        mode: u8,
        /// 0 auto, 1 GSM first, 2 WCDMA first.
        acqorder: u8,
        /// Band mask (hex).
        band: String,
        /// 0 roaming off, 1 on.
        roam: u8,
        /// 0 CS, 1 PS, 2 CS+PS, 3 any.
        srvdomain: u8,
    },
    /// `+ZSNT: <cm_mode>,<net_sel_mode>,<pref_acq>`.
    #[serde(rename = "+ZSNT")]
    Zsnt {
        /// 0 auto, 1 GSM only, 2 WCDMA only, 6 LTE only.
        cm_mode: u8,
        /// Network selection (set back as 0, as the spec's set syntax does).
        net_sel_mode: u8,
        /// 0 auto, 1 GSM preferred, 2 WCDMA preferred.
        pref_acq: u8,
    },
}

impl NetworkMode {
    /// The command that reads and sets it.
    pub fn command(&self) -> ModeCommand {
        match self {
            NetworkMode::SysCfgEx { .. } => ModeCommand::SysCfgEx,
            NetworkMode::SysCfg { .. } => ModeCommand::SysCfg,
            NetworkMode::Zsnt { .. } => ModeCommand::Zsnt,
        }
    }

    /// Parses the reply line of `command`'s query.
    pub fn parse(command: ModeCommand, line: &str) -> Option<NetworkMode> {
        let rest = line.trim().strip_prefix(command.name())?.strip_prefix(':')?;
        let f = split_arguments(rest);
        let num = |i: usize| f.get(i)?.parse::<u8>().ok();
        match command {
            ModeCommand::SysCfgEx => Some(NetworkMode::SysCfgEx {
                acqorder: f.first().filter(|a| !a.is_empty())?.clone(),
                band: hex(f.get(1)?)?,
                roam: num(2)?,
                srvdomain: num(3)?,
                lteband: hex(f.get(4)?)?,
            }),
            ModeCommand::SysCfg => Some(NetworkMode::SysCfg {
                mode: num(0)?,
                acqorder: num(1)?,
                band: hex(f.get(2)?)?,
                roam: num(3)?,
                srvdomain: num(4)?,
            }),
            ModeCommand::Zsnt => Some(NetworkMode::Zsnt { cm_mode: num(0)?, net_sel_mode: num(1)?, pref_acq: num(2)? }),
        }
    }

    /// The command that sets these preferences (§5 restore syntax).
    pub fn set_command(&self) -> String {
        match self {
            NetworkMode::SysCfgEx { acqorder, band, roam, srvdomain, lteband } => {
                format!("AT^SYSCFGEX=\"{acqorder}\",{band},{roam},{srvdomain},{lteband},,")
            }
            NetworkMode::SysCfg { mode, acqorder, band, roam, srvdomain } => {
                format!("AT^SYSCFG={mode},{acqorder},{band},{roam},{srvdomain}")
            }
            NetworkMode::Zsnt { cm_mode, pref_acq, .. } => format!("AT+ZSNT={cm_mode},0,{pref_acq}"),
        }
    }
}

impl fmt::Display for NetworkMode {
    /// The values as the modem reports them, e.g. `^SYSCFGEX "0302",3FFFFFFF,1,2,7FFFFFFFFFFFFFFF`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetworkMode::SysCfgEx { acqorder, band, roam, srvdomain, lteband } => {
                write!(f, "^SYSCFGEX \"{acqorder}\",{band},{roam},{srvdomain},{lteband}")
            }
            NetworkMode::SysCfg { mode, acqorder, band, roam, srvdomain } => {
                write!(f, "^SYSCFG {mode},{acqorder},{band},{roam},{srvdomain}")
            }
            NetworkMode::Zsnt { cm_mode, net_sel_mode, pref_acq } => {
                write!(f, "+ZSNT {cm_mode},{net_sel_mode},{pref_acq}")
            }
        }
    }
}

/// A band mask in canonical form: upper-case hex without leading zeros.
fn hex(field: &str) -> Option<String> {
    u64::from_str_radix(field.trim(), 16).ok().map(|v| format!("{v:X}"))
}

impl<P: Port, O: Observer> AtClient<P, O> {
    /// The command holding this modem's network preferences: Huawei `^SYSCFGEX` when
    /// `AT^SYSCFGEX=?` succeeds, else `^SYSCFG`; ZTE `+ZSNT`; `None` for other makers.
    pub async fn network_mode_command(&mut self, manufacturer: &str) -> Result<Option<ModeCommand>, AtError> {
        let maker = manufacturer.to_ascii_lowercase();
        if maker.contains("huawei") {
            let ex = self.query_optional("AT^SYSCFGEX=?", QUERY_TIMEOUT).await?;
            Ok(Some(if ex.is_some() { ModeCommand::SysCfgEx } else { ModeCommand::SysCfg }))
        } else if maker.contains("zte") {
            Ok(Some(ModeCommand::Zsnt))
        } else {
            Ok(None)
        }
    }

    /// Reads the preferences through `command`; `None` when the modem refuses it.
    pub async fn network_mode(&mut self, command: ModeCommand) -> Result<Option<NetworkMode>, AtError> {
        let lines = self.query_optional(&format!("AT{}?", command.name()), QUERY_TIMEOUT).await?;
        Ok(lines.and_then(|l| l.iter().find_map(|l| NetworkMode::parse(command, l))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_spec_examples_and_sets_them_back() {
        let ex = NetworkMode::parse(ModeCommand::SysCfgEx, "^SYSCFGEX: \"00\",3FFFFFFF,1,2,7FFFFFFFFFFFFFFF").unwrap();
        assert_eq!(ex.set_command(), "AT^SYSCFGEX=\"00\",3FFFFFFF,1,2,7FFFFFFFFFFFFFFF,,");
        let old = NetworkMode::parse(ModeCommand::SysCfg, "^SYSCFG: 2,0,400000,0,3").unwrap();
        assert_eq!(old.set_command(), "AT^SYSCFG=2,0,400000,0,3");
        let zte = NetworkMode::parse(ModeCommand::Zsnt, "+ZSNT: 6,0,0").unwrap();
        assert_eq!(zte.set_command(), "AT+ZSNT=6,0,0");
        assert_eq!(NetworkMode::parse(ModeCommand::SysCfg, "^SYSCFGEX: \"00\",3FFFFFFF,1,2,7F"), None);
    }

    #[test]
    fn band_masks_compare_whatever_the_padding() {
        let a = NetworkMode::parse(ModeCommand::SysCfg, "^SYSCFG: 2,0,003fffffff,1,2").unwrap();
        let b = NetworkMode::parse(ModeCommand::SysCfg, "^SYSCFG: 2,0,3FFFFFFF,1,2").unwrap();
        assert_eq!(a, b);
    }
}
