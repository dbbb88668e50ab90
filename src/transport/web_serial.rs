//! Web Serial implementation of the engine's `Port` (specs/web-platform.md §3.1, §7.2).
//!
//! One `reader.read()` is kept in flight across calls: a read that times out leaves it
//! pending for the next call instead of cancelling it, because cancelling a stream read
//! can lose the bytes it was about to deliver. A chunk larger than the caller's buffer
//! is kept and handed out over the following reads. Closing cancels the pending read
//! first, then releases both locks and closes the port (a pending read otherwise makes
//! `close()` hang, esptool-js PR #249).

use core::time::Duration;

use futures::future::{select, Either};
use gloo_timers::future::TimeoutFuture;
use js_sys::Uint8Array;
use modemflash_core::device::UsbId;
use modemflash_core::port::{Port, PortError};
use modemflash_core::time::Instant;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    ReadableStreamDefaultReader, ReadableStreamReadResult, SerialOptions, SerialPort, SerialPortFilter,
    SerialPortRequestOptions, WritableStreamDefaultWriter,
};

use super::dom_error;
use super::leftover::Leftover;

/// The baud rate to open with: mandatory in the API, meaningless over USB (§3.1).
const BAUD_RATE: u32 = 115_200;

/// The browser's receive buffer: large enough for a burst of download-mode replies.
const BUFFER_SIZE: u32 = 64 * 1024;

/// Why the chooser gave no port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestError {
    /// The person closed the chooser, or no modem matched the filters.
    Cancelled,
    /// Anything else, with the browser's words.
    Failed(String),
}

/// One chooser filter: a vendor id, and a product id when only one product will do.
pub type Filter = (u16, Option<u16>);

/// Shows the browser's port chooser, filtered to `filters`.
pub async fn request_port(filters: &[Filter]) -> Result<SerialPort, RequestError> {
    let serial = web_sys::window().ok_or(RequestError::Failed("no window".into()))?.navigator().serial();
    let filters: Vec<SerialPortFilter> = filters
        .iter()
        .map(|&(vid, pid)| {
            let f = SerialPortFilter::new();
            f.set_usb_vendor_id(vid);
            if let Some(pid) = pid {
                f.set_usb_product_id(pid);
            }
            f
        })
        .collect();
    let options = SerialPortRequestOptions::new();
    options.set_filters(&filters);
    serial.request_port_with_options(&options).await.map_err(|e| match dom_error(&e) {
        (name, _) if name == "NotFoundError" => RequestError::Cancelled,
        (name, message) => RequestError::Failed(format!("{name}: {message}")),
    })
}

/// The browser objects an open port holds, released together.
struct Handles {
    port: SerialPort,
    reader: ReadableStreamDefaultReader,
    writer: WritableStreamDefaultWriter,
    pending: Option<js_sys::futures::JsFuture>,
}

impl Handles {
    /// Cancels the pending read, releases the locks and closes the port; failures (a
    /// device already gone) change nothing about the outcome and are ignored.
    async fn close(mut self) {
        let _ = self.reader.cancel().await;
        if let Some(pending) = self.pending.take() {
            let _ = pending.await;
        }
        self.reader.release_lock();
        let _ = self.writer.close().await;
        self.writer.release_lock();
        let _ = self.port.close().await;
    }
}

/// An open Web Serial port. Dropping it closes it in the background, so a port handed
/// to the engine is released however the job ends.
pub struct WebSerialPort {
    handles: Option<Handles>,
    leftover: Leftover,
    origin_ms: f64,
}

impl WebSerialPort {
    /// Opens `port` at 115200 8N1 and takes its reader and writer.
    pub async fn open(port: SerialPort) -> Result<Self, PortError> {
        let options = SerialOptions::new(BAUD_RATE);
        options.set_data_bits(8);
        options.set_stop_bits(1);
        options.set_parity(web_sys::ParityType::None);
        options.set_buffer_size(BUFFER_SIZE);
        port.open(&options).await.map_err(|e| open_error(&e))?;
        let reader = port.readable().get_reader().unchecked_into::<ReadableStreamDefaultReader>();
        let writer = port.writable().get_writer().map_err(|e| io_error(&e))?;
        Ok(WebSerialPort {
            handles: Some(Handles { port, reader, writer, pending: None }),
            leftover: Leftover::default(),
            origin_ms: now_ms(),
        })
    }

