//! `modemflash identify`: what answers on a port, and which modem it is
//! (specs/at-commands.md §4, §7 "Port choice").

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Args;
use futures::executor::block_on;
use modemflash_core::at::AtClient;
use modemflash_core::device::catalogue::Mode;
use modemflash_core::device::chipset::{self, Chipset, ChipsetSource};
use modemflash_core::device::probe::{self, Identified};
use modemflash_core::device::PortRole;
use modemflash_core::event::Silent;
use modemflash_core::protocol::bootrom::BootRomClient;
use modemflash_core::protocol::diag::{self, ProbeState};
use serde::Serialize;

use crate::output::{self, TrafficLog};
use crate::serial::{self, NativeSerialPort};

/// Arguments of `modemflash identify`.
#[derive(Debug, Args)]
#[command(after_help = "A modem shows several serial ports; only one takes AT commands (Huawei: PCUI,
usually the last). Exit status: 0 identified, 1 nothing identified, 2 usage error.

Examples:
  modemflash identify --port /dev/ttyUSB2
  modemflash identify --port /dev/serial/by-id/usb-HUAWEI_MOBILE_HUAWEI_MOBILE-if02-port0 --json
  modemflash identify --port /dev/ttyUSB0 -v")]
pub struct IdentifyArgs {
    /// The modem's serial port (/dev/ttyUSB2, /dev/ttyACM0, COM5).
    #[arg(long, short, value_name = "PATH")]
    port: String,
    /// Print one JSON document on stdout instead of the summary.
    #[arg(long)]
    json: bool,
    /// Show the whole IMEI instead of only its last four digits.
    #[arg(long)]
    show_imei: bool,
    /// Print the AT traffic on stderr as it happens.
    #[arg(long, short)]
    verbose: bool,
}

/// Runs `identify`; the exit status follows the module's rules.
pub fn run(args: &IdentifyArgs) -> ExitCode {
    let port = match NativeSerialPort::open(&args.port) {
        Ok(port) => port,
        Err(e) => return output::failure(&e, Some(&e.next_step())),
    };
    if !args.json && std::io::stderr().is_terminal() {
        eprintln!("Asking {} for AT commands…", args.port);
    }
    let mut at = AtClient::new(port, TrafficLog::new(args.verbose));
    match block_on(probe::identify(&mut at, serial::usb_id(&args.port))) {
        Ok(found) => {
            let report = Report::new(&args.port, &found, args.show_imei);
            if args.json {
                println!("{}", serde_json::to_string_pretty(&report).expect("a report always serializes"));
            } else {
                print!("{report}");
            }
            ExitCode::SUCCESS
        }
        Err(e @ probe::IdentifyError::NoAtReply { .. }) => {
            // Not an AT port: ask it the Qualcomm probe of specs/qualcomm-dload.md §2.4.
            let (mut port, _) = at.into_parts();
            match block_on(diag::probe(&mut port)) {
                Ok(state @ (ProbeState::DmssDownload | ProbeState::Diag | ProbeState::StreamingProgrammer)) => {
                    let chipset = serial::usb_id(&args.port).and_then(chipset::of_usb_id);
                    if args.json {
                        let document = serde_json::json!({
                            "port": args.port,
                            "qualcomm": format!("{state:?}"),
                            "describe": state.describe(),
                            "chipset": chipset,
                        });
                        println!("{document}");
                    } else {
                        println!("{}: {}", args.port, state.describe());
                        if let Some(chipset) = &chipset {
                            println!("Chipset:       {}", chipset_label(chipset));
                        }
                    }
                    ExitCode::SUCCESS
                }
                Ok(state @ (ProbeState::Sahara | ProbeState::Firehose)) => output::failure(
                    format_args!("{}: {}", args.port, state.describe()),
                    Some("Unplug the modem and plug it in again to leave this mode; update it with its vendor's tool."),
                ),
                Ok(ProbeState::NotQualcomm) | Err(_) if answers_boot_rom_probe(&mut port) => {
                    if args.json {
                        println!("{}", serde_json::json!({ "port": args.port, "mode": Mode::BootRom }));
                    } else {
                        println!("{}: {BOOT_ROM}", args.port);
                        println!("next step: modemflash recover --port {} --loader usbloader.bin", args.port);
                    }
                    ExitCode::SUCCESS
                }
                Ok(ProbeState::NotQualcomm) | Err(_) => {
                    output::failure(format_args!("{}: {e}", args.port), Some(e.next_step()))
                }
            }
        }
        Err(e) => output::failure(format_args!("{}: {e}", args.port), Some(e.next_step())),
    }
}

