//! `modemflash flash`: the whole staged update of one modem (DESIGN.md "The CLI"):
//! inspect the image and refuse a bad one before the port is opened, show the plan, ask,
//! then run core's `Flasher` with a native connector, a progress display and a journal
//! on disk that lets an interrupted update resume.

pub mod bundle;
pub mod confirm;
pub mod connector;
mod journal_file;
mod progress;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use futures::executor::block_on;
use modemflash_core::debug_bundle::{DebugLog, Incident};
use modemflash_core::event::{Event, Observer};
use modemflash_core::flasher::{DeviceState, Failure, Flasher, Job, Journal, Plan, Report};
use modemflash_core::image::{Inspection, Outcome, Sha256Digest};
use modemflash_core::settings::SettingsBackup;

use self::connector::NativeConnector;
use self::journal_file::JournalFile;
use self::progress::ProgressDisplay;
use crate::inspect::{self, mark, REFUSED_NEXT_STEP};
use crate::output::{self, grouped};
use crate::{firmware, serial, settings};

/// Arguments of `modemflash flash`.
#[derive(Debug, Args)]
#[command(after_help = "The firmware is verified first: a file that fails any check is refused before the port is
opened. The plan is shown and confirmed (y/N) on a terminal; --yes confirms up front. The settings
(APN profiles, network mode, PIN check state) are backed up before the update, saved as a file next
to the journal (its path is printed; `modemflash restore` takes it), and restored after it. The modem restarts twice (into update mode
and back); each time the port is found again at PATH, or else by its USB id.

If the update stops, a debug bundle (the log, the modem's facts, the checks and the failure, with
IMEI, IMSI, ICCID and phone numbers hidden) is written next to the journal and its path printed;
--debug-bundle PATH writes one there, whatever the outcome.

If the update is interrupted, a journal remembers the partitions already written: run the same
command again to resume. It is kept in $XDG_STATE_HOME/modemflash (~/.local/state/modemflash
without XDG_STATE_HOME) unless --journal says where, and removed after a successful update.

Exit status: 0 the modem runs the new firmware; 1 refused or stopped (the stage and the next step
are printed); 2 usage error, unreadable file, or no terminal to confirm on without --yes.

Examples:
  modemflash flash --port /dev/ttyUSB2 E3372h_Update_22.333.01.00.00.bin
  modemflash flash --port /dev/ttyUSB2 update.bin --sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
  modemflash flash --port /dev/ttyUSB2 update.bin --only WEBUI --yes
  modemflash sim --pty --link /tmp/modem        # in another shell: a virtual stick to practise on
  modemflash flash --port /tmp/modem update.bin")]
pub struct FlashArgs {
    /// The modem's AT command port (/dev/ttyUSB2, a /dev/serial/by-id/… link), or its
    /// download port when it is already in update mode.
    #[arg(long, short, value_name = "PATH")]
    port: String,
    /// The firmware: a .bin file, an updater .exe, or a folder of partition images named
    /// like 00-00030000-Kernel.bin.
    #[arg(value_name = "FILE|FOLDER")]
    path: PathBuf,
    /// Confirm up front instead of asking (for scripts).
    #[arg(long, short)]
    yes: bool,
    /// Write only these partitions (names or hex codes, as `inspect` lists them).
    #[arg(long, value_name = "NAME[,NAME…]", value_delimiter = ',')]
    only: Option<Vec<String>>,
    /// The SHA-256 checksum published with the file; a different file is refused.
    #[arg(long, value_name = "HEX")]
    sha256: Option<Sha256Digest>,
    /// Keep the journal at PATH instead of the state directory.
    #[arg(long, value_name = "PATH")]
    journal: Option<PathBuf>,
    /// Print the AT traffic as it happens.
    #[arg(long, short)]
    verbose: bool,
    /// Write a debug bundle to PATH when the job ends, however it ends: the log, the
    /// modem's facts, the checks and the failure, identity numbers hidden.
    #[arg(long, value_name = "PATH")]
    debug_bundle: Option<PathBuf>,
}

impl FlashArgs {
    /// The update `recover` continues with, on the port the stick came back at.
    pub fn after_recovery(port: String, path: PathBuf, yes: bool, debug_bundle: Option<PathBuf>) -> Self {
        FlashArgs { port, path, yes, only: None, sha256: None, journal: None, verbose: false, debug_bundle }
    }
}

