//! `modemflash restore PORT FILE`: puts a settings backup back on a modem, without
//! flashing, and says item by item what it did.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use futures::executor::block_on;
use modemflash_core::settings::{restore, SettingsBackup};

use super::{describe_restore, identified, next_step};
use crate::output;

/// Arguments of `modemflash restore`.
#[derive(Debug, Args)]
#[command(after_help = "Sets every saved setting that differs from what the modem has now, removes APN profiles
the backup does not have, and reads each one back. The PIN check is compared but never switched:
that needs the SIM's PIN, which modemflash never sends. Each item is printed as restored, already
the same, changed (with the value the modem had), removed, or could not be restored (with why and
what to do).

Exit status: 0 every item is as saved; 1 an item could not be restored, or the modem did not
answer; 2 usage error or a file that is not a settings backup.

Example:
  modemflash restore /dev/ttyUSB2 e3372-settings.json")]
pub struct RestoreArgs {
    /// The modem's AT command port.
    #[arg(value_name = "PORT")]
    port: String,
    /// A file saved by `modemflash backup`, by `flash`, or by the page.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Print the AT traffic on stderr as it happens.
    #[arg(long, short)]
    verbose: bool,
}

/// Runs `restore`.
pub fn run(args: &RestoreArgs) -> ExitCode {
    let text = match std::fs::read_to_string(&args.file) {
        Ok(text) => text,
        Err(e) => {
            return output::usage_error(
                format_args!("cannot read {}: {e}", args.file.display()),
                Some("Check the path of the backup file."),
            )
        }
    };
    let backup = match SettingsBackup::from_json(&text) {
        Ok(backup) => backup,
        Err(e) => return output::usage_error(format_args!("{}: {e}", args.file.display()), None),
    };
    let (mut at, found) = match identified(&args.port, args.verbose) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let imei = found.identity.imei.as_deref();
    let report = match block_on(restore(&mut at, &backup, imei)) {
        Ok(report) => report,
        Err(e) => return output::failure(format_args!("{}: {e}", args.port), Some(next_step(e.clone()))),
    };
    println!("Restored the settings of {} onto the modem at {}:", args.file.display(), args.port);
    print!("{}", describe_restore(&report));
    match report.could_not().count() {
        0 => ExitCode::SUCCESS,
        n => output::failure(
            format_args!("{n} setting(s) could not be restored"),
            Some("Follow the advice printed with each of them."),
        ),
    }
}
