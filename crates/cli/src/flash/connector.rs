//! Finding the modem again after a mode switch, on a real computer (DESIGN.md "Mode
//! switches").
//!
//! A stick that switches modes leaves the bus and comes back seconds later with another
//! USB id, often at the same device path, sometimes at another. The connector first
//! waits for the port it had open to go away (the path vanishes, or now leads to another
//! device node), then polls every [`POLL`]: the path it was given on the command line
//! (re-opened by name, so a symlink that now points elsewhere is followed), otherwise a
//! serial port the OS lists with one of the wanted USB ids.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use modemflash_core::device::catalogue;
use modemflash_core::device::UsbId;
use modemflash_core::flasher::{ConnectError, Connector, Reconnect};
use serialport::SerialPortType;

use crate::serial::{self, NativeSerialPort, OpenError};

/// How often the connector looks for the modem.
pub const POLL: Duration = Duration::from_millis(250);

/// The flasher's [`Connector`] for serial ports.
pub struct NativeConnector {
    /// The path given with `--port`.
    given: String,
    /// The port last opened, watched until it goes away.
    opened: Option<Opened>,
}

struct Opened {
    path: String,
    node: Option<Node>,
}

/// The device node a path leads to: a path that now leads elsewhere is another port.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Node {
    target: PathBuf,
    device: u64,
}

impl Node {
    fn of(path: &str) -> Option<Node> {
        use std::os::unix::fs::MetadataExt;
        let target = Path::new(path).canonicalize().ok()?;
        let device = std::fs::metadata(&target).ok()?.rdev();
        Some(Node { target, device })
    }
}

impl NativeConnector {
    /// A connector for the modem given as `port`.
    pub fn new(port: &str) -> Self {
        NativeConnector { given: port.to_string(), opened: None }
    }

    /// Opens the port given on the command line, to start the job on.
    pub fn open(&mut self) -> Result<NativeSerialPort, OpenError> {
        let given = self.given.clone();
        self.open_at(&given)
    }

    /// The path of the port opened last: after a reconnect, where the modem came back.
    pub fn opened_path(&self) -> Option<&str> {
        self.opened.as_ref().map(|o| o.path.as_str())
    }

    fn open_at(&mut self, path: &str) -> Result<NativeSerialPort, OpenError> {
        let port = NativeSerialPort::open(path)?;
        self.opened = Some(Opened { path: path.to_string(), node: Node::of(path) });
        Ok(port)
    }

    /// Whether the port opened last has left: its path is gone, leads to another node,
    /// or already shows one of the wanted ids.
    fn left(&self, wanted: &Reconnect) -> bool {
        let Some(opened) = &self.opened else { return true };
        let node = Node::of(&opened.path);
        node.is_none() || node != opened.node || serial::usb_id(&opened.path).is_some_and(|id| wanted.ids.contains(&id))
    }

    /// The path to try now: the given one when it exists and is not some other USB
    /// device, else a listed port with a wanted id.
    fn candidate(&self, wanted: &Reconnect) -> Option<String> {
        let given_fits =
            Path::new(&self.given).exists() && serial::usb_id(&self.given).is_none_or(|id| wanted.ids.contains(&id));
        if given_fits {
            return Some(self.given.clone());
        }
        let ports = serialport::available_ports().unwrap_or_default();
        let listed = ports.into_iter().filter_map(|p| match p.port_type {
            SerialPortType::UsbPort(usb) => Some((p.port_name, UsbId::new(usb.vid, usb.pid), usb.interface)),
            _ => None,
        });
        pick(listed, wanted)
    }
}

/// Among listed `(path, USB id, interface)` ports, the one for `wanted`: the interface
/// the catalogue gives the wanted role, else the only match, else the last match (Huawei
/// lists the AT port last).
fn pick(listed: impl Iterator<Item = (String, UsbId, Option<u8>)>, wanted: &Reconnect) -> Option<String> {
    let matching: Vec<(String, UsbId, Option<u8>)> = listed.filter(|(_, id, _)| wanted.ids.contains(id)).collect();
    let plays_role = |id: UsbId, interface: Option<u8>| {
        interface.is_some_and(|i| catalogue::lookup(id).any(|e| e.ports.contains(&(i, wanted.role))))
    };
    matching
        .iter()
        .find(|(_, id, interface)| plays_role(*id, *interface))
        .or(matching.last())
        .map(|(path, ..)| path.clone())
}