/// Runs `flash`; the exit status follows the module's rules.
pub fn run(args: &FlashArgs) -> ExitCode {
    if !args.yes && !confirm::can_ask() {
        return output::usage_error(
            "nobody can confirm the update: standard input is not a terminal",
            Some("Pass --yes to flash without being asked, or run the command in a terminal."),
        );
    }
    let firmware = match firmware::load(&args.path, args.sha256) {
        Ok(firmware) => firmware,
        Err(e) => return output::usage_error(&e, Some(e.next_step())),
    };
    if let Some(reason) = inspect::refusal(&firmware.inspection.report) {
        for check in firmware.inspection.report.failures() {
            eprintln!("{} {}", mark(check.outcome), check.sentence);
        }
        return output::failure(format_args!("{reason}; nothing was sent to the modem"), Some(REFUSED_NEXT_STEP));
    }
    let key = Plan::journal_key(&firmware.inspection.image);
    let journal_file = match JournalFile::locate(args.journal.as_deref(), &key) {
        Ok(file) => file,
        Err(e) => return output::usage_error(&e, Some(e.next_step())),
    };
    let journal = match journal_file.load(&key) {
        Ok(journal) => journal,
        Err(e) => return output::usage_error(&e, Some(e.next_step())),
    };
    let resuming = journal.is_some();
    let journal = journal.unwrap_or_else(|| Journal::new(key));
    let inspection = firmware.for_flashing();
    let plan = match Plan::new(&inspection, args.only.as_deref(), &journal) {
        Ok(plan) => plan,
        Err(e) => return output::usage_error(&e, Some(e.next_step())),
    };
    if resuming {
        println!("Resuming an interrupted update (journal {}).", journal_file.path().display());
    }
    let resumed_settings = resuming.then_some(journal.settings.is_some());
    print!("{}", describe_plan(args, &inspection, &plan, resumed_settings));
    if !args.yes {
        match confirm::ask(&format!("Flash this firmware onto the modem at {}?", args.port)) {
            Ok(true) => {}
            Ok(false) => return output::failure("not confirmed", Some("Nothing was sent to the modem.")),
            Err(e) => return output::failure(format_args!("cannot read the answer: {e}"), None),
        }
    }

    let mut connector = NativeConnector::new(&args.port);
    let port = match connector.open() {
        Ok(port) => port,
        Err(e) => return output::failure(&e, Some(&e.next_step())),
    };
    let observer =
        JobObserver { display: ProgressDisplay::new(args.verbose), journal_file, unsaved: false, log: DebugLog::new() };
    let job = Job {
        inspection: &inspection,
        source: firmware.source,
        only: args.only.clone(),
        journal,
        usb: serial::usb_id(&args.port),
    };
    let mut flasher = Flasher::new(connector, observer);
    if let Some(now) = settings::unix_now() {
        flasher = flasher.with_wall_clock(now);
    }
    let result = block_on(flasher.run(port, job));
    let (_, mut observer) = flasher.into_parts();
    observer.display.finish(result.is_ok());
    let bundle_path = match (&args.debug_bundle, &result) {
        (Some(path), _) => Some(path.clone()),
        (None, Err(_)) => Some(bundle::beside(observer.journal_file.path())),
        (None, Ok(_)) => None,
    };
    if let Some(path) = bundle_path {
        let facts = bundle::RunFacts {
            port: &args.port,
            checked: Some((&args.path, &inspection.report)),
            log: &observer.log,
            failure: result.as_ref().err().map(Incident::from_failure),
        };
        bundle::write_and_tell(&path, facts);
    }
    match result {
        Ok(report) => {
            if let Err(e) = observer.journal_file.remove() {
                eprintln!("warning: cannot remove the journal {}: {e}", observer.journal_file.path().display());
            }
            print!("{}", describe_report(&args.port, &report));
            ExitCode::SUCCESS
        }
        Err(failure) => stopped(&failure, &observer.journal_file),
    }
}

/// Prints where and why the job stopped, what to do, and where its journal is.
fn stopped(failure: &Failure, journal_file: &JournalFile) -> ExitCode {
    let code = output::failure(failure, Some(&failure.advice()));
    if journal_file.exists() {
        let path = journal_file.path().display();
        match failure.state {
            DeviceState::InDownloadMode => {
                eprintln!("journal: {path} (run the same command again to resume where it stopped)")
            }
            DeviceState::Unchanged | DeviceState::Updated => eprintln!("journal: {path}"),
        }
    }
    code
}

/// Draws the job and keeps its journal on disk.
struct JobObserver {
    display: ProgressDisplay,
    journal_file: JournalFile,
    /// A save failed and was reported; later failures stay quiet.
    unsaved: bool,
    /// The protocol log, for the debug bundle.
    log: DebugLog,
}

impl JobObserver {
    /// Keeps the settings backup next to the journal, so it outlives the job.
    fn save_settings(&mut self, backup: &SettingsBackup) {
        let dir = self.journal_file.path().parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let line = match settings::save_in(dir, backup) {
            Ok(path) => format!("  Settings saved: {} (`modemflash restore` takes it)", path.display()),
            Err(e) => format!("  warning: cannot save the settings backup in {}: {e}", dir.display()),
        };
        self.display.println(&line);
    }
}

