//! `modemflash recover`: brings a Huawei Balong stick stuck in its boot ROM (12d1:1443,
//! a boot loop or a broken boot loader, specs/huawei-balong.md §14) back to download
//! mode by loading a usbloader the person provides, then, if a firmware file is given,
//! continues with the normal update (`flash`).
//!
//! Stock loaders erase the whole flash, IMEI and calibration included (§14.4): such a
//! loader is refused unless `--erases-imei-and-calibration` says the person read the
//! warning. Everything is checked (the loader, and the firmware when one is given)
//! before the first byte goes to the modem.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use futures::executor::block_on;
use modemflash_core::debug_bundle::{DebugLog, Incident};
use modemflash_core::event::{Event, Level, Observer};
use modemflash_core::flasher::recovery;
use modemflash_core::flasher::{recover_boot_rom, Connector, RecoveryError};
use modemflash_core::image::usbloader::{self, UsbLoader};

use crate::firmware;
use crate::flash::{self, bundle, confirm, connector::NativeConnector, FlashArgs};
use crate::inspect::{self, mark, REFUSED_NEXT_STEP};
use crate::output::{self, traffic_line};

/// The flag that confirms an erasing loader.
const ERASE_FLAG: &str = "--erases-imei-and-calibration";

/// Arguments of `modemflash recover`.
#[derive(Debug, Args)]
#[command(after_help = "For a Huawei Balong stick that shows only its boot ROM port (USB 12d1:1443): after a failed
update, a boot loop, or with the boot test point shorted to ground while plugging it in. The loader
(usbloader*.bin, made for the stick's chip) is checked, sent over the boot ROM protocol and started;
the stick then restarts in update mode. With a firmware file the update follows at once (as
`modemflash flash`); without one, the next step is printed.

Stock loaders ERASE THE WHOLE FLASH, including the IMEI and the radio calibration, which no firmware
file contains. They are refused unless --erases-imei-and-calibration is given. Patched \"usblsafe\"
loaders keep the flash (modemflash cannot verify the patch, only the name).

Exit status: 0 the stick is in update mode (and, with a firmware file, runs it); 1 refused or stopped
(the next step is printed); 2 usage error or unreadable file.

Examples:
  modemflash recover --port /dev/ttyUSB0 --loader usblsafe-e3372h.bin
  modemflash recover --port /dev/ttyUSB0 --loader usblsafe-e3372h.bin E3372h_Update_22.333.01.00.00.bin --yes
  modemflash sim --pty --link /tmp/modem --start-in boot-rom   # a virtual stick stuck in its boot ROM")]
pub struct RecoverArgs {
    /// The stick's boot ROM port (/dev/ttyUSB0).
    #[arg(long, short, value_name = "PATH")]
    port: String,
    /// The boot loader file, usbloader*.bin or a patched usblsafe*.bin.
    #[arg(long, value_name = "FILE")]
    loader: PathBuf,
    /// Send a loader that erases the whole flash (IMEI, NV settings, calibration): only
    /// for a stick whose flash is lost anyway.
    #[arg(long)]
    erases_imei_and_calibration: bool,
    /// Update with this firmware once the stick is in update mode (as `flash` does).
    #[arg(value_name = "FILE|FOLDER")]
    firmware: Option<PathBuf>,
    /// With a firmware file: confirm the update up front instead of asking.
    #[arg(long, short, requires = "firmware")]
    yes: bool,
    /// Write a debug bundle (the log, the checks, the failure; identity numbers hidden)
    /// to PATH if the recovery stops, and after the update that follows (as `flash
    /// --debug-bundle` does).
    #[arg(long, value_name = "PATH")]
    debug_bundle: Option<PathBuf>,
    /// Print the boot ROM exchange and the AT traffic as they happen.
    #[arg(long, short)]
    verbose: bool,
}

/// Runs `recover`; the exit status follows the module's rules.
pub fn run(args: &RecoverArgs) -> ExitCode {
    if args.firmware.is_some() && !args.yes && !confirm::can_ask() {
        // Found out before the loader goes out, not when the update asks.
        return output::usage_error(
            "nobody can confirm the update: standard input is not a terminal",
            Some("Pass --yes to update without being asked, or run the command in a terminal."),
        );
    }
    let bytes = match std::fs::read(&args.loader) {
        Ok(bytes) => bytes,
        Err(e) => {
            return output::usage_error(
                format_args!("cannot read the loader {}: {e}", args.loader.display()),
                Some("Check the path of the usbloader file."),
            )
        }
    };
    let loader = usbloader::inspect(&args.loader.to_string_lossy(), bytes);
    println!("Loader:    {}", args.loader.display());
    for check in loader.report.checks() {
        println!("           {} {}", mark(check.outcome), check.sentence);
    }
    if let Some(refused) = refusal(&loader, args.erases_imei_and_calibration) {
        return refused;
    }
    if let Some(path) = &args.firmware {
        // The firmware is verified before the loader goes out: a stick left in update
        // mode with no usable firmware is no better off.
        match firmware::load(path, None) {
            Ok(firmware) => {
                if let Some(reason) = inspect::refusal(&firmware.inspection.report) {
                    for check in firmware.inspection.report.failures() {
                        eprintln!("{} {}", mark(check.outcome), check.sentence);
                    }
                    return output::failure(
                        format_args!("{reason}; nothing was sent to the modem"),
                        Some(REFUSED_NEXT_STEP),
                    );
                }
            }
            Err(e) => return output::usage_error(&e, Some(e.next_step())),
        }
    }

    let mut connector = NativeConnector::new(&args.port);
    let port = match connector.open() {
        Ok(port) => port,
        Err(e) => return output::failure(&e, Some(&e.next_step())),
    };
    println!("Sending the loader to the boot ROM at {}.", args.port);
    let mut observer = RecoveryLog { verbose: args.verbose, log: DebugLog::new() };
    if let Err(e) = block_on(recover_boot_rom(port, &loader, &mut observer)) {
        if let Some(path) = &args.debug_bundle {
            let facts = bundle::RunFacts {
                port: &args.port,
                checked: Some((&args.loader, &loader.report)),
                log: &observer.log,
                failure: Some(Incident::new(&e.to_string(), STILL_IN_BOOT_ROM, e.next_step())),
            };
            bundle::write_and_tell(path, facts);
        }
        return output::failure(&e, Some(e.next_step()));
    }
    println!("Waiting for the modem in update mode…");
    let download_port = match block_on(connector.reconnect(&recovery::after_loader())) {
        Ok(_) => connector.opened_path().unwrap_or(&args.port).to_string(),
        Err(e) => {
            return output::failure(
                format_args!("the loader was sent, but {e}"),
                Some(
                    "Run `modemflash identify` on the modem's ports: it may be in update mode on another one. The \
                     loader runs from memory: once the modem is unplugged, it is back in its boot ROM and the \
                     recovery starts over.",
                ),
            )
        }
    };
    println!("The modem is in update mode at {download_port}.");
    match &args.firmware {
        None => {
            println!(
                "Next step: update it now (its firmware is incomplete until then):\n  modemflash flash --port \
                 {download_port} FIRMWARE"
            );
            ExitCode::SUCCESS
        }
        Some(path) => {
            flash::run(&FlashArgs::after_recovery(download_port, path.clone(), args.yes, args.debug_bundle.clone()))
        }
    }
}

/// Exit 1 with the reason when the loader may not be sent; nothing was sent then.
fn refusal(loader: &UsbLoader, erase_confirmed: bool) -> Option<ExitCode> {
    if let Some(failure) = loader.report.failures().next() {
        let error = RecoveryError::Loader(failure.sentence.clone());
        return Some(output::failure(format_args!("{error}; nothing was sent to the modem"), Some(error.next_step())));
    }
    if loader.erases_flash && !erase_confirmed {
        return Some(output::failure(
            "refused: this loader erases the whole flash, IMEI and calibration included; nothing was sent to the modem",
            Some(&format!(
                "Use a patched \"usblsafe\" loader made for this modem. Only if its flash is lost anyway, run the same \
                 command with {ERASE_FLAG}."
            )),
        ));
    }
    None
}

/// The state a stopped recovery leaves the stick in.
const STILL_IN_BOOT_ROM: &str = "The modem is still in its boot ROM: the boot ROM starts over at the next plug-in.";

/// Prints what the boot ROM exchange reports: its steps always, the traffic with
/// `--verbose`. The warnings were printed with the loader's checks.
struct RecoveryLog {
    verbose: bool,
    /// For the debug bundle.
    log: DebugLog,
}

impl Observer for RecoveryLog {
    fn on_event(&mut self, event: &Event) {
        self.log.on_event(event);
        match event {
            Event::Log(Level::Info, message) => println!("  {message}"),
            _ if self.verbose => {
                if let Some(line) = traffic_line(event) {
                    eprintln!("{line}");
                }
            }
            _ => {}
        }
    }
}
