//! The settings a stick keeps in NV across reboots: APN profiles, network mode and band
//! preferences, and the SIM's PIN check (specs/at-commands.md §4, §5, §6.1, §6.2).
//!
//! A firmware update resets the NV settings to the factory's (the APN list empty, the
//! network preferences to their default); the PIN check is the SIM card's own and stays.

use modemflash_core::at::split_arguments;

use crate::profile::{NetworkModeCommand, Profile};

/// The PIN of the virtual SIM card (a test SIM, not anyone's).
pub const SIM_PIN: &str = "1234";

/// `+CME ERROR: 50`, incorrect parameters.
const INCORRECT_PARAMETERS: u16 = 50;

/// `+CME ERROR: 16`, incorrect password.
const INCORRECT_PASSWORD: u16 = 16;

/// One PDP context (`+CGDCONT`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PdpContext {
    /// Context id.
    pub cid: u8,
    /// `IP`, `IPV6`, `IPV4V6` or `PPP`.
    pub pdp_type: String,
    /// Access point name.
    pub apn: String,
}

/// Network mode and band preferences, in the shape of the firmware's command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetworkPrefs {
    /// Huawei `^SYSCFGEX` (§6.1).
    SysCfgEx {
        /// 2-digit RAT codes in priority order.
        acqorder: String,
        /// 2G/3G band mask.
        band: u64,
        /// Roaming.
        roam: u8,
        /// Service domain.
        srvdomain: u8,
        /// LTE band mask.
        lteband: u64,
    },
    /// Huawei `^SYSCFG` (§6.1).
    SysCfg {
        /// 2 auto, 13 GSM only, 14 WCDMA only.
        mode: u8,
        /// 0 auto, 1 GSM first, 2 WCDMA first.
        acqorder: u8,
        /// Band mask.
        band: u64,
        /// Roaming.
        roam: u8,
        /// Service domain.
        srvdomain: u8,
    },
    /// ZTE `+ZSNT` (§6.2).
    Zsnt {
        /// 0 auto, 1 GSM only, 2 WCDMA only, 6 LTE only.
        cm_mode: u8,
        /// 0 auto, 1 GSM preferred, 2 WCDMA preferred.
        pref_acq: u8,
    },
}

/// `^SYSCFG`'s and `^SYSCFGEX`'s band value for "no change" (§6.1).
const BAND_NO_CHANGE: u64 = 0x4000_0000;

impl NetworkPrefs {
    /// The factory preferences of a firmware with `command`.
    pub fn factory(command: NetworkModeCommand) -> Option<NetworkPrefs> {
        match command {
            NetworkModeCommand::SysCfgEx => Some(NetworkPrefs::SysCfgEx {
                acqorder: "00".into(),
                band: 0x3FFF_FFFF,
                roam: 1,
                srvdomain: 2,
                lteband: 0x7FFF_FFFF_FFFF_FFFF,
            }),
            NetworkModeCommand::SysCfg => {
                Some(NetworkPrefs::SysCfg { mode: 2, acqorder: 0, band: 0x3FFF_FFFF, roam: 1, srvdomain: 2 })
            }
            NetworkModeCommand::Zsnt => Some(NetworkPrefs::Zsnt { cm_mode: 0, pref_acq: 0 }),
            NetworkModeCommand::None => None,
        }
    }

