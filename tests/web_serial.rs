//! The Web Serial `Port` in headless Chromium (wasm-bindgen-test), against a scripted
//! JS port whose streams the test drives: split and oversized chunks, a timeout that
//! must not lose the read in flight, device loss, a busy port, a refused port and a clean close.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use modemflash_core::port::{Port, PortError};
use modemflash_web::transport::web_serial::WebSerialPort;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export class ScriptedPort {
  constructor(busy) {
    this.busy = busy;
    this.written = [];
    this.closed = false;
    this.readable = null;
    this.writable = null;
  }
  getInfo() { return { usbVendorId: 0x12d1, usbProductId: 0x1506 }; }
  async open(options) {
    if (this.busy) throw new DOMException('Failed to open serial port.', 'NetworkError');
    if (this.denied) throw new DOMException('Access denied.', 'SecurityError');
    this.options = options;
    this.readable = new ReadableStream({ start: (c) => { this.controller = c; } });
    this.writable = new WritableStream({ write: (chunk) => { this.written.push(Array.from(chunk)); } });
  }
  async close() {
    if (this.readable.locked || this.writable.locked) throw new TypeError('Cannot cancel a locked stream');
    this.closed = true;
  }
  push(bytes) { this.controller.enqueue(new Uint8Array(bytes)); }
  pushLater(bytes, ms) { setTimeout(() => this.push(bytes), ms); }
  deny() { this.denied = true; }
  lose() { this.controller.error(new DOMException('The device has been lost.', 'NetworkError')); }
  writtenBytes() { return this.written.flat(); }
  baudRate() { return this.options.baudRate; }
}
"#)]
extern "C" {
    type ScriptedPort;
    #[wasm_bindgen(constructor)]
    fn new(busy: bool) -> ScriptedPort;
    #[wasm_bindgen(method)]
    fn push(this: &ScriptedPort, bytes: Vec<u8>);
    #[wasm_bindgen(method, js_name = pushLater)]
    fn push_later(this: &ScriptedPort, bytes: Vec<u8>, ms: u32);
    #[wasm_bindgen(method)]
    fn deny(this: &ScriptedPort);
    #[wasm_bindgen(method)]
    fn lose(this: &ScriptedPort);
    #[wasm_bindgen(method, js_name = writtenBytes)]
    fn written_bytes(this: &ScriptedPort) -> Vec<u8>;
    #[wasm_bindgen(method, js_name = baudRate)]
    fn baud_rate(this: &ScriptedPort) -> u32;
    #[wasm_bindgen(method, getter)]
    fn closed(this: &ScriptedPort) -> bool;
}

async fn open(scripted: &ScriptedPort) -> WebSerialPort {
    WebSerialPort::open(scripted.clone().unchecked_into()).await.expect("opens")
}

impl Clone for ScriptedPort {
    fn clone(&self) -> Self {
        JsValue::from(self).unchecked_into()
    }
}

#[wasm_bindgen_test]
async fn opens_at_115200_and_reports_the_usb_id() {
    let scripted = ScriptedPort::new(false);
    let port = open(&scripted).await;
    assert_eq!(scripted.baud_rate(), 115_200);
    assert_eq!(port.usb_id().map(|u| u.to_string()).as_deref(), Some("12d1:1506"));
    port.close().await;
}

#[wasm_bindgen_test]
async fn a_chunk_larger_than_the_buffer_is_handed_out_over_several_reads() {
    let scripted = ScriptedPort::new(false);
    let mut port = open(&scripted).await;
    scripted.push(b"\r\nhuawei\r\n\r\nOK\r\n".to_vec());
    let mut got = Vec::new();
    let mut buf = [0u8; 5];
    while got.len() < 16 {
        let n = port.read(&mut buf, Duration::from_millis(500)).await.unwrap();
        assert!(n > 0 && n <= 5);
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(got, b"\r\nhuawei\r\n\r\nOK\r\n");
    port.close().await;
}

#[wasm_bindgen_test]
async fn a_timeout_keeps_the_read_in_flight_so_no_byte_is_lost() {
    let scripted = ScriptedPort::new(false);
    let mut port = open(&scripted).await;
    let mut buf = [0u8; 64];
    let before = port.now();
    assert_eq!(port.read(&mut buf, Duration::from_millis(50)).await.unwrap(), 0);
    assert!(port.now() - before >= Duration::from_millis(45), "the clock moved with the timeout");
    scripted.push_later(vec![0x7e, 0x02, 0x6a, 0xd3, 0x7e], 20);
    let n = port.read(&mut buf, Duration::from_millis(1000)).await.unwrap();
    assert_eq!(&buf[..n], &[0x7e, 0x02, 0x6a, 0xd3, 0x7e]);
    port.close().await;
}

#[wasm_bindgen_test]
async fn writes_reach_the_port_in_order() {
    let scripted = ScriptedPort::new(false);
    let mut port = open(&scripted).await;
    port.write(b"AT").await.unwrap();
    port.write(b"^DLOADVER?\r").await.unwrap();
    assert_eq!(scripted.written_bytes(), b"AT^DLOADVER?\r");
    port.close().await;
}

#[wasm_bindgen_test]
async fn a_lost_device_reads_as_disconnected() {
    let scripted = ScriptedPort::new(false);
    let mut port = open(&scripted).await;
    scripted.lose();
    let mut buf = [0u8; 8];
    assert_eq!(port.read(&mut buf, Duration::from_millis(500)).await, Err(PortError::Disconnected));
}

#[wasm_bindgen_test]
async fn a_port_held_elsewhere_is_busy() {
    let scripted = ScriptedPort::new(true);
    let err = WebSerialPort::open(scripted.clone().unchecked_into()).await.err().expect("refused");
    assert!(matches!(err, PortError::Busy(_)), "{err:?}");
}

#[wasm_bindgen_test]
async fn a_port_the_system_refuses_is_denied_not_busy() {
    let scripted = ScriptedPort::new(false);
    scripted.deny();
    let err = WebSerialPort::open(scripted.clone().unchecked_into()).await.err().expect("refused");
    assert!(matches!(err, PortError::Denied(_)), "{err:?}");
    assert!(err.next_step().contains("dialout"), "{}", err.next_step());
}

#[wasm_bindgen_test]
async fn close_with_a_read_in_flight_releases_the_locks() {
    let scripted = ScriptedPort::new(false);
    let mut port = open(&scripted).await;
    let mut buf = [0u8; 8];
    assert_eq!(port.read(&mut buf, Duration::from_millis(10)).await.unwrap(), 0);
    port.close().await;
    assert!(scripted.closed(), "the port's close() saw no locked stream");
}