    /// The USB id the browser reports for this port.
    pub fn usb_id(&self) -> Option<UsbId> {
        self.handles.as_ref().and_then(|h| usb_id_of(&h.port))
    }

    /// Closes the port and hands back the browser's port object, to open again later
    /// (the wizard keeps ports closed between steps).
    pub async fn close_keeping(mut self) -> Option<SerialPort> {
        let handles = self.handles.take()?;
        let port = handles.port.clone();
        handles.close().await;
        Some(port)
    }

    /// Cancels the pending read, releases the locks and closes the port.
    pub async fn close(mut self) {
        if let Some(handles) = self.handles.take() {
            handles.close().await;
        }
    }

    fn handles(&mut self) -> Result<&mut Handles, PortError> {
        self.handles.as_mut().ok_or(PortError::Disconnected)
    }
}

/// The USB id `getInfo()` reports (no interface number: §3.1).
pub fn usb_id_of(port: &SerialPort) -> Option<UsbId> {
    let info = port.get_info();
    Some(UsbId::new(info.get_usb_vendor_id()?, info.get_usb_product_id()?))
}

impl Drop for WebSerialPort {
    fn drop(&mut self) {
        if let Some(handles) = self.handles.take() {
            wasm_bindgen_futures::spawn_local(handles.close());
        }
    }
}

impl Port for WebSerialPort {
    async fn write(&mut self, bytes: &[u8]) -> Result<(), PortError> {
        let chunk = Uint8Array::from(bytes);
        self.handles()?.writer.write_with_chunk(&chunk).await.map(|_| ()).map_err(|e| stream_error(&e))
    }

    async fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, PortError> {
        if buf.is_empty() {
            return Ok(0);
        }
        if !self.leftover.is_empty() {
            return Ok(self.leftover.take(buf));
        }
        let handles = self.handles()?;
        let pending = match handles.pending.take() {
            Some(p) => p,
            None => js_sys::futures::JsFuture::from(handles.reader.read()),
        };
        let timer = TimeoutFuture::new(timeout.as_millis().min(u32::MAX as u128) as u32);
        match select(pending, timer).await {
            Either::Right((_, pending)) => {
                self.handles()?.pending = Some(pending);
                Ok(0)
            }
            Either::Left((result, _)) => {
                let result: ReadableStreamReadResult = result.map_err(|e| stream_error(&e))?.unchecked_into();
                if result.get_done().unwrap_or(false) {
                    return Err(PortError::Disconnected);
                }
                let chunk = Uint8Array::new(&result.get_value());
                Ok(self.leftover.refill(chunk.to_vec(), buf))
            }
        }
    }

    fn now(&self) -> Instant {
        let elapsed = (now_ms() - self.origin_ms).max(0.0);
        Instant::from_origin(Duration::from_micros((elapsed * 1000.0) as u64))
    }
}

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or_else(js_sys::Date::now, |p| p.now())
}

/// `open()` failures: a port another program or tab holds fails with NetworkError
/// ("Failed to open serial port", §7.2); a refused device with SecurityError
/// ("Access denied", §5.2, §7.3).
fn open_error(e: &JsValue) -> PortError {
    match dom_error(e) {
        (name, message) if name == "NetworkError" || name == "InvalidStateError" => {
            PortError::Busy(format!("{name}: {message}"))
        }
        (name, message) if name == "SecurityError" => PortError::Denied(format!("{name}: {message}")),
        (name, message) => PortError::Io(format!("{name}: {message}")),
    }
}

/// Read/write failures: NetworkError means the device was lost.
fn stream_error(e: &JsValue) -> PortError {
    match dom_error(e) {
        (name, _) if name == "NetworkError" => PortError::Disconnected,
        (name, message) => PortError::Io(format!("{name}: {message}")),
    }
}

fn io_error(e: &JsValue) -> PortError {
    let (name, message) = dom_error(e);
    PortError::Io(format!("{name}: {message}"))
}
