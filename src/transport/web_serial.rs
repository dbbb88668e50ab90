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

/// Shows the browser's port chooser, filtered to `vendor_ids`.
pub async fn request_port(vendor_ids: &[u16]) -> Result<SerialPort, RequestError> {
    let serial = web_sys::window().ok_or(RequestError::Failed("no window".into()))?.navigator().serial();
    let filters: Vec<SerialPortFilter> = vendor_ids
        .iter()
        .map(|&vid| {
            let f = SerialPortFilter::new();
            f.set_usb_vendor_id(vid);
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

/// An open Web Serial port.
pub struct WebSerialPort {
    port: SerialPort,
    reader: ReadableStreamDefaultReader,
    writer: WritableStreamDefaultWriter,
    pending: Option<js_sys::futures::JsFuture>,
    leftover: Vec<u8>,
    leftover_at: usize,
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
            port,
            reader,
            writer,
            pending: None,
            leftover: Vec::new(),
            leftover_at: 0,
            origin_ms: now_ms(),
        })
    }

    /// The USB id the browser reports for this port.
    pub fn usb_id(&self) -> Option<UsbId> {
        usb_id_of(&self.port)
    }

    /// Cancels the pending read, releases the locks and closes the port.
    pub async fn close(mut self) {
        let _ = self.reader.cancel().await;
        if let Some(pending) = self.pending.take() {
            let _ = pending.await;
        }
        self.reader.release_lock();
        let _ = self.writer.close().await;
        self.writer.release_lock();
        let _ = self.port.close().await;
    }

    fn take_leftover(&mut self, buf: &mut [u8]) -> usize {
        let rest = &self.leftover[self.leftover_at..];
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.leftover_at += n;
        if self.leftover_at == self.leftover.len() {
            self.leftover.clear();
            self.leftover_at = 0;
        }
        n
    }
}

/// The USB id `getInfo()` reports (no interface number: §3.1).
pub fn usb_id_of(port: &SerialPort) -> Option<UsbId> {
    let info = port.get_info();
    Some(UsbId::new(info.get_usb_vendor_id()?, info.get_usb_product_id()?))
}

impl Port for WebSerialPort {
    async fn write(&mut self, bytes: &[u8]) -> Result<(), PortError> {
        let chunk = Uint8Array::from(bytes);
        self.writer.write_with_chunk(&chunk).await.map(|_| ()).map_err(|e| stream_error(&e))
    }

    async fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, PortError> {
        if buf.is_empty() {
            return Ok(0);
        }
        if !self.leftover.is_empty() {
            return Ok(self.take_leftover(buf));
        }
        let pending = match self.pending.take() {
            Some(p) => p,
            None => js_sys::futures::JsFuture::from(self.reader.read()),
        };
        let timer = TimeoutFuture::new(timeout.as_millis().min(u32::MAX as u128) as u32);
        match select(pending, timer).await {
            Either::Right((_, pending)) => {
                self.pending = Some(pending);
                Ok(0)
            }
            Either::Left((result, _)) => {
                let result: ReadableStreamReadResult = result.map_err(|e| stream_error(&e))?.unchecked_into();
                if result.get_done().unwrap_or(false) {
                    return Err(PortError::Disconnected);
                }
                let chunk = Uint8Array::new(&result.get_value());
                self.leftover = chunk.to_vec();
                self.leftover_at = 0;
                Ok(self.take_leftover(buf))
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
/// ("Failed to open serial port", §7.2).
fn open_error(e: &JsValue) -> PortError {
    match dom_error(e) {
        (name, message) if name == "NetworkError" || name == "InvalidStateError" => {
            PortError::Busy(format!("{name}: {message}"))
        }
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
