//! `modemflash`: the engine on the command line (DESIGN.md "The CLI").
//!
//! Exit status: 0 when the command did what was asked, 1 when it could not (the next step
//! is printed under the error), 2 for usage errors.

mod firmware;
mod flash;
mod identify;
mod inspect;
mod manifest;
mod output;
mod pack;
mod recover;
mod serial;
mod settings;
mod sim;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// A flasher for USB modem dongles.
#[derive(Debug, Parser)]
#[command(name = "modemflash", version, propagate_version = true)]
#[command(after_help = "Examples:
  modemflash identify --port /dev/ttyUSB2
  modemflash inspect E3372h_Update_22.333.01.00.00.bin
  modemflash pack --out MF626-pkg --model MF626 NPRG8200.hex partition.mbn amss.mbn
  modemflash flash --port /dev/ttyUSB2 E3372h_Update_22.333.01.00.00.bin
  modemflash backup /dev/ttyUSB2 -o settings.json
  modemflash restore /dev/ttyUSB2 settings.json
  modemflash recover --port /dev/ttyUSB0 --loader usblsafe-e3372h.bin
  modemflash sim --pty --link /tmp/modem")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Ask what answers on a serial port, and which modem it is.
    Identify(identify::IdentifyArgs),
    /// Show a firmware file's partitions and verify it, without touching any modem.
    Inspect(inspect::InspectArgs),
    /// Build a Qualcomm firmware package (programmer, partition table, images, manifest).
    Pack(pack::PackArgs),
    /// Update a modem's firmware: verify, plan, confirm, write, restart, confirm the version.
    Flash(flash::FlashArgs),
    /// For vendors: make a signing key, sign a firmware manifest, verify one (docs/manifest.md).
    Manifest(manifest::ManifestArgs),
    /// Save a modem's settings (APN profiles, network mode, PIN check state) as a JSON file.
    Backup(settings::backup::BackupArgs),
    /// Put a settings backup back on a modem, without flashing; says what it did per item.
    Restore(settings::restore::RestoreArgs),
    /// Bring a Huawei stick stuck in its boot ROM back to update mode with a usbloader, then update it.
    Recover(recover::RecoverArgs),
    /// Run a virtual dongle: on a pseudo-terminal, or as JSON lines for the browser tests.
    Sim(sim::SimArgs),
}

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    match Cli::parse().command {
        Command::Identify(args) => identify::run(&args),
        Command::Inspect(args) => inspect::run(&args),
        Command::Flash(args) => flash::run(&args),
        Command::Pack(args) => pack::run(&args),
        Command::Manifest(args) => manifest::run(&args),
        Command::Backup(args) => settings::backup::run(&args),
        Command::Restore(args) => settings::restore::run(&args),
        Command::Recover(args) => recover::run(&args),
        Command::Sim(args) => sim::run(&args),
    }
}

/// Output piped into `head` or the like ends the program quietly when the reader goes
/// away, as Unix tools do: Rust ignores SIGPIPE, so the next `println!` would panic
/// ("failed printing to stdout: Broken pipe") instead.
fn quiet_on_closed_pipe() {
    use nix::sys::signal::{signal, SigHandler, Signal};
    // SAFETY: the first thing `main` does, before any thread starts; it restores the
    // default disposition, no handler of ours runs.
    let _ = unsafe { signal(Signal::SIGPIPE, SigHandler::SigDfl) };
}
