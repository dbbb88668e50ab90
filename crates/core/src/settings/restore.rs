//! Putting a [`SettingsBackup`] back, item by item, and saying what happened to each
//! (specs/at-commands.md §5 restore syntax). Nothing is sent that the spec forbids: no
//! PIN, PUK or unlock code, no IMEI. Every item is read back after it is set, so
//! "restored" means the modem reports the saved value.

use core::fmt;

use serde::Serialize;

use super::{pin_check, NetworkMode, PinCheck, SettingsBackup};
use crate::at::settings::ApnProfile;
use crate::at::{AtClient, AtError, QUERY_TIMEOUT};
use crate::event::{Level, Observer};
use crate::port::Port;

/// Which setting an item is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Setting {
    /// The APN profile with this context id.
    ApnProfile {
        /// Context id.
        cid: u8,
    },
    /// Network mode and band preferences.
    NetworkMode,
    /// The SIM's PIN check.
    PinCheck,
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Setting::ApnProfile { cid } => write!(f, "APN profile {cid}"),
            Setting::NetworkMode => f.write_str("Network mode"),
            Setting::PinCheck => f.write_str("PIN check"),
        }
    }
}

/// What happened to one item. Values are shown as the modem reports them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum RestoreOutcome {
    /// The modem did not have it (an update cleared it); it is back.
    Restored {
        /// The saved value.
        value: String,
    },
    /// The modem already had the saved value.
    Same {
        /// The value.
        value: String,
    },
    /// The modem had another value; the saved one is set.
    Changed {
        /// What the modem had.
        was: String,
        /// The saved value, now set.
        value: String,
    },
    /// The modem had an APN profile the backup does not: it was removed.
    Removed {
        /// The profile removed.
        was: String,
    },
    /// The saved value could not be set.
    CouldNot {
        /// The saved value.
        value: String,
        /// Why.
        obstacle: Obstacle,
    },
}

/// Why an item could not be restored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "obstacle", rename_all = "kebab-case")]
pub enum Obstacle {
    /// Switching the PIN check needs the PIN, which is never sent automatically.
    NeedsPin {
        /// The state the backup has.
        wanted: PinCheck,
    },
    /// The modem does not answer the command that reads the setting.
    NotSupported {
        /// The command.
        command: String,
    },
    /// The modem refused the command that sets it.
    Refused {
        /// The command.
        command: String,
        /// Its final result code.
        result: String,
    },
    /// The modem took the command but reports another value afterwards.
    DidNotTake {
        /// What it reports.
        found: String,
    },
}

impl Obstacle {
    /// What the user can do about it, for `setting`.
    pub fn next_step(&self, setting: &Setting) -> String {
        match (self, setting) {
            (Obstacle::NeedsPin { wanted: PinCheck::On }, _) => {
                "Turn the PIN check on in the modem's dashboard or in a phone; it asks for the PIN.".into()
            }
            (Obstacle::NeedsPin { wanted: PinCheck::Off }, _) => {
                "Turn the PIN check off in the modem's dashboard or in a phone; it asks for the PIN.".into()
            }
            (_, Setting::ApnProfile { .. }) => "Enter this APN again in your connection settings.".into(),
            (_, Setting::NetworkMode) => "Choose the network mode again in the modem's dashboard.".into(),
            (_, Setting::PinCheck) => "Check that the SIM card is in and ready, then restore again.".into(),
        }
    }
}

impl fmt::Display for Obstacle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Obstacle::NeedsPin { .. } => {
                f.write_str("switching the PIN check needs the SIM's PIN, which modemflash never sends")
            }
            Obstacle::NotSupported { command } => write!(f, "the modem does not answer {command}"),
            Obstacle::Refused { command, result } => write!(f, "the modem refused {command} ({result})"),
            Obstacle::DidNotTake { found } => write!(f, "the modem took it but still reports {found}"),
        }
    }
}

/// One item of a [`RestoreReport`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RestoredItem {
    /// The setting.
    pub setting: Setting,
    /// What happened.
    #[serde(flatten)]
    pub outcome: RestoreOutcome,
}

