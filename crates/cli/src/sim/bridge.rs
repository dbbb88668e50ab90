//! `sim --bridge`: every serial interface of the virtual dongle as JSON lines on
//! stdin/stdout, for the browser tests' test-only `navigator.serial` (DESIGN.md "Testing").
//!
//! The protocol is listed in `sim --help`. Each output line is flushed as it is written.
//! `ready` and `connected` also list every USB interface with its class, and `control`
//! sends a control request to the device, for the browser tests' test-only
//! `navigator.usb` (a dongle in CD-ROM mode has no serial interface, only storage).

use std::fmt::Write as _;
use std::io::{self, Write};
use std::os::fd::{AsFd, AsRawFd};
use std::path::Path;

use core::time::Duration;

use futures::executor::block_on;
use modemflash_core::device::mode_switch::ControlRequest;
use modemflash_core::device::PortRole;
use modemflash_core::image::{inspect, InspectOptions};
use modemflash_sim::image::expected::expected_flash;
use modemflash_sim::zero_cd::ControlOutcome;
use modemflash_sim::Sim;
use serde::{Deserialize, Serialize};

use super::driver::{self, HostEnd, HostInput, HostOp};

/// Serves every interface of `sim` until stdin ends.
pub fn serve(sim: &Sim) -> io::Result<()> {
    let mut bridge = Bridge { present: sim.usb_id().is_some(), ports: sim.ports(), pending: Vec::new() };
    let ready = Output::Ready { usb: usb_of(sim), ports: port_list(bridge.ports), interfaces: interface_list(sim) };
    let served = emit(&ready).and_then(|()| driver::serve(sim, &mut bridge));
    match served {
        // The harness went away without closing stdin first: nothing left to serve.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(io::Error::new(e.kind(), format!("the bridge failed: {e}"))),
        Ok(()) => Ok(()),
    }
}

/// A line the bridge writes.
#[derive(Debug, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
enum Output {
    /// First line: the dongle's USB id, serial interfaces and all USB interfaces.
    Ready { usb: String, ports: Vec<PortEntry>, interfaces: Vec<InterfaceEntry> },
    /// Bytes the dongle sent on `interface`, in hex.
    Data { interface: u8, data: String },
    /// The dongle left the bus (mode switch, reboot, unplug): every port is gone.
    Disconnected,
    /// The dongle is back on the bus, with this USB id, these ports and interfaces.
    Connected { usb: String, ports: Vec<PortEntry>, interfaces: Vec<InterfaceEntry> },
    /// How the device answered a `control` request: `ack` or `stall`.
    Control { outcome: &'static str },
    /// Whether the virtual flash holds every partition of a firmware file, byte for byte.
    FlashCheck { exact: bool, partitions: usize, differing: Vec<u32>, error: Option<String> },
    /// An input line that was not understood; the bridge carries on.
    Error { message: String },
}

#[derive(Debug, Serialize)]
struct PortEntry {
    interface: u8,
    role: PortRole,
}

#[derive(Debug, Serialize)]
struct InterfaceEntry {
    interface: u8,
    class: u8,
}

/// A line the bridge reads.
#[derive(Debug, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case", deny_unknown_fields)]
enum Input {
    /// The host writes bytes (hex) to `interface`.
    Write { interface: u8, data: String },
    /// The dongle is pulled out.
    Unplug,
    /// The dongle is plugged in again; it enumerates seconds later.
    Replug,
    /// A control request to the device (no data stage).
    Control { request_type: u8, request: u8, value: u16, index: u16 },
    /// Compares the virtual flash with what the firmware file at `file` must leave in it
    /// (the browser tests' proof that an update wrote every byte).
    CheckFlash { file: String },
}

struct Bridge {
    /// Whether the dongle is on the bus (a CD-ROM is, with no serial interface).
    present: bool,
    /// The dongle's serial interfaces now (none while it is off the bus).
    ports: &'static [(u8, PortRole)],
    /// Input after the last complete line.
    pending: Vec<u8>,
}

impl Bridge {
    fn parse(&self, line: &[u8]) -> Result<HostOp, String> {
        let input: Input = serde_json::from_slice(line)
            .map_err(|e| format!("not a bridge command ({e}): {}", String::from_utf8_lossy(line)))?;
        match input {
            Input::Write { interface, .. } if !self.present => {
                Err(format!("the virtual dongle is off the bus: interface {interface} is gone"))
            }
            Input::Write { interface, .. } if !self.ports.iter().any(|(i, _)| *i == interface) => {
                Err(format!("the virtual dongle has no serial interface {interface}"))
            }
            Input::Write { interface, data } => Ok(HostOp::Write { iface: interface, bytes: hex_decode(&data)? }),
            Input::Unplug => Ok(HostOp::Unplug),
            Input::Replug if self.present => Err("the virtual dongle is plugged in; unplug it first".to_string()),
            Input::Replug => Ok(HostOp::Replug),
            Input::Control { request_type, request, value, index } => {
                Ok(HostOp::Control(ControlRequest { request_type, request, value, index }))
            }
            Input::CheckFlash { file } => Ok(HostOp::CheckFlash(file.into())),
        }
    }
}

impl HostEnd for Bridge {
    fn wait(&mut self, timeout: Duration) -> io::Result<HostInput> {
        let stdin = io::stdin();
        if !driver::wait_readable(stdin.as_fd(), timeout)? {
            return Ok(HostInput::Ops(Vec::new()));
        }
        // Straight from the descriptor: std's buffered stdin would hide bytes from `poll`.
        let mut buf = [0u8; 8192];
        let n = match nix::unistd::read(stdin.as_raw_fd(), &mut buf) {
            Ok(0) => return Ok(HostInput::Closed),
            Ok(n) => n,
            Err(nix::errno::Errno::EINTR | nix::errno::Errno::EAGAIN) => return Ok(HostInput::Ops(Vec::new())),
            Err(e) => return Err(e.into()),
        };
        self.pending.extend_from_slice(&buf[..n]);
        let mut ops = Vec::new();
        while let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            let line = line.trim_ascii();
            if line.is_empty() {
                continue;
            }
            match self.parse(line) {
                Ok(op) => {
                    // An unplug takes effect at once: later lines see the ports gone.
                    if op == HostOp::Unplug {
                        self.present = false;
                        self.ports = &[];
                    }
                    ops.push(op);
                }
                Err(message) => emit(&Output::Error { message })?,
            }
        }
        Ok(HostInput::Ops(ops))
    }

