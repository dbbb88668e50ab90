//! One port type and one connector type for the real and the virtual modem.
//!
//! The engine is generic over its port and connector; with a type per modem the page
//! carried two copies of the flasher and three of the AT client, its largest functions.
//! Dispatching here, once per read or write, keeps one copy of each in the wasm.

use std::time::Duration;

use modemflash_core::flasher::{ConnectError, Connector, Reconnect};
use modemflash_core::port::{Port, PortError};
use modemflash_core::time::Instant;
use modemflash_sim::SimPort;

use crate::demo::{PacedConnector, PacedPort};
use crate::transport::reconnect::WebConnector;
use crate::transport::web_serial::WebSerialPort;
use crate::transport::web_usb::WebUsbPort;

/// The port the wizard talks through.
pub enum ModemPort {
    /// A real modem through Web Serial.
    Serial(WebSerialPort),
    /// A real modem's interface through WebUSB.
    Usb(WebUsbPort),
    /// The virtual modem at full speed (identification).
    Virtual(SimPort),
    /// The virtual modem at a real stick's pace (the update demo).
    Paced(PacedPort),
}

impl ModemPort {
    /// Closes a real port, releasing its locks or its interface; a virtual port is just
    /// dropped.
    pub async fn close(self) {
        match self {
            ModemPort::Serial(port) => port.close().await,
            ModemPort::Usb(port) => port.close().await,
            ModemPort::Virtual(_) | ModemPort::Paced(_) => {}
        }
    }
}

impl Port for ModemPort {
    async fn write(&mut self, bytes: &[u8]) -> Result<(), PortError> {
        match self {
            ModemPort::Serial(p) => p.write(bytes).await,
            ModemPort::Usb(p) => p.write(bytes).await,
            ModemPort::Virtual(p) => p.write(bytes).await,
            ModemPort::Paced(p) => p.write(bytes).await,
        }
    }

    async fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, PortError> {
        match self {
            ModemPort::Serial(p) => p.read(buf, timeout).await,
            ModemPort::Usb(p) => p.read(buf, timeout).await,
            ModemPort::Virtual(p) => p.read(buf, timeout).await,
            ModemPort::Paced(p) => p.read(buf, timeout).await,
        }
    }

    fn now(&self) -> Instant {
        match self {
            ModemPort::Serial(p) => p.now(),
            ModemPort::Usb(p) => p.now(),
            ModemPort::Virtual(p) => p.now(),
            ModemPort::Paced(p) => p.now(),
        }
    }

    fn keeps_transfers(&self) -> bool {
        match self {
            ModemPort::Serial(p) => p.keeps_transfers(),
            ModemPort::Usb(p) => p.keeps_transfers(),
            ModemPort::Virtual(p) => p.keeps_transfers(),
            ModemPort::Paced(p) => p.keeps_transfers(),
        }
    }
}

/// How the wizard finds the modem again after a restart.
pub enum ModemConnector {
    /// Asks the person to select the real modem again (through Web Serial or WebUSB).
    Serial(WebConnector),
    /// Waits for the virtual modem, at a real stick's pace.
    Paced(PacedConnector),
}

impl Connector for ModemConnector {
    type Port = ModemPort;

    async fn reconnect(&mut self, wanted: &Reconnect) -> Result<ModemPort, ConnectError> {
        match self {
            ModemConnector::Serial(c) => c.reconnect(wanted).await,
            ModemConnector::Paced(c) => c.reconnect(wanted).await.map(ModemPort::Paced),
        }
    }
}