impl fmt::Display for RestoredItem {
    /// One line for the CLI and the log, e.g. `APN profile 2: restored (IPV4V6 "corp")`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let setting = &self.setting;
        match &self.outcome {
            RestoreOutcome::Restored { value } => write!(f, "{setting}: restored ({value})"),
            RestoreOutcome::Same { value } => write!(f, "{setting}: already the same ({value})"),
            RestoreOutcome::Changed { was, value } => write!(f, "{setting}: was {was}, set to {value}"),
            RestoreOutcome::Removed { was } => write!(f, "{setting}: removed ({was}, not in the backup)"),
            RestoreOutcome::CouldNot { value, obstacle } => {
                write!(f, "{setting}: could not restore {value}: {obstacle}. {}", obstacle.next_step(setting))
            }
        }
    }
}

/// What a restore did, item by item.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RestoreReport {
    /// Whether the backup came from this very modem (same IMEI).
    pub same_device: bool,
    /// Every item, APN profiles first.
    pub items: Vec<RestoredItem>,
}

impl RestoreReport {
    /// What happened to `setting`, if the backup had it.
    pub fn outcome(&self, setting: &Setting) -> Option<&RestoreOutcome> {
        self.items.iter().find(|i| &i.setting == setting).map(|i| &i.outcome)
    }

    /// The items that could not be restored.
    pub fn could_not(&self) -> impl Iterator<Item = &RestoredItem> {
        self.items.iter().filter(|i| matches!(i.outcome, RestoreOutcome::CouldNot { .. }))
    }

    /// How many items were set (restored, changed or removed).
    pub fn set(&self) -> usize {
        self.items
            .iter()
            .filter(|i| {
                matches!(
                    i.outcome,
                    RestoreOutcome::Restored { .. } | RestoreOutcome::Changed { .. } | RestoreOutcome::Removed { .. }
                )
            })
            .count()
    }
}

/// Puts `backup` back on the modem whose IMEI is `imei`. Items the backup could not read
/// are skipped; an item the modem refuses is reported, not an error. Only a port failure
/// stops the restore.
pub async fn restore<P: Port, O: Observer>(
    at: &mut AtClient<P, O>,
    backup: &SettingsBackup,
    imei: Option<&str>,
) -> Result<RestoreReport, AtError> {
    let mut report = RestoreReport { same_device: backup.device.has_imei(imei), items: Vec::new() };
    if let Some(saved) = backup.apn_profiles.value() {
        restore_apns(at, saved, &mut report.items).await?;
    }
    if let Some(saved) = backup.network_mode.value() {
        report.items.push(restore_network_mode(at, saved).await?);
    }
    if let Some(saved) = backup.pin_check.value() {
        report.items.push(restore_pin_check(at, *saved).await?);
    }
    for item in &report.items {
        let level = if matches!(item.outcome, RestoreOutcome::CouldNot { .. }) { Level::Warn } else { Level::Info };
        at.log(level, item.to_string());
    }
    Ok(report)
}

/// Sends a set command: `Ok(None)` when taken, `Ok(Some(obstacle))` when refused.
async fn set<P: Port, O: Observer>(at: &mut AtClient<P, O>, command: &str) -> Result<Option<Obstacle>, AtError> {
    match at.query(command, QUERY_TIMEOUT).await {
        Ok(_) => Ok(None),
        Err(AtError::Rejected { result, .. }) => {
            Ok(Some(Obstacle::Refused { command: command.into(), result: result.to_string() }))
        }
        Err(AtError::Timeout { .. }) => {
            Ok(Some(Obstacle::Refused { command: command.into(), result: "no answer".into() }))
        }
        Err(e) => Err(e),
    }
}