impl Observer for JobObserver {
    fn on_event(&mut self, event: &Event) {
        if let Event::SettingsSaved(backup) = event {
            self.save_settings(backup);
        }
        if let Event::Journal(journal) = event {
            match self.journal_file.save(journal) {
                Ok(()) => self.unsaved = false,
                Err(e) if !self.unsaved => {
                    self.unsaved = true;
                    self.display.println(&format!(
                        "  warning: cannot save the journal {}: {e}; an interruption would restart the update from \
                         the beginning",
                        self.journal_file.path().display()
                    ));
                }
                Err(_) => {}
            }
        }
        self.log.on_event(event);
        self.display.on_event(event);
    }
}

/// The plan, for the person to confirm.
/// `resumed_settings`: when resuming, whether the interrupted run's journal kept a backup.
fn describe_plan(args: &FlashArgs, inspection: &Inspection, plan: &Plan, resumed_settings: Option<bool>) -> String {
    let report = &inspection.report;
    let target = &inspection.image.target;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Firmware:  {}: version {} for {}; verified ({} checks, {} warning(s)).",
        args.path.display(),
        target.version.as_deref().unwrap_or("not stated"),
        target.product.as_deref().or(target.platform.as_deref()).unwrap_or("an unnamed product"),
        report.checks().len(),
        report.warnings().count(),
    );
    for check in report.checks().iter().filter(|c| c.outcome == Outcome::Warn) {
        let _ = writeln!(out, "           {} {}", mark(check.outcome), check.sentence);
    }
    let _ = writeln!(out, "Modem:     {}", args.port);
    let to_write = plan.partitions.iter().filter(|p| !p.already_written).count();
    let _ = writeln!(out, "Plan:      write {to_write} partition(s), {} bytes:", grouped(plan.bytes_to_write));
    let name_width = plan.partitions.iter().map(|p| p.name.chars().count()).max().unwrap_or(0);
    for (n, p) in plan.partitions.iter().enumerate() {
        let what = if p.already_written {
            "written by the interrupted run; skipped".to_string()
        } else {
            format!("{:>13} bytes", grouped(p.size))
        };
        let _ = writeln!(out, "           {:>2}. {:name_width$}  {:08x}  {what}", n + 1, p.name, p.code);
    }
    let _ = match (&plan.expected_version, &args.only) {
        (Some(version), _) => writeln!(out, "Version:   the modem should report {version} afterwards."),
        (None, Some(_)) => {
            writeln!(out, "Version:   only some partitions are written; the firmware version stays as it is.")
        }
        (None, None) => {
            writeln!(out, "Version:   the firmware names no version; the modem reports its own afterwards.")
        }
    };
    let _ = writeln!(
        out,
        "Kept:      the settings (APN profiles, network mode, PIN check state) are backed up, saved as a file and \
         restored."
    );
    match resumed_settings {
        Some(true) => {
            let _ = writeln!(
                out,
                "           (The settings the interrupted run backed up are restored; a modem in update mode has \
                 none to read.)"
            );
        }
        Some(false) => {
            let _ = writeln!(out, "           (A modem still in update mode has no settings to back up.)");
        }
        None => {}
    }
    let _ = writeln!(
        out,
        "Replaced:  the partitions above. Keep the modem plugged in until the update is done; if it is interrupted, \
         run the same command again to resume."
    );
    out
}

/// What the finished job did.
fn describe_report(port: &str, report: &Report) -> String {
    let mut out = String::new();
    let _ = match &report.old_version {
        Some(old) => writeln!(out, "Done: the modem at {port} now runs firmware {} (was {old}).", report.new_version),
        None => writeln!(out, "Done: the modem at {port} now runs firmware {}.", report.new_version),
    };
    if !report.written.is_empty() {
        let _ = writeln!(out, "Written:   {}.", report.written.join(", "));
    }
    if !report.resumed.is_empty() {
        let _ = writeln!(out, "Resumed:   {} had been written by the interrupted run.", report.resumed.join(", "));
    }
    if report.left_download_composition {
        let _ = writeln!(out, "USB:       {}", modemflash_core::flasher::LEFT_DOWNLOAD_COMPOSITION);
    }
    match &report.restore {
        _ if report.settings.is_none() => {
            let _ = writeln!(out, "Settings:  the modem started in update mode, so there were no settings to back up.");
        }
        Some(restore) => {
            let _ = writeln!(out, "Settings:");
            out.push_str(&settings::describe_restore(restore));
        }
        None => {}
    }
    out
}