    /// The command name (`^SYSCFGEX`, `^SYSCFG`, `+ZSNT`).
    pub fn name(&self) -> &'static str {
        match self {
            NetworkPrefs::SysCfgEx { .. } => "^SYSCFGEX",
            NetworkPrefs::SysCfg { .. } => "^SYSCFG",
            NetworkPrefs::Zsnt { .. } => "+ZSNT",
        }
    }

    /// The reply to the read command, e.g. `^SYSCFGEX: "00",3FFFFFFF,1,2,7FFFFFFFFFFFFFFF`.
    pub fn reply(&self) -> String {
        match self {
            NetworkPrefs::SysCfgEx { acqorder, band, roam, srvdomain, lteband } => {
                format!("^SYSCFGEX: \"{acqorder}\",{band:X},{roam},{srvdomain},{lteband:X}")
            }
            NetworkPrefs::SysCfg { mode, acqorder, band, roam, srvdomain } => {
                format!("^SYSCFG: {mode},{acqorder},{band:X},{roam},{srvdomain}")
            }
            NetworkPrefs::Zsnt { cm_mode, pref_acq } => format!("+ZSNT: {cm_mode},0,{pref_acq}"),
        }
    }

    /// The reply to the test command (`AT^SYSCFGEX=?`): the ranges it takes [inferred:
    /// 27.007 test-command style; the spec only says the command succeeds].
    pub fn ranges(&self) -> String {
        match self {
            NetworkPrefs::SysCfgEx { .. } => {
                "^SYSCFGEX: (\"00\",\"01\",\"02\",\"03\",\"99\"),((3FFFFFFF,\"All bands\")),\
                                              (0-2),(0-4),((7FFFFFFFFFFFFFFF,\"All bands\"))"
                    .into()
            }
            NetworkPrefs::SysCfg { .. } => "^SYSCFG: (2,13,14,16),(0-3),((3FFFFFFF,\"All bands\")),(0-2),(0-4)".into(),
            NetworkPrefs::Zsnt { .. } => "+ZSNT: (0,1,2,6),(0),(0-2)".into(),
        }
    }

    /// The set command's arguments; "no change" values keep the current one. Anything
    /// outside the ranges of §6.1/§6.2 is refused with the CME code.
    pub fn set(&mut self, args: &str) -> Result<(), u16> {
        let f = split_arguments(args);
        let num = |i: usize, ok: &[u8]| -> Result<u8, u16> {
            let v = f.get(i).and_then(|v| v.parse::<u8>().ok()).ok_or(INCORRECT_PARAMETERS)?;
            ok.contains(&v).then_some(v).ok_or(INCORRECT_PARAMETERS)
        };
        let mask = |i: usize| -> Result<u64, u16> {
            f.get(i).and_then(|v| u64::from_str_radix(v, 16).ok()).ok_or(INCORRECT_PARAMETERS)
        };
        let keep = |new: u8, no_change: u8, old: &mut u8| {
            if new != no_change {
                *old = new;
            }
        };
        match self {
            NetworkPrefs::SysCfgEx { acqorder, band, roam, srvdomain, lteband } => {
                let acq = f.first().ok_or(INCORRECT_PARAMETERS)?;
                let (new_band, new_lte) = (mask(1)?, mask(4)?);
                let (new_roam, new_domain) = (num(2, &[0, 1, 2])?, num(3, &[0, 1, 2, 3, 4])?);
                if !valid_acqorder(acq) {
                    return Err(INCORRECT_PARAMETERS);
                }
                if acq != "99" {
                    acqorder.clone_from(acq);
                }
                if new_band != BAND_NO_CHANGE {
                    *band = new_band;
                }
                *lteband = new_lte;
                keep(new_roam, 2, roam);
                keep(new_domain, 4, srvdomain);
            }
            NetworkPrefs::SysCfg { mode, acqorder, band, roam, srvdomain } => {
                let (new_mode, new_acq) = (num(0, &[2, 13, 14, 16])?, num(1, &[0, 1, 2, 3])?);
                let new_band = mask(2)?;
                let (new_roam, new_domain) = (num(3, &[0, 1, 2])?, num(4, &[0, 1, 2, 3, 4])?);
                keep(new_mode, 16, mode);
                keep(new_acq, 3, acqorder);
                if new_band != BAND_NO_CHANGE {
                    *band = new_band;
                }
                keep(new_roam, 2, roam);
                keep(new_domain, 4, srvdomain);
            }
            NetworkPrefs::Zsnt { cm_mode, pref_acq } => {
                let (new_mode, _, new_acq) = (num(0, &[0, 1, 2, 6])?, num(1, &[0])?, num(2, &[0, 1, 2])?);
                *cm_mode = new_mode;
                *pref_acq = new_acq;
            }
        }
        Ok(())
    }
}

