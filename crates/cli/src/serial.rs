//! The engine's [`Port`] over a real serial device, through the `serialport` crate.

use std::fmt;
use std::io::{self, Read, Write};
use std::path::Path;
use std::time::{Duration, Instant as WallInstant};

use modemflash_core::device::UsbId;
use modemflash_core::port::{Port, PortError};
use modemflash_core::time::Instant;
use nix::errno::Errno;
use serialport::{DataBits, FlowControl, Parity, SerialPort, SerialPortType, StopBits};

/// USB modems ignore the line speed; a UART adapter on a bare module needs the usual one.
const BAUD_RATE: u32 = 115_200;

/// How long a write may wait for the device to take the bytes.
const WRITE_TIMEOUT: Duration = Duration::from_secs(2);

/// A serial port opened at 115200 8N1 without flow control, with a clock that starts at open.
pub struct NativeSerialPort {
    inner: Box<dyn SerialPort>,
    opened: WallInstant,
}

impl NativeSerialPort {
    /// Opens `path` for exclusive use.
    pub fn open(path: &str) -> Result<Self, OpenError> {
        let inner = serialport::new(path, BAUD_RATE)
            .data_bits(DataBits::Eight)
            .parity(Parity::None)
            .stop_bits(StopBits::One)
            .flow_control(FlowControl::None)
            .timeout(WRITE_TIMEOUT)
            .open()
            .map_err(|e| OpenError::new(path, e))?;
        Ok(NativeSerialPort { inner, opened: WallInstant::now() })
    }
}

impl Port for NativeSerialPort {
    async fn write(&mut self, bytes: &[u8]) -> Result<(), PortError> {
        self.inner.set_timeout(WRITE_TIMEOUT).map_err(|e| port_error(&e.into()))?;
        self.inner.write_all(bytes).map_err(|e| port_error(&e))?;
        self.inner.flush().map_err(|e| port_error(&e))
    }

    async fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, PortError> {
        self.inner.set_timeout(timeout).map_err(|e| port_error(&e.into()))?;
        match self.inner.read(buf) {
            Ok(n) => Ok(n),
            Err(e) if matches!(e.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock) => Ok(0),
            Err(e) => Err(port_error(&e)),
        }
    }

    fn now(&self) -> Instant {
        Instant::from_origin(self.opened.elapsed())
    }
}

/// Sorts a transport failure into what the engine acts on.
///
/// `serialport` hands most OS errors over as text (nix's description, no errno), so both
/// the errno and its text are checked.
fn port_error(e: &io::Error) -> PortError {
    let text = e.to_string();
    let is = |errno: Errno| e.raw_os_error() == Some(errno as i32) || text == errno.desc();
    // TIOCEXCL refused (EBUSY) or another program holds the flock.
    if is(Errno::EBUSY) || text.contains("exclusive lock") {
        return PortError::Busy(text);
    }
    let vanished = [Errno::EIO, Errno::ENXIO, Errno::ENODEV, Errno::EPIPE].into_iter().any(is)
        || matches!(e.kind(), io::ErrorKind::BrokenPipe | io::ErrorKind::NotFound)
        || text.contains("No such device");
    if vanished {
        PortError::Disconnected
    } else {
        PortError::Io(text)
    }
}

/// Why a serial port could not be opened.
#[derive(Debug)]
pub enum OpenError {
    /// Nothing exists at the path.
    Missing {
        /// The path asked for.
        path: String,
        /// The serial ports that do exist, for the next step.
        available: Vec<String>,
    },
    /// It exists but is no terminal device (a disk, /dev/null, a regular file).
    NotSerial {
        /// The path asked for.
        path: String,
        /// The serial ports that do exist, for the next step.
        available: Vec<String>,
    },
    /// The user may not open it (not in the `dialout` group).
    PermissionDenied {
        /// The path asked for.
        path: String,
    },
    /// The port exists but is busy, gone or failing.
    Port {
        /// The path asked for.
        path: String,
        /// What went wrong, as the engine sees it.
        error: PortError,
    },
}

const NO_PORTS: &str = "No serial ports were found. Plug the modem in; if it shows up only as a CD-ROM \
    drive, it must be switched to modem mode first (usb_modeswitch).";

const NOT_PERMITTED: &str = "Add yourself to the group that owns serial ports: \
    `sudo usermod -aG dialout $USER` (uucp on Arch Linux), then log out and back in.";

impl OpenError {
    fn new(path: &str, e: serialport::Error) -> Self {
        let path = path.to_string();
        match e.kind {
            serialport::ErrorKind::Io(io::ErrorKind::NotFound) if !Path::new(&path).exists() => {
                OpenError::Missing { path, available: available_ports() }
            }
            serialport::ErrorKind::Io(io::ErrorKind::PermissionDenied) => OpenError::PermissionDenied { path },
            _ if e.description == Errno::ENOTTY.desc() => OpenError::NotSerial { path, available: available_ports() },
            _ => OpenError::Port { path, error: port_error(&e.into()) },
        }
    }

    /// What the person should do about it.
    pub fn next_step(&self) -> String {
        match self {
            OpenError::Missing { available, .. } | OpenError::NotSerial { available, .. } if available.is_empty() => {
                NO_PORTS.to_string()
            }
            OpenError::Missing { available, .. } | OpenError::NotSerial { available, .. } => {
                format!("Serial ports on this computer: {}. Pass one of them with --port.", available.join(", "))
            }
            OpenError::PermissionDenied { .. } => NOT_PERMITTED.to_string(),
            OpenError::Port { error, .. } => error.next_step().to_string(),
        }
    }
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::Missing { path, .. } => write!(f, "{path} does not exist"),
            OpenError::NotSerial { path, .. } => write!(f, "{path} is not a serial port"),
            OpenError::PermissionDenied { path } => write!(f, "permission denied opening {path}"),
            OpenError::Port { path, error } => write!(f, "cannot open {path}: {error}"),
        }
    }
}

/// Serial ports the OS lists, with their USB ids where known: `/dev/ttyUSB2 (12d1:1506)`.
fn available_ports() -> Vec<String> {
    let ports = serialport::available_ports().unwrap_or_default();
    ports
        .into_iter()
        .map(|p| match p.port_type {
            SerialPortType::UsbPort(usb) => format!("{} ({})", p.port_name, UsbId::new(usb.vid, usb.pid)),
            _ => p.port_name,
        })
        .collect()
}

/// The USB id of the device behind `path`, when the OS lists it as a USB serial port
/// (symlinks such as /dev/serial/by-id/… are followed).
pub fn usb_id(path: &str) -> Option<UsbId> {
    let wanted = Path::new(path).canonicalize().ok()?;
    serialport::available_ports().ok()?.into_iter().find_map(|p| match p.port_type {
        SerialPortType::UsbPort(usb) if Path::new(&p.port_name).canonicalize().ok()? == wanted => {
            Some(UsbId::new(usb.vid, usb.pid))
        }
        _ => None,
    })
}
