//! The debug bundle of a `flash` (or `recover`) run on disk (core's `debug_bundle`): at
//! `--debug-bundle PATH` when asked, and after every failure next to the journal, so
//! there is always something to attach to a support request. Identity numbers are
//! redacted by core as the bundle is built.

use std::io;
use std::path::{Path, PathBuf};

use modemflash_core::debug_bundle::{DebugBundle, DebugLog, Incident};
use modemflash_core::image::VerificationReport;

use crate::serial;

/// Who wrote the bundle.
const TOOL: &str = concat!("modemflash ", env!("CARGO_PKG_VERSION"), " (command line)");

/// What a run knew when it ended.
pub struct RunFacts<'a> {
    /// The port given on the command line.
    pub port: &'a str,
    /// The file checked, and its report.
    pub checked: Option<(&'a Path, &'a VerificationReport)>,
    /// The log of the run.
    pub log: &'a DebugLog,
    /// How it failed, if it did.
    pub failure: Option<Incident>,
}

/// Writes the bundle for `facts` to `path`.
pub fn write(path: &Path, facts: RunFacts<'_>) -> io::Result<()> {
    let mut bundle = DebugBundle::new(TOOL).fact("port", facts.port);
    if let Some(usb) = serial::usb_id(facts.port) {
        bundle = bundle.fact("usb", &usb.to_string());
    }
    if let Some((file, report)) = facts.checked {
        bundle = bundle.verification(&file.display().to_string(), report);
    }
    if let Some(incident) = facts.failure {
        bundle = bundle.failure(incident);
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, bundle.debug_log(facts.log).to_json())
}

/// Where a failed run's bundle goes when none was asked for: beside its journal,
/// `journal-<key>.json` → `journal-<key>.debug-bundle.json`.
pub fn beside(journal: &Path) -> PathBuf {
    journal.with_extension("debug-bundle.json")
}

/// Writes the bundle and says where it is (or why it is not).
pub fn write_and_tell(path: &Path, facts: RunFacts<'_>) {
    match write(path, facts) {
        Ok(()) => eprintln!(
            "debug bundle: {} (log, facts and checks; IMEI, IMSI, ICCID and phone numbers hidden: attach it to a \
             support request)",
            path.display()
        ),
        Err(e) => eprintln!("warning: cannot write the debug bundle {}: {e}", path.display()),
    }
}
