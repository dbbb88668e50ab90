//! Settings backup and restore: everything a user would have to type again after an
//! update (specs/at-commands.md §5; issue 7 "Settings").
//!
//! A [`SettingsBackup`] holds the APN profiles, the network mode and band preferences,
//! the SIM's PIN check state (never the PIN) and the versions the modem ran, read
//! best-effort: what a stick does not support is recorded as such. It is a versioned
//! JSON document (`"format": "modemflash-settings/1"`), so it can be downloaded, kept
//! and restored later by itself ([`restore`]), which reports item by item what it did.

pub mod device;
pub mod network_mode;
pub mod pin_check;
pub mod reading;
pub mod restore;
pub mod timestamp;

use serde::{Deserialize, Serialize};

use crate::at::identity::Identity;
use crate::at::settings::ApnProfile;
use crate::at::{AtClient, AtError};
use crate::event::Observer;
use crate::port::Port;
pub use device::{device_key, BackedUpDevice};
pub use network_mode::{ModeCommand, NetworkMode};
pub use pin_check::PinCheck;
pub use reading::Reading;
pub use restore::{restore, Obstacle, RestoreOutcome, RestoreReport, RestoredItem, Setting};

/// The document format this version writes and reads.
pub const FORMAT: &str = "modemflash-settings/1";

/// A modem's settings at one moment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsBackup {
    /// Always [`FORMAT`]; a file with another format is refused when loaded.
    pub format: String,
    /// When it was taken (UTC, RFC 3339), when the front end knew the time.
    pub taken_at: Option<String>,
    /// The modem it came from.
    pub device: BackedUpDevice,
    /// `+CGDCONT?`: the APN profiles (the spec's commands expose no authentication).
    pub apn_profiles: Reading<Vec<ApnProfile>>,
    /// Network mode and band preferences.
    pub network_mode: Reading<NetworkMode>,
    /// Whether the SIM asks for its PIN.
    pub pin_check: Reading<PinCheck>,
}

/// Why a file could not be read as a settings backup.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackupFileError {
    /// Not JSON, or JSON of another shape.
    #[error(
        "this file is not a modemflash settings backup ({0}). Choose the .json file that \"Download settings \
         backup\" or `modemflash backup` saved."
    )]
    NotABackup(String),
    /// A backup of a format this version does not know.
    #[error(
        "this settings backup has the format \"{0}\", which this version of modemflash cannot read (it reads \
         \"{FORMAT}\"). Use a newer modemflash, or take a new backup."
    )]
    UnknownFormat(String),
}

impl SettingsBackup {
    /// Reads every setting of the modem `identity` describes; `taken_at` is the wall
    /// clock in Unix seconds, when the caller has one. Only a port failure is an error.
    pub async fn read<P: Port, O: Observer>(
        at: &mut AtClient<P, O>,
        identity: &Identity,
        taken_at: Option<u64>,
    ) -> Result<SettingsBackup, AtError> {
        let apn_profiles = match at.apn_profiles().await? {
            Some(value) => Reading::Saved { value },
            None => not_supported("AT+CGDCONT?"),
        };
        let network_mode = match at.network_mode_command(&identity.manufacturer).await? {
            Some(command) => match at.network_mode(command).await? {
                Some(value) => Reading::Saved { value },
                None => not_supported(&format!("AT{}?", command.name())),
            },
            None => Reading::NotSupported {
                reason: format!("modemflash knows no network mode command for {} modems", identity.manufacturer),
            },
        };
        let pin_check = match at.pin_check().await? {
            Some(value) => Reading::Saved { value },
            None => not_supported(pin_check::QUERY),
        };
        Ok(SettingsBackup {
            format: FORMAT.to_string(),
            taken_at: taken_at.map(timestamp::utc_timestamp),
            device: BackedUpDevice::of(identity),
            apn_profiles,
            network_mode,
            pin_check,
        })
    }

    /// The saved APN profiles (none when the modem did not list them).
    pub fn apns(&self) -> &[ApnProfile] {
        self.apn_profiles.value().map(Vec::as_slice).unwrap_or_default()
    }