/// What a port that answers the boot ROM probe is.
const BOOT_ROM: &str = "a Huawei Balong boot ROM (the emergency port of a stick whose boot loader does not start; \
                        specs/huawei-balong.md §14): it takes a usbloader, nothing else";

/// Whether the port answers `A` with `U`, as a Balong boot ROM does (§14.2). Asked
/// last: one byte, after AT and the Qualcomm probe found nothing.
fn answers_boot_rom_probe(port: &mut NativeSerialPort) -> bool {
    block_on(BootRomClient::new(port, Silent).probe()).is_ok()
}

/// The `--json` document. Field names are stable: scripts depend on them.
#[derive(Debug, Serialize)]
struct Report<'a> {
    /// The path it was asked on.
    port: &'a str,
    /// `vid:pid` of the USB device behind the port, when the OS tells.
    usb: Option<String>,
    /// The mode that USB id stands for (`normal`, `download` …).
    mode: Option<Mode>,
    /// The role of the port that answered (`pcui`).
    role: PortRole,
    manufacturer: &'a str,
    model: &'a str,
    /// Firmware revision (`+CGMR`).
    revision: &'a str,
    /// Masked to the last four digits unless `--show-imei`.
    imei: Option<String>,
    /// Hardware version (`^HWVER`).
    hardware: Option<&'a str>,
    /// Dashboard / WebUI version (`^VERSION:EXTD`).
    dashboard: Option<&'a str>,
    /// The chipset (`name`) and how it was told (`from`: `build-string`, `model`,
    /// `usb-id`), where it can be known.
    chipset: Option<Chipset>,
}

impl<'a> Report<'a> {
    fn new(port: &'a str, found: &'a Identified, show_imei: bool) -> Self {
        let id = &found.identity;
        Report {
            port,
            usb: found.usb.map(|u| u.to_string()),
            mode: found.mode(),
            role: found.role,
            manufacturer: &id.manufacturer,
            model: &id.model,
            revision: &id.revision,
            imei: if show_imei { id.imei.clone() } else { id.masked_imei() },
            hardware: id.hardware.as_deref(),
            dashboard: id.version.as_ref().and_then(|v| v.dashboard()),
            chipset: found.chipset(),
        }
    }
}

impl std::fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let or_unknown = |v: Option<&str>| v.unwrap_or("not reported").to_string();
        writeln!(f, "Manufacturer:  {}", self.manufacturer)?;
        writeln!(f, "Model:         {}", self.model)?;
        writeln!(f, "Firmware:      {}", self.revision)?;
        writeln!(f, "IMEI:          {}", or_unknown(self.imei.as_deref()))?;
        writeln!(f, "Hardware:      {}", or_unknown(self.hardware))?;
        writeln!(f, "Dashboard:     {}", or_unknown(self.dashboard))?;
        writeln!(f, "Chipset:       {}", self.chipset.as_ref().map_or("not known".to_string(), chipset_label))?;
        if let Some(usb) = &self.usb {
            match self.mode {
                Some(mode) => writeln!(f, "USB id:        {usb} ({})", mode_label(mode))?,
                None => writeln!(f, "USB id:        {usb}")?,
            }
        }
        writeln!(f, "Answered on:   {}", self.role.label())
    }
}

/// `Qualcomm MDM9x30 (from the firmware's build string)`.
fn chipset_label(chipset: &Chipset) -> String {
    let from = match chipset.from {
        ChipsetSource::BuildString => "the firmware's build string",
        ChipsetSource::Model => "the model",
        ChipsetSource::UsbId => "the USB id",
    };
    format!("{} (from {from})", chipset.name)
}

fn mode_label(mode: Mode) -> &'static str {
    match mode {
        Mode::ZeroCd => "CD-ROM mode",
        Mode::Normal => "normal mode",
        Mode::Download => "download mode",
        Mode::BootRom => "boot ROM mode",
    }
}
