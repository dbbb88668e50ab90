//! `modemflash sim`: a virtual dongle (`modemflash_sim::Sim`) served in real time, on a
//! pseudo-terminal for any serial program, or as JSON lines for the browser tests.

mod bridge;
mod driver;
mod pty;
mod stable_link;
mod stop;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgGroup, Args, ValueEnum};
use modemflash_core::device::PortRole;
use modemflash_core::image::Sha256Digest;
use modemflash_sim::image::update::{default_version, update_file};
use modemflash_sim::image::usbloader::stock_loader;
use modemflash_sim::profile::{self, Profile, PROFILES};
use modemflash_sim::{Sim, VirtualDongle};
use sha2::{Digest, Sha256};

use self::pty::PortChoice;
use crate::output;

/// Arguments of `modemflash sim`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("serve").required(true).args(["pty", "bridge", "write_update", "write_loader"])))]
#[command(after_help = after_help())]
pub struct SimArgs {
    /// Serve one serial interface on a new pseudo-terminal; its path is the first line on
    /// stdout, and every mode switch prints the path of a new one.
    #[arg(long)]
    pty: bool,
    /// Serve every serial interface as JSON lines on stdin/stdout (see "Bridge protocol").
    #[arg(long)]
    bridge: bool,
    /// Which dongle to play (see "Profiles").
    #[arg(long, value_name = "NAME", default_value = "e3372h", value_parser = parse_profile)]
    profile: &'static Profile,
    /// Serve this interface number on the pty [default: the AT command port].
    #[arg(long, value_name = "N", conflicts_with_all = ["role", "bridge"])]
    interface: Option<u8>,
    /// Serve the interface that plays this role on the pty.
    #[arg(long, value_enum, conflicts_with = "bridge")]
    role: Option<Role>,
    /// Keep a symlink at PATH to the current pty: gone while the dongle is off the bus,
    /// removed on exit.
    #[arg(long, value_name = "PATH", conflicts_with = "bridge")]
    link: Option<PathBuf>,
    /// Write a synthetic update for this profile's stick to PATH and exit (a file for
    /// Huawei sticks, a package folder for Qualcomm ones, or its .zip when PATH ends in
    /// .zip): something to try `flash` (and the page) against the virtual dongle with.
    /// Never a vendor's.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["interface", "role", "link"])]
    write_update: Option<PathBuf>,
    /// With --write-update: the firmware version the update installs (default: one the
    /// profile's family writes, 22.333.01.00.00 for Huawei, 02.30.01.01 for Sierra).
    #[arg(long, value_name = "VERSION", requires = "write_update")]
    firmware_version: Option<String>,
    /// With --write-update: about how many bytes the update flashes.
    #[arg(long, value_name = "BYTES", default_value_t = 1_000_000, requires = "write_update")]
    size: usize,
    /// Write a synthetic boot ROM loader (usbloader) for the virtual stick to PATH and
    /// exit: something to try `recover` with against `--start-in boot-rom`. Like a stock
    /// loader it erases the whole flash, IMEI and calibration included, unless --patched.
    /// Never a vendor's.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["interface", "role", "link", "write_update"])]
    write_loader: Option<PathBuf>,
    /// With --write-loader: a patched loader that keeps the flash (name the file
    /// usblsafe*.bin, as patched loaders are named).
    #[arg(long, requires = "write_loader")]
    patched: bool,
    /// When serving ends, write the virtual flash to DIR: one `<code>.bin` per partition
    /// written (8 hex digits: the Balong partition code, the Qualcomm table index) and
    /// `partition-table.bin` when a Qualcomm table was sent, for tests to compare with
    /// the firmware.
    #[arg(long, value_name = "DIR", conflicts_with = "write_update")]
    dump_flash: Option<PathBuf>,
    /// The mode the dongle is in when it is plugged in (download: an earlier update was
    /// interrupted).
    #[arg(long, value_enum, value_name = "MODE", default_value = "normal")]
    start_in: StartMode,
}

/// The mode the virtual dongle starts in.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum StartMode {
    /// Normal firmware: AT, data and diagnostics ports.
    Normal,
    /// Download mode (Balong download mode, Sierra boot-and-hold): the download port
    /// only (`--pty` serves it).
    Download,
    /// A virtual CD-ROM (ZeroCD) until its switch message arrives (`--bridge` only: the
    /// switch is a USB request, not serial bytes).
    ZeroCd,
    /// A Huawei stick with a broken boot loader: only the boot ROM's emergency port
    /// (12d1:1443, specs/huawei-balong.md §14), which `--pty` serves, until `recover`
    /// loads a loader into it.
    BootRom,
}