    /// One sentence for the log: what was saved.
    pub fn summary(&self) -> String {
        let mut parts = vec![format!("{} APN profile(s)", self.apns().len())];
        if let Some(mode) = self.network_mode.value() {
            parts.push(format!("network mode {mode}"));
        }
        if let Some(pin) = self.pin_check.value() {
            parts.push(pin.to_string());
        }
        format!("Saved the settings: {}.", parts.join(", "))
    }

    /// `settings-E3372-3453-20261125T153137Z.json`: a file name that sorts by stick and
    /// time and holds no full IMEI.
    pub fn file_name(&self) -> String {
        let keep = |s: &str, ok: fn(&char) -> bool| s.chars().filter(ok).collect::<String>();
        let tail = keep(self.device.imei.as_deref().unwrap_or(""), char::is_ascii_digit);
        let when = keep(self.taken_at.as_deref().unwrap_or("undated"), char::is_ascii_alphanumeric);
        format!("settings-{}-{tail}-{when}.json", keep(&self.device.model, char::is_ascii_alphanumeric))
    }

    /// The document, pretty-printed.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a backup always serialises")
    }

    /// Reads a document written by [`Self::to_json`], refusing other formats.
    pub fn from_json(text: &str) -> Result<SettingsBackup, BackupFileError> {
        #[derive(Deserialize)]
        struct Head {
            format: Option<String>,
        }
        let head: Head = serde_json::from_str(text).map_err(|e| BackupFileError::NotABackup(e.to_string()))?;
        match head.format {
            Some(f) if f == FORMAT => {}
            Some(f) => return Err(BackupFileError::UnknownFormat(f)),
            None => return Err(BackupFileError::NotABackup("it has no \"format\" field".into())),
        }
        serde_json::from_str(text).map_err(|e| BackupFileError::NotABackup(e.to_string()))
    }
}

fn not_supported<T>(command: &str) -> Reading<T> {
    Reading::NotSupported { reason: format!("the modem refused {command} or did not answer it") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backup() -> SettingsBackup {
        SettingsBackup {
            format: FORMAT.into(),
            taken_at: Some("2026-11-25T15:23:31Z".into()),
            device: BackedUpDevice { manufacturer: "huawei".into(), model: "E3372".into(), ..Default::default() },
            apn_profiles: Reading::Saved {
                value: vec![ApnProfile { cid: 1, pdp_type: "IP".into(), apn: "internet".into() }],
            },
            network_mode: Reading::Saved { value: NetworkMode::Zsnt { cm_mode: 2, net_sel_mode: 0, pref_acq: 2 } },
            pin_check: Reading::NotSupported { reason: "no SIM".into() },
        }
    }

    #[test]
    fn the_document_round_trips_and_names_its_format() {
        let json = backup().to_json();
        assert!(json.contains("\"format\": \"modemflash-settings/1\""), "{json}");
        assert!(json.contains("\"+ZSNT\": {"), "{json}");
        assert!(json.contains("\"status\": \"not-supported\""), "{json}");
        let mut named = backup();
        named.device.imei = Some("•••••••••••3453".into());
        assert_eq!(named.file_name(), "settings-E3372-3453-20261125T152331Z.json");
        assert_eq!(SettingsBackup::from_json(&json).unwrap(), backup());
    }

    #[test]
    fn other_files_are_refused_with_the_next_step() {
        let other = backup().to_json().replace("modemflash-settings/1", "modemflash-settings/9");
        let e = SettingsBackup::from_json(&other).unwrap_err();
        assert_eq!(e, BackupFileError::UnknownFormat("modemflash-settings/9".into()));
        assert!(e.to_string().contains("take a new backup"));
        let e = SettingsBackup::from_json("{\"image\": \"abc\"}").unwrap_err();
        assert!(e.to_string().contains("Choose the .json file"), "{e}");
        assert!(matches!(SettingsBackup::from_json("not json"), Err(BackupFileError::NotABackup(_))));
    }
}