/// `00` (auto), `99` (no change), or distinct RAT codes `01`–`03` in priority order.
fn valid_acqorder(acq: &str) -> bool {
    if acq == "00" || acq == "99" {
        return true;
    }
    let codes: Vec<&str> = (0..acq.len() / 2).filter_map(|i| acq.get(i * 2..i * 2 + 2)).collect();
    !acq.is_empty()
        && acq.len().is_multiple_of(2)
        && codes.iter().all(|c| matches!(*c, "01" | "02" | "03"))
        && codes.iter().enumerate().all(|(i, c)| !codes[..i].contains(c))
}

/// Everything the stick keeps across reboots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NvSettings {
    /// APN profiles, by cid.
    pub apns: Vec<PdpContext>,
    /// Network preferences (`None` when the firmware has no command for them).
    pub network: Option<NetworkPrefs>,
    /// Whether the SIM asks for its PIN (`+CLCK="SC"`).
    pub pin_check: bool,
}

impl NvSettings {
    /// As the stick left the factory.
    pub fn factory(profile: &Profile) -> Self {
        NvSettings {
            apns: profile
                .apns
                .iter()
                .map(|&(cid, t, apn)| PdpContext { cid, pdp_type: t.into(), apn: apn.into() })
                .collect(),
            network: NetworkPrefs::factory(profile.network_mode),
            pin_check: false,
        }
    }

    /// What a firmware update (or an erasing loader) leaves: the NV settings reset, the
    /// APN list empty; the SIM keeps its PIN check.
    pub fn reset_by_update(&mut self, profile: &Profile) {
        self.apns.clear();
        self.network = NetworkPrefs::factory(profile.network_mode);
    }

    /// `+CLCK="SC",<mode>[,"<pin>"]` on a stick with a SIM: the reply line for mode 2,
    /// or the CME code.
    pub fn sim_lock(&mut self, args: &str) -> Result<Option<String>, u16> {
        let f = split_arguments(args);
        if !f.first().is_some_and(|fac| fac.eq_ignore_ascii_case("SC")) {
            return Err(INCORRECT_PARAMETERS);
        }
        match f.get(1).map(String::as_str) {
            Some("2") => Ok(Some(format!("+CLCK: {}", u8::from(self.pin_check)))),
            Some(mode @ ("0" | "1")) => match f.get(2) {
                Some(pin) if pin == SIM_PIN => {
                    self.pin_check = mode == "1";
                    Ok(None)
                }
                _ => Err(INCORRECT_PASSWORD),
            },
            _ => Err(INCORRECT_PARAMETERS),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syscfgex_keeps_what_no_change_values_leave() {
        let mut p = NetworkPrefs::factory(NetworkModeCommand::SysCfgEx).unwrap();
        p.set("\"0302\",40000000,2,4,7FFFFFFFFFFFFFFF,,").unwrap();
        assert_eq!(p.reply(), "^SYSCFGEX: \"0302\",3FFFFFFF,1,2,7FFFFFFFFFFFFFFF");
        p.set("\"03\",3FFFFFFF,0,1,80000,,").unwrap();
        assert_eq!(p.reply(), "^SYSCFGEX: \"03\",3FFFFFFF,0,1,80000");
        assert_eq!(p.set("\"0303\",3FFFFFFF,0,1,80000,,"), Err(50));
        assert_eq!(p.set("\"04\",3FFFFFFF,0,1,80000,,"), Err(50));
        assert_eq!(p.set("\"03\",3FFFFFFF,5,1,80000,,"), Err(50));
    }

    #[test]
    fn the_pin_check_switches_only_with_the_pin() {
        let mut nv = NvSettings { apns: Vec::new(), network: None, pin_check: false };
        assert_eq!(nv.sim_lock("\"SC\",1,\"0000\""), Err(16));
        assert_eq!(nv.sim_lock("\"SC\",2"), Ok(Some("+CLCK: 0".into())));
        assert_eq!(nv.sim_lock("\"SC\",1,\"1234\""), Ok(None));
        assert_eq!(nv.sim_lock("\"SC\",2"), Ok(Some("+CLCK: 1".into())));
    }
}