    fn deliver(&mut self, iface: u8, bytes: &[u8]) -> io::Result<()> {
        emit(&Output::Data { interface: iface, data: hex_encode(bytes) })
    }

    fn disconnected(&mut self) -> io::Result<()> {
        self.present = false;
        self.ports = &[];
        emit(&Output::Disconnected)
    }

    fn connected(&mut self, sim: &Sim) -> io::Result<()> {
        self.present = true;
        self.ports = sim.ports();
        emit(&Output::Connected { usb: usb_of(sim), ports: port_list(self.ports), interfaces: interface_list(sim) })
    }

    fn check_flash(&mut self, sim: &Sim, file: &Path) -> io::Result<()> {
        emit(&flash_check(sim, file))
    }

    fn control_done(&mut self, outcome: ControlOutcome) -> io::Result<()> {
        let outcome = match outcome {
            ControlOutcome::Ack => "ack",
            ControlOutcome::Stall => "stall",
        };
        emit(&Output::Control { outcome })
    }
}

/// `vid:pid`, or empty while the dongle is off the bus.
fn usb_of(sim: &Sim) -> String {
    sim.usb_id().map(|u| u.to_string()).unwrap_or_default()
}

/// The virtual flash against the partitions of the firmware at `file`.
fn flash_check(sim: &Sim, file: &Path) -> Output {
    let failed =
        |error: String| Output::FlashCheck { exact: false, partitions: 0, differing: Vec::new(), error: Some(error) };
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) => return failed(format!("cannot read {}: {e}", file.display())),
    };
    let expected = block_on(inspect(&mut bytes.as_slice(), &InspectOptions::default()))
        .map_err(|e| e.to_string())
        .and_then(|inspection| expected_flash(&inspection, &bytes).map_err(|e| e.to_string()));
    let expected = match expected {
        Ok(expected) => expected,
        Err(e) => return failed(e),
    };
    let differing: Vec<u32> = sim.inspect(|d| {
        expected.iter().filter(|(code, data)| d.flash().get(code) != Some(data)).map(|(code, _)| *code).collect()
    });
    Output::FlashCheck { exact: differing.is_empty(), partitions: expected.len(), differing, error: None }
}

fn interface_list(sim: &Sim) -> Vec<InterfaceEntry> {
    sim.inspect(|d| d.interfaces()).into_iter().map(|(interface, class)| InterfaceEntry { interface, class }).collect()
}

fn port_list(ports: &[(u8, PortRole)]) -> Vec<PortEntry> {
    ports.iter().map(|&(interface, role)| PortEntry { interface, role }).collect()
}

/// Writes one line and flushes it: the harness waits for each.
fn emit(line: &Output) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    serde_json::to_writer(&mut stdout, line)?;
    stdout.write_all(b"\n")?;
    stdout.flush()
}

fn hex_encode(bytes: &[u8]) -> String {
    let mut hex = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        write!(hex, "{b:02x}").expect("writing to a String cannot fail");
    }
    hex
}

