//! The one IO seam of the engine (DESIGN.md "The engine": `port`).
//!
//! WebSerial and WebUSB in the page, the `serialport` crate in the CLI and the in-memory
//! virtual dongles all implement [`Port`]. Nothing else in the engine does IO, and the
//! port is also the engine's clock, so protocol timeouts run in virtual time against a
//! simulator and in real time against a device.

use core::time::Duration;

use crate::time::Instant;

/// A byte pipe to one interface of a dongle, with a clock.
///
/// Futures are `!Send` in the browser, so no `Send` bounds are required here.
#[allow(async_fn_in_trait)]
pub trait Port {
    /// Writes all of `bytes`, in order, as one transfer where the transport allows it.
    ///
    /// Download-mode parsers compare a whole USB chunk against their AT table
    /// (specs/huawei-balong.md §3.1), so callers rely on one `write` staying one chunk.
    async fn write(&mut self, bytes: &[u8]) -> Result<(), PortError>;

    /// Reads what has arrived, waiting at most `timeout` for the first byte.
    ///
    /// `Ok(0)` means nothing arrived before `timeout`: silence is data, and the protocol
    /// decides what it means (a bad CRC on a Balong stick reads as silence).
    async fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, PortError>;

    /// The port's monotonic clock.
    fn now(&self) -> Instant;

    /// Whether every `write` reaches the device as one USB transfer, so a protocol may
    /// rely on the device seeing the write's first byte first (Qualcomm unframed stream
    /// writes, specs/qualcomm-dload.md §4.7). WebUSB bulk transfers do; Web Serial and
    /// tty drivers give no such promise, hence the default.
    fn keeps_transfers(&self) -> bool {
        false
    }
}

/// Why a port stopped working.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PortError {
    /// The device went away: unplugged, or re-enumerating after a mode switch.
    #[error("the modem disconnected (unplugged, or restarting into another mode)")]
    Disconnected,
    /// The port could not be opened because something else holds it.
    #[error("the port is in use by another program: {0}")]
    Busy(String),
    /// The operating system refused this user access to the port (Linux without the
    /// `dialout` group or a udev rule; a browser's `SecurityError`), specs/web-platform.md §5.2.
    #[error("access to the port was refused: {0}")]
    Denied(String),
    /// Any other transport failure, with the transport's own words.
    #[error("the port failed: {0}")]
    Io(String),
}

impl PortError {
    /// What the person at the computer should do about it.
    pub fn next_step(&self) -> &'static str {
        match self {
            PortError::Disconnected => {
                "Check that the modem is still plugged in, then connect it again."
            }
            PortError::Busy(_) => {
                "Close other programs that use the modem (the vendor's dashboard, ModemManager on Linux, another browser tab), then try again."
            }
            PortError::Denied(_) => {
                "Give your user access to the modem's ports (on Linux: sudo usermod -aG dialout $USER, then log out and in), then try again."
            }
            PortError::Io(_) => "Unplug the modem, plug it in again and reconnect.",
        }
    }
}

impl<P: Port + ?Sized> Port for &mut P {
    async fn write(&mut self, bytes: &[u8]) -> Result<(), PortError> {
        (**self).write(bytes).await
    }
    async fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, PortError> {
        (**self).read(buf, timeout).await
    }
    fn now(&self) -> Instant {
        (**self).now()
    }
    fn keeps_transfers(&self) -> bool {
        (**self).keeps_transfers()
    }
}