/// The serial roles a dongle has in normal mode.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum Role {
    /// The AT command port (Huawei PCUI).
    Pcui,
    /// The PPP data port; answers AT too.
    Modem,
    /// Qualcomm DIAG: binary, silent to AT.
    Diag,
}

impl From<Role> for PortRole {
    fn from(role: Role) -> Self {
        match role {
            Role::Pcui => PortRole::Pcui,
            Role::Modem => PortRole::Modem,
            Role::Diag => PortRole::Diag,
        }
    }
}

/// A Qualcomm stick's update is a package folder, or its zip (docs/qualcomm-package.md).
fn write_package(path: &std::path::Path, version: &str, args: &SimArgs) -> ExitCode {
    let package = modemflash_sim::image::qualcomm::stick_package(args.profile, version, args.size);
    let written = if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip")) {
        std::fs::write(path, package.zip())
    } else {
        std::fs::create_dir_all(path)
            .and_then(|()| package.files.iter().try_for_each(|(name, bytes)| std::fs::write(path.join(name), bytes)))
    };
    match written {
        Ok(()) => {
            println!("{}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => output::failure(format_args!("cannot write {}: {e}", path.display()), None),
    }
}

/// Runs `sim` until SIGINT/SIGTERM (`--pty`) or the end of stdin (`--bridge`).
pub fn run(args: &SimArgs) -> ExitCode {
    if let Some(path) = &args.write_update {
        let version = args.firmware_version.as_deref().unwrap_or_else(|| default_version(args.profile));
        if args.profile.is_qualcomm() {
            return write_package(path, version, args);
        }
        let bytes = update_file(args.profile, version, args.size);
        return match std::fs::write(path, &bytes) {
            Ok(()) => {
                println!("{}", path.display());
                ExitCode::SUCCESS
            }
            Err(e) => output::failure(format_args!("cannot write {}: {e}", path.display()), None),
        };
    }
    if let Some(path) = &args.write_loader {
        return match std::fs::write(path, stock_loader(!args.patched)) {
            Ok(()) => {
                println!("{}", path.display());
                ExitCode::SUCCESS
            }
            Err(e) => output::failure(format_args!("cannot write {}: {e}", path.display()), None),
        };
    }
    let choice = match port_choice(args) {
        Ok(choice) => choice,
        Err(message) => return output::usage_error(message, None),
    };
    let dongle = match args.start_in {
        StartMode::Normal => VirtualDongle::new(args.profile),
        StartMode::Download => VirtualDongle::in_download_mode(args.profile),
        StartMode::ZeroCd => match VirtualDongle::in_zero_cd(args.profile) {
            Some(dongle) if args.bridge => dongle,
            Some(_) => {
                return output::usage_error("--start-in zero-cd needs --bridge: a CD-ROM has no serial port", None)
            }
            None => {
                return output::usage_error(
                    format!("profile {} has no CD-ROM mode in the switch table", args.profile.name),
                    None,
                )
            }
        },
        StartMode::BootRom if !args.profile.is_balong() => {
            return output::usage_error(
                format_args!("profile {} has no Balong boot ROM", args.profile.name),
                Some("Use --start-in boot-rom with a Huawei Balong profile such as e3372h."),
            )
        }
        StartMode::BootRom => VirtualDongle::in_boot_rom(args.profile),
    };
    let sim = Sim::from_dongle(dongle, driver::REAL_TIME);
    if let Err(e) = stop::install() {
        return output::failure(format_args!("cannot handle SIGINT/SIGTERM: {e}"), None);
    }
    let served = if args.bridge { bridge::serve(&sim) } else { pty::serve(&sim, choice, args.link.as_deref()) };
    let served = served.and_then(|()| args.dump_flash.as_deref().map_or(Ok(()), |dir| dump_flash(&sim, dir)));
    match served {
        Ok(()) => {
            if !args.bridge {
                report_flash(&sim);
            }
            ExitCode::SUCCESS
        }
        Err(e) => output::failure(e, None),
    }
}

/// What the virtual flash holds when the sim stops, one line per partition on stderr
/// (`flash 00030000 50000 bytes sha256 …`), so a test, or a person, can compare it byte
/// for byte with the update that was sent over the pty.
fn report_flash(sim: &Sim) {
    sim.inspect(|dongle| {
        for (code, bytes) in dongle.flash() {
            let digest = Sha256Digest(Sha256::digest(bytes).into());
            eprintln!("flash {code:08x} {} bytes sha256 {digest}", bytes.len());
        }
    });
}

/// Writes the virtual flash into `dir` (see `--dump-flash`).
fn dump_flash(sim: &Sim, dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    sim.inspect(|d| {
        for (code, bytes) in d.flash() {
            std::fs::write(dir.join(format!("{code:08x}.bin")), bytes)?;
        }
        match d.partition_table() {
            [] => Ok(()),
            table => std::fs::write(dir.join("partition-table.bin"), table),
        }
    })
    .map_err(|e| std::io::Error::new(e.kind(), format!("cannot dump the virtual flash into {}: {e}", dir.display())))
}

/// The normal-mode interface `--interface` or `--role` chose (the AT command port by
/// default), checked against the profile.
fn port_choice(args: &SimArgs) -> Result<PortChoice, String> {
    let choice = match (args.interface, args.role) {
        (Some(iface), _) => PortChoice::Interface(iface),
        (None, role) => PortChoice::Role(role.map_or(PortRole::Pcui, PortRole::from)),
    };
    let ports = args.profile.normal_ports;
    match choice.resolve(ports) {
        Some(_) => Ok(choice),
        None => {
            let list: Vec<String> = ports.iter().map(|(i, r)| format!("{i} ({})", r.label())).collect();
            Err(format!("profile {} has no such serial interface; it has {}", args.profile.name, list.join(", ")))
        }
    }
}

fn parse_profile(name: &str) -> Result<&'static Profile, String> {
    profile::by_name(name).ok_or_else(|| {
        let names: Vec<&str> = PROFILES.iter().map(|p| p.name).collect();
        format!("no profile named {name:?}; known profiles: {}", names.join(", "))
    })
}