fn hex_decode(hex: &str) -> Result<Vec<u8>, String> {
    let nibble = |digit: u8| char::from(digit).to_digit(16).map(|d| d as u8);
    let pairs = hex.as_bytes().chunks_exact(2);
    let bytes = if pairs.remainder().is_empty() {
        pairs.map(|pair| Some((nibble(pair[0])? << 4) | nibble(pair[1])?)).collect()
    } else {
        None
    };
    bytes.ok_or_else(|| format!("data is not an even number of hex digits: {hex:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_rejects_odd_or_non_hex_input() {
        let bytes = b"AT+CGMM\r\n\x00\xff";
        assert_eq!(hex_encode(bytes), "41542b43474d4d0d0a00ff");
        assert_eq!(hex_decode(&hex_encode(bytes)).unwrap(), bytes);
        assert_eq!(hex_decode("0D0a").unwrap(), b"\r\n");
        assert!(hex_decode("414").is_err());
        assert!(hex_decode("4g").is_err());
    }

    #[test]
    fn ready_line_lists_interfaces_with_kebab_case_roles() {
        let ready = Output::Ready {
            usb: "12d1:1506".into(),
            ports: port_list(&[(0, PortRole::Modem), (1, PortRole::Diag), (2, PortRole::Pcui)]),
            interfaces: interface_list(&Sim::new(&modemflash_sim::profile::E3372H)),
        };
        assert_eq!(
            serde_json::to_string(&ready).unwrap(),
            r#"{"event":"ready","usb":"12d1:1506","ports":[{"interface":0,"role":"modem"},{"interface":1,"role":"diag"},{"interface":2,"role":"pcui"}],"interfaces":[{"interface":0,"class":255},{"interface":1,"class":255},{"interface":2,"class":255}]}"#
        );
    }

    #[test]
    fn write_to_a_missing_interface_is_refused() {
        let bridge = Bridge { present: true, ports: &[(2, PortRole::Pcui)], pending: Vec::new() };
        assert_eq!(
            bridge.parse(br#"{"op":"write","interface":2,"data":"41540d"}"#),
            Ok(HostOp::Write { iface: 2, bytes: b"AT\r".to_vec() })
        );
        assert!(bridge.parse(br#"{"op":"write","interface":7,"data":"41"}"#).unwrap_err().contains("interface 7"));
        assert!(bridge.parse(br#"{"op":"read"}"#).is_err());
    }

    #[test]
    fn unplug_and_replug_are_ops_and_a_dongle_off_the_bus_takes_no_writes() {
        let plugged = Bridge { present: true, ports: &[(2, PortRole::Pcui)], pending: Vec::new() };
        assert_eq!(plugged.parse(br#"{"op":"unplug"}"#), Ok(HostOp::Unplug));
        assert!(plugged.parse(br#"{"op":"replug"}"#).unwrap_err().contains("unplug it first"));
        let off = Bridge { present: false, ports: &[], pending: Vec::new() };
        assert_eq!(off.parse(br#"{"op":"replug"}"#), Ok(HostOp::Replug));
        assert!(off.parse(br#"{"op":"write","interface":2,"data":"41"}"#).unwrap_err().contains("off the bus"));
    }

    #[test]
    fn reenumeration_events_have_the_documented_shape() {
        assert_eq!(serde_json::to_string(&Output::Disconnected).unwrap(), r#"{"event":"disconnected"}"#);
        let back = Output::Connected {
            usb: "12d1:1c05".into(),
            ports: port_list(&[(2, PortRole::Download)]),
            interfaces: vec![InterfaceEntry { interface: 2, class: 0xff }],
        };
        assert_eq!(
            serde_json::to_string(&back).unwrap(),
            r#"{"event":"connected","usb":"12d1:1c05","ports":[{"interface":2,"role":"download"}],"interfaces":[{"interface":2,"class":255}]}"#
        );
    }

    #[test]
    fn control_requests_are_ops_and_their_outcome_is_reported() {
        let cd = Bridge { present: true, ports: &[], pending: Vec::new() };
        assert!(cd.parse(br#"{"op":"replug"}"#).unwrap_err().contains("unplug it first"), "a CD-ROM is plugged in");
        assert!(cd
            .parse(br#"{"op":"write","interface":0,"data":"55"}"#)
            .unwrap_err()
            .contains("no serial interface 0"));
        assert_eq!(
            cd.parse(br#"{"op":"control","request_type":0,"request":3,"value":1,"index":0}"#),
            Ok(HostOp::Control(modemflash_core::device::mode_switch::HUAWEI_MODE))
        );
        assert_eq!(
            serde_json::to_string(&Output::Control { outcome: "stall" }).unwrap(),
            r#"{"event":"control","outcome":"stall"}"#
        );
    }
}
