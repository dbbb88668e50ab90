//! `modemflash backup` and `modemflash restore`: a modem's settings as a JSON file, and
//! that file put back on its own, without flashing (core's `settings`; issue 7).
//! `flash` saves the same file next to its journal.

pub mod backup;
pub mod restore;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use futures::executor::block_on;
use modemflash_core::at::{AtClient, AtError};
use modemflash_core::device::probe::{self, Identified, IdentifyError};
use modemflash_core::settings::{PinCheck, Reading, RestoreReport, SettingsBackup};

use crate::output::{self, TrafficLog};
use crate::serial::{self, NativeSerialPort};

/// The wall clock in Unix seconds, for the backup's `taken_at`.
pub fn unix_now() -> Option<u64> {
    SystemTime::now().duration_since(UNIX_EPOCH).ok().map(|d| d.as_secs())
}

/// Opens `port` and identifies the modem on it; prints the error and its next step
/// otherwise (exit status 1).
fn identified(port: &str, verbose: bool) -> Result<(AtClient<NativeSerialPort, TrafficLog>, Identified), ExitCode> {
    let serial = NativeSerialPort::open(port).map_err(|e| output::failure(&e, Some(&e.next_step())))?;
    let mut at = AtClient::new(serial, TrafficLog::new(verbose));
    match block_on(probe::identify(&mut at, serial::usb_id(port))) {
        Ok(found) => Ok((at, found)),
        Err(e) => Err(output::failure(format_args!("{port}: {e}"), Some(e.next_step()))),
    }
}

/// What to do when the modem stopped answering in the middle (the port's advice).
fn next_step(e: AtError) -> &'static str {
    IdentifyError::At(e).next_step()
}

/// Writes `backup` into `dir` under its file name; returns the path.
pub fn save_in(dir: &Path, backup: &SettingsBackup) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(backup.file_name());
    std::fs::write(&path, backup.to_json())?;
    Ok(path)
}

/// What was saved, one line per kind of setting.
pub fn describe_backup(backup: &SettingsBackup) -> String {
    let mut out = String::new();
    let d = &backup.device;
    let _ = writeln!(out, "Modem:         {} {}, firmware {}", d.manufacturer, d.model, d.firmware);
    if let Some(dashboard) = &d.dashboard {
        let _ = writeln!(out, "Dashboard:     {dashboard}");
    }
    match backup.apn_profiles.value() {
        Some(apns) if apns.is_empty() => {
            let _ = writeln!(out, "APN profiles:  none");
        }
        Some(apns) => {
            for (n, p) in apns.iter().enumerate() {
                let label = if n == 0 { "APN profiles:" } else { "" };
                let _ = writeln!(out, "{label:15}{}: {p}", p.cid);
            }
        }
        None => {
            let _ = writeln!(out, "APN profiles:  {}", not_saved(&backup.apn_profiles));
        }
    }
    let mode = backup.network_mode.value().map_or_else(|| not_saved(&backup.network_mode), ToString::to_string);
    let _ = writeln!(out, "Network mode:  {mode}");
    let pin = match backup.pin_check.value() {
        Some(PinCheck::On) => "on (the SIM asks for its PIN at power-up)".to_string(),
        Some(PinCheck::Off) => "off".to_string(),
        None => not_saved(&backup.pin_check),
    };
    let _ = writeln!(out, "PIN check:     {pin}");
    out
}

fn not_saved<T>(reading: &Reading<T>) -> String {
    match reading {
        Reading::NotSupported { reason } => format!("not saved ({reason})"),
        Reading::Saved { .. } => String::new(),
    }
}

/// What a restore did, one line per item, and a note when the backup is another stick's.
pub fn describe_restore(report: &RestoreReport) -> String {
    let mut out = String::new();
    if !report.same_device {
        let _ = writeln!(out, "Note: this backup was taken from another modem.");
    }
    if report.items.is_empty() {
        let _ = writeln!(out, "Settings:  the backup holds nothing this modem can take.");
    }
    for item in &report.items {
        let _ = writeln!(out, "  {item}");
    }
    out
}