fn after_help() -> String {
    let mut help = String::from("Profiles:\n");
    let width = PROFILES.iter().map(|p| p.name.len()).max().unwrap_or(0);
    for p in PROFILES {
        help.push_str(&format!("  {:width$}  {}\n", p.name, p.description));
    }
    help.push_str(
        r#"
Bridge protocol (--bridge): one JSON document per line, data in lowercase hex.
  first line  {"event":"ready","usb":"12d1:1506","ports":[{"interface":0,"role":"modem"},...],
               "interfaces":[{"interface":0,"class":255},...]}  every USB interface and its class
  stdin       {"op":"write","interface":2,"data":"41540d"}
  stdin       {"op":"unplug"}  {"op":"replug"}               pull the dongle out, plug it in again
  stdout      {"event":"data","interface":2,"data":"..."}   whenever bytes become readable
  stdout      {"event":"disconnected"}                      it left the bus (mode switch, reboot, unplug)
  stdout      {"event":"connected","usb":"12d1:1c05","ports":[{"interface":2,"role":"download"}]}
                                                            it is back, with this USB id and these ports
                                                            (and "interfaces", as in "ready")
  stdin       {"op":"control","request_type":0,"request":3,"value":1,"index":0}
                                                            a control request to the device
  stdout      {"event":"control","outcome":"ack"}           its answer: "ack", or "stall" when refused
  stdin       {"op":"check-flash","file":"update.bin"}      does the virtual flash hold that file's partitions?
  stdout      {"event":"flash-check","exact":true,"partitions":6,"differing":[],"error":null}
  stdout      {"event":"error","message":"..."}             for a line that was not understood
  The bridge stops at the end of stdin.

Mode switches (--pty): when the dongle leaves the bus (AT^GODLOAD, the reset after an update) the pty
closes and the link disappears; when it comes back a new pty serves the port a flasher needs (download
mode: the download port), its path is printed as a new line, and the link points at it.

Examples:
  modemflash sim --pty                          # AT command port of a Huawei E3372h
  modemflash sim --pty --link /tmp/modem        # then: modemflash identify --port /tmp/modem
  modemflash sim --pty --link /tmp/modem --start-in download   # a stick left in update mode
  modemflash sim --pty --role diag              # a port that stays silent to AT
  modemflash sim --pty --link /tmp/modem --start-in boot-rom   # a stick stuck in its boot ROM, then:
  modemflash sim --write-loader usblsafe-e3372h.bin --patched
  modemflash recover --port /tmp/modem --loader usblsafe-e3372h.bin"#,
    );
    help
}
