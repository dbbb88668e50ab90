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
use modemflash_sim::profile::{self, Profile, PROFILES};
use modemflash_sim::Sim;

use crate::output;

/// Arguments of `modemflash sim`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("serve").required(true).args(["pty", "bridge"])))]
#[command(after_help = after_help())]
pub struct SimArgs {
    /// Serve one serial interface on a new pseudo-terminal; its path is the first line on stdout.
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
    /// Keep a symlink at PATH to the pty, removed on exit.
    #[arg(long, value_name = "PATH", conflicts_with = "bridge")]
    link: Option<PathBuf>,
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

/// Runs `sim` until SIGINT/SIGTERM (`--pty`) or the end of stdin (`--bridge`).
pub fn run(args: &SimArgs) -> ExitCode {
    let sim = Sim::with_link(args.profile, driver::REAL_TIME);
    if let Err(e) = stop::install() {
        return output::failure(format_args!("cannot handle SIGINT/SIGTERM: {e}"), None);
    }
    let served = if args.bridge {
        bridge::serve(&sim)
    } else {
        let iface = match served_interface(args, &sim) {
            Ok(iface) => iface,
            Err(message) => return output::usage_error(message),
        };
        pty::serve(&sim, iface, args.link.as_deref())
    };
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => output::failure(e, None),
    }
}

/// The interface `--interface` or `--role` chose; the AT command port by default.
fn served_interface(args: &SimArgs, sim: &Sim) -> Result<u8, String> {
    let ports = sim.ports();
    let found = match (args.interface, args.role) {
        (Some(iface), _) => ports.iter().find(|(i, _)| *i == iface),
        (None, role) => {
            let role = role.map_or(PortRole::Pcui, PortRole::from);
            ports.iter().find(|(_, r)| *r == role)
        }
    };
    found.map(|(iface, _)| *iface).ok_or_else(|| {
        let list: Vec<String> = ports.iter().map(|(i, r)| format!("{i} ({})", r.label())).collect();
        format!("profile {} has no such serial interface; it has {}", args.profile.name, list.join(", "))
    })
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
  first line  {"event":"ready","usb":"12d1:1506","ports":[{"interface":0,"role":"modem"},...]}
  stdin       {"op":"write","interface":2,"data":"41540d"}
  stdout      {"event":"data","interface":2,"data":"..."}   whenever bytes become readable
  stdout      {"event":"error","message":"..."}             for a line that was not understood
  The bridge stops at the end of stdin.

Examples:
  modemflash sim --pty                          # AT command port of a Huawei E3372h
  modemflash sim --pty --link /tmp/modem        # then: modemflash identify --port /tmp/modem
  modemflash sim --pty --role diag              # a port that stays silent to AT"#,
    );
    help
}
