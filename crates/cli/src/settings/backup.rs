//! `modemflash backup PORT [-o FILE]`: the modem's settings as one JSON document.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use futures::executor::block_on;
use modemflash_core::settings::SettingsBackup;

use super::{describe_backup, identified, next_step, unix_now};
use crate::output;

/// Arguments of `modemflash backup`.
#[derive(Debug, Args)]
#[command(after_help = "Saves what you would have to type again after an update: the APN profiles, the network
mode and band preferences (Huawei ^SYSCFGEX/^SYSCFG, ZTE +ZSNT), whether the SIM asks for its PIN
(never the PIN), and the firmware and dashboard versions. What the modem does not support is
recorded as such. The file holds the IMEI's last four digits only. Nothing is changed on the modem.

Exit status: 0 saved; 1 the modem did not answer or the file could not be written; 2 usage error.

Examples:
  modemflash backup /dev/ttyUSB2 -o e3372-settings.json
  modemflash backup /dev/ttyUSB2 > settings.json")]
pub struct BackupArgs {
    /// The modem's AT command port (/dev/ttyUSB2, /dev/serial/by-id/…).
    #[arg(value_name = "PORT")]
    port: String,
    /// Write the JSON to FILE (otherwise it goes to standard output).
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Print the AT traffic on stderr as it happens.
    #[arg(long, short)]
    verbose: bool,
}

/// Runs `backup`.
pub fn run(args: &BackupArgs) -> ExitCode {
    let (mut at, found) = match identified(&args.port, args.verbose) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let backup = match block_on(SettingsBackup::read(&mut at, &found.identity, unix_now())) {
        Ok(backup) => backup,
        Err(e) => return output::failure(format_args!("{}: {e}", args.port), Some(next_step(e.clone()))),
    };
    match &args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, backup.to_json()) {
                return output::failure(
                    format_args!("cannot write {}: {e}", path.display()),
                    Some("Choose a file in a folder you can write to."),
                );
            }
            print!("{}", describe_backup(&backup));
            println!("Saved:         {}", path.display());
        }
        None => {
            eprint!("{}", describe_backup(&backup));
            println!("{}", backup.to_json());
        }
    }
    ExitCode::SUCCESS
}