impl Connector for NativeConnector {
    type Port = NativeSerialPort;

    async fn reconnect(&mut self, wanted: &Reconnect) -> Result<NativeSerialPort, ConnectError> {
        let start = Instant::now();
        while !self.left(wanted) {
            if start.elapsed() >= wanted.timeout {
                return Err(ConnectError::NotBack { waited: start.elapsed() });
            }
            std::thread::sleep(POLL);
        }
        let mut last_error = None;
        loop {
            if let Some(path) = self.candidate(wanted) {
                match self.open_at(&path) {
                    Ok(port) => return Ok(port),
                    // Just enumerated: udev may not have set its permissions yet.
                    Err(e) => last_error = Some(e.to_string()),
                }
            }
            if start.elapsed() >= wanted.timeout {
                return Err(last_error.map_or(ConnectError::NotBack { waited: start.elapsed() }, ConnectError::Open));
            }
            std::thread::sleep(POLL);
        }
    }
}

#[cfg(test)]
mod tests {
    use modemflash_core::device::catalogue::Mode;
    use modemflash_core::device::PortRole;

    use super::*;

    const NORMAL: UsbId = UsbId::new(0x12d1, 0x1506);
    const DOWNLOAD: UsbId = UsbId::new(0x12d1, 0x1c05);

    fn wanted(mode: Mode, id: UsbId, role: PortRole) -> Reconnect {
        Reconnect { mode, ids: vec![id], role, timeout: Duration::from_secs(1) }
    }

    fn listed(ports: &[(&str, UsbId, Option<u8>)]) -> impl Iterator<Item = (String, UsbId, Option<u8>)> {
        ports.iter().map(|(p, id, i)| (p.to_string(), *id, *i)).collect::<Vec<_>>().into_iter()
    }

    #[test]
    fn picks_the_interface_that_plays_the_wanted_role() {
        let ports = [
            ("/dev/ttyS0", UsbId::new(0x1a86, 0x7523), Some(0)),
            ("/dev/ttyUSB0", NORMAL, Some(0)),
            ("/dev/ttyUSB1", NORMAL, Some(1)),
            ("/dev/ttyUSB2", NORMAL, Some(2)),
            ("/dev/ttyUSB3", NORMAL, Some(3)),
        ];
        let pcui = wanted(Mode::Normal, NORMAL, PortRole::Pcui);
        assert_eq!(pick(listed(&ports), &pcui).as_deref(), Some("/dev/ttyUSB2"));
        let download = wanted(Mode::Download, DOWNLOAD, PortRole::Download);
        assert_eq!(pick(listed(&ports), &download), None, "no port with the download id yet");
        let back = [("/dev/ttyUSB0", DOWNLOAD, Some(2))];
        assert_eq!(pick(listed(&back), &download).as_deref(), Some("/dev/ttyUSB0"));
    }

    #[test]
    fn without_interface_numbers_the_last_matching_port_is_taken() {
        let ports = [("/dev/ttyUSB0", NORMAL, None), ("/dev/ttyUSB1", NORMAL, None), ("/dev/ttyUSB2", NORMAL, None)];
        let pcui = wanted(Mode::Normal, NORMAL, PortRole::Pcui);
        assert_eq!(pick(listed(&ports), &pcui).as_deref(), Some("/dev/ttyUSB2"));
    }

    #[test]
    fn a_port_that_vanished_has_left_and_one_that_stays_has_not() {
        let path = std::env::temp_dir().join(format!("modemflash-unit-{}-node", std::process::id()));
        std::fs::write(&path, b"").unwrap();
        let path = path.to_str().unwrap().to_string();
        let mut connector = NativeConnector::new(&path);
        let download = wanted(Mode::Download, DOWNLOAD, PortRole::Download);
        assert!(connector.left(&download), "nothing opened yet");
        connector.opened = Some(Opened { path: path.clone(), node: Node::of(&path) });
        assert!(!connector.left(&download));
        std::fs::remove_file(&path).unwrap();
        assert!(connector.left(&download));
    }
}