/// Every saved profile set where it differs, every other profile undefined (§5:
/// `AT+CGDCONT=<cid>` alone), then all read back.
async fn restore_apns<P: Port, O: Observer>(
    at: &mut AtClient<P, O>,
    saved: &[ApnProfile],
    items: &mut Vec<RestoredItem>,
) -> Result<(), AtError> {
    let Some(now) = at.apn_profiles().await? else {
        let obstacle = Obstacle::NotSupported { command: "AT+CGDCONT?".into() };
        items.extend(saved.iter().map(|p| RestoredItem {
            setting: Setting::ApnProfile { cid: p.cid },
            outcome: RestoreOutcome::CouldNot { value: p.to_string(), obstacle: obstacle.clone() },
        }));
        return Ok(());
    };
    let first = items.len();
    for profile in saved {
        let setting = Setting::ApnProfile { cid: profile.cid };
        let value = profile.to_string();
        let found = now.iter().find(|c| c.cid == profile.cid);
        let outcome = match found {
            Some(current) if current == profile => RestoreOutcome::Same { value },
            _ => match set(at, &profile.restore_command()).await? {
                Some(obstacle) => RestoreOutcome::CouldNot { value, obstacle },
                None => match found {
                    Some(current) => RestoreOutcome::Changed { was: current.to_string(), value },
                    None => RestoreOutcome::Restored { value },
                },
            },
        };
        items.push(RestoredItem { setting, outcome });
    }
    for extra in now.iter().filter(|c| !saved.iter().any(|p| p.cid == c.cid)) {
        let outcome = match set(at, &format!("AT+CGDCONT={}", extra.cid)).await? {
            Some(obstacle) => RestoreOutcome::CouldNot { value: format!("no profile {}", extra.cid), obstacle },
            None => RestoreOutcome::Removed { was: extra.to_string() },
        };
        items.push(RestoredItem { setting: Setting::ApnProfile { cid: extra.cid }, outcome });
    }
    if now.as_slice() == saved {
        return Ok(());
    }
    let after = at.apn_profiles().await?.unwrap_or_default();
    for item in &mut items[first..] {
        let Setting::ApnProfile { cid } = item.setting else { continue };
        let wanted = saved.iter().find(|p| p.cid == cid);
        let found = after.iter().find(|p| p.cid == cid);
        if matches!(item.outcome, RestoreOutcome::CouldNot { .. }) || wanted == found {
            continue;
        }
        let value = wanted.map_or_else(|| format!("no profile {cid}"), ToString::to_string);
        let found = found.map_or_else(|| format!("no profile {cid}"), ToString::to_string);
        item.outcome = RestoreOutcome::CouldNot { value, obstacle: Obstacle::DidNotTake { found } };
    }
    Ok(())
}

/// Sets the saved mode with the command it was read with, then reads it back.
async fn restore_network_mode<P: Port, O: Observer>(
    at: &mut AtClient<P, O>,
    saved: &NetworkMode,
) -> Result<RestoredItem, AtError> {
    let command = saved.command();
    let value = saved.to_string();
    let outcome = match at.network_mode(command).await? {
        None => RestoreOutcome::CouldNot {
            value,
            obstacle: Obstacle::NotSupported { command: format!("AT{}?", command.name()) },
        },
        Some(current) if &current == saved => RestoreOutcome::Same { value },
        Some(current) => match set(at, &saved.set_command()).await? {
            Some(obstacle) => RestoreOutcome::CouldNot { value, obstacle },
            None => match at.network_mode(command).await? {
                Some(after) if &after == saved => RestoreOutcome::Changed { was: current.to_string(), value },
                after => RestoreOutcome::CouldNot {
                    value,
                    obstacle: Obstacle::DidNotTake { found: after.map_or_else(|| "nothing".into(), |a| a.to_string()) },
                },
            },
        },
    };
    Ok(RestoredItem { setting: Setting::NetworkMode, outcome })
}

/// Compares the PIN check; it can only be reported, never switched without the PIN.
async fn restore_pin_check<P: Port, O: Observer>(
    at: &mut AtClient<P, O>,
    saved: PinCheck,
) -> Result<RestoredItem, AtError> {
    let value = saved.to_string();
    let outcome = match at.pin_check().await? {
        Some(current) if current == saved => RestoreOutcome::Same { value },
        Some(_) => RestoreOutcome::CouldNot { value, obstacle: Obstacle::NeedsPin { wanted: saved } },
        None => {
            RestoreOutcome::CouldNot { value, obstacle: Obstacle::NotSupported { command: pin_check::QUERY.into() } }
        }
    };
    Ok(RestoredItem { setting: Setting::PinCheck, outcome })
}
