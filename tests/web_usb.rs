//! The WebUSB `Port` in headless Chromium (wasm-bindgen-test), against a scripted JS
//! USB device the test drives: one transfer per write and a zero-length packet after a
//! full packet, a transfer larger than the read buffer, a timed-out read that keeps its
//! transfer, an interface a driver holds, device loss, and the release on close.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use modemflash_core::device::driver::ClaimError;
use modemflash_core::device::PortRole;
use modemflash_core::port::{Port, PortError};
use modemflash_web::transport::web_usb::{OpenError, WebUsbPort};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
const iface = (n, cls) => {
  const alternate = {
    interfaceClass: cls,
    endpoints: ['in', 'out'].map((direction) => ({ endpointNumber: n + 1, direction, type: 'bulk', packetSize: 512 })),
  };
  return { interfaceNumber: n, alternate, alternates: [alternate] };
};
export class ScriptedDevice {
  constructor(held) {
    this.vendorId = 0x12d1;
    this.productId = 0x1c05;
    this.held = held;
    this.configurations = [{ configurationValue: 1, interfaces: [iface(0, 0xff), iface(1, 0xff), iface(2, 0xff)] }];
    this.configuration = null;
    this.opened = false;
    this.calls = [];
    this.written = [];
    this.queue = [];
    this.reader = null;
    this.transferIns = 0;
  }
  async open() { this.opened = true; this.calls.push('open'); }
  async close() { this.opened = false; this.calls.push('close'); }
  async selectConfiguration(v) { this.configuration = this.configurations[0]; this.calls.push(`select ${v}`); }
  async claimInterface(n) {
    this.calls.push(`claim ${n}`);
    if (!this.configuration) throw new DOMException('No configuration selected.', 'InvalidStateError');
    if (this.held) throw new DOMException('Unable to claim interface.', 'NetworkError');
  }
  async releaseInterface(n) {
    this.calls.push(`release ${n}`);
    if (this.reader) { this.reader.reject(new DOMException('The transfer was cancelled.', 'AbortError')); this.reader = null; }
  }
  async transferOut(ep, data) {
    this.written.push({ ep, bytes: Array.from(data) });
    return { status: 'ok', bytesWritten: data.byteLength };
  }
  transferIn(ep, length) {
    this.transferIns += 1;
    return new Promise((resolve, reject) => { this.reader = { resolve, reject, ep, length }; this.pump(); });
  }
  pump() {
    if (!this.reader || !this.queue.length) return;
    const bytes = new Uint8Array(this.queue.shift());
    this.reader.resolve({ status: 'ok', data: new DataView(bytes.buffer) });
    this.reader = null;
  }
  push(bytes) { this.queue.push(bytes); this.pump(); }
  pushLater(bytes, ms) { setTimeout(() => this.push(bytes), ms); }
  lose() { if (this.reader) this.reader.reject(new DOMException('The device was disconnected.', 'NotFoundError')); }
  writeSizes() { return this.written.map((w) => w.bytes.length); }
  writeEndpoints() { return this.written.map((w) => w.ep); }
  callList() { return this.calls.join(', '); }
}
"#)]
extern "C" {
    type ScriptedDevice;
    #[wasm_bindgen(constructor)]
    fn new(held: bool) -> ScriptedDevice;
    #[wasm_bindgen(method)]
    fn push(this: &ScriptedDevice, bytes: Vec<u8>);
    #[wasm_bindgen(method, js_name = pushLater)]
    fn push_later(this: &ScriptedDevice, bytes: Vec<u8>, ms: u32);
    #[wasm_bindgen(method)]
    fn lose(this: &ScriptedDevice);
    #[wasm_bindgen(method, js_name = writeSizes)]
    fn write_sizes(this: &ScriptedDevice) -> Vec<u32>;
    #[wasm_bindgen(method, js_name = writeEndpoints)]
    fn write_endpoints(this: &ScriptedDevice) -> Vec<u8>;
    #[wasm_bindgen(method, js_name = callList)]
    fn call_list(this: &ScriptedDevice) -> String;
    #[wasm_bindgen(method, getter, js_name = transferIns)]
    fn transfer_ins(this: &ScriptedDevice) -> u32;
}

async fn open(device: &ScriptedDevice) -> Result<WebUsbPort, OpenError> {
    WebUsbPort::open(JsValue::from(device).unchecked_into(), PortRole::Download).await
}

#[wasm_bindgen_test]
async fn opens_the_catalogued_download_interface_after_selecting_the_configuration() {
    let device = ScriptedDevice::new(false);
    let port = open(&device).await.expect("opens");
    assert!(port.keeps_transfers());
    assert_eq!(port.usb_id().to_string(), "12d1:1c05");
    port.close().await;
    assert_eq!(device.call_list(), "open, select 1, claim 2, release 2, close");
}

#[wasm_bindgen_test]
async fn each_write_is_one_transfer_and_a_full_last_packet_is_followed_by_a_zlp() {
    let device = ScriptedDevice::new(false);
    let mut port = open(&device).await.expect("opens");
    port.write(&[0x7e; 100]).await.unwrap();
    port.write(&[0x7e; 512]).await.unwrap();
    port.write(&[0x7e; 1500]).await.unwrap();
    port.write(&[0x7e; 1024]).await.unwrap();
    assert_eq!(device.write_sizes(), [100, 512, 0, 1500, 1024, 0]);
    assert!(device.write_endpoints().iter().all(|&ep| ep == 3), "interface 2's OUT endpoint");
    port.close().await;
}

#[wasm_bindgen_test]
async fn a_transfer_larger_than_the_buffer_is_handed_out_over_several_reads() {
    let device = ScriptedDevice::new(false);
    let mut port = open(&device).await.expect("opens");
    device.push((0..10).collect());
    let mut buf = [0u8; 4];
    let mut got = Vec::new();
    for _ in 0..3 {
        let n = port.read(&mut buf, Duration::from_millis(200)).await.unwrap();
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(got, (0..10).collect::<Vec<u8>>());
    assert_eq!(device.transfer_ins(), 1);
    port.close().await;
}

#[wasm_bindgen_test]
async fn a_read_that_times_out_keeps_its_transfer_for_the_next_read() {
    let device = ScriptedDevice::new(false);
    let mut port = open(&device).await.expect("opens");
    let mut buf = [0u8; 16];
    assert_eq!(port.read(&mut buf, Duration::from_millis(20)).await.unwrap(), 0);
    device.push_later(vec![0x0d, 0x0a, b'O', b'K'], 30);
    let n = port.read(&mut buf, Duration::from_millis(500)).await.unwrap();
    assert_eq!(&buf[..n], b"\r\nOK");
    assert_eq!(device.transfer_ins(), 1, "the timed-out transfer was kept, not abandoned");
    port.close().await;
}

#[wasm_bindgen_test]
async fn an_empty_transfer_is_not_taken_for_data() {
    let device = ScriptedDevice::new(false);
    let mut port = open(&device).await.expect("opens");
    device.push(Vec::new());
    device.push_later(vec![0x02], 20);
    let mut buf = [0u8; 4];
    assert_eq!(port.read(&mut buf, Duration::from_millis(500)).await.unwrap(), 1);
    assert_eq!(buf[0], 0x02);
    port.close().await;
}

#[wasm_bindgen_test]
async fn an_interface_held_by_a_driver_names_the_driver() {
    let device = ScriptedDevice::new(true);
    let Err(OpenError::Claim(ClaimError::HeldByDriver { interface, driver, .. })) = open(&device).await else {
        panic!("the claim must fail as held by a driver");
    };
    assert_eq!((interface, driver), (2, "option"));
    assert_eq!(device.call_list(), "open, select 1, claim 2, close", "the device is closed again");
}

#[wasm_bindgen_test]
async fn a_lost_device_reads_as_disconnected() {
    let device = ScriptedDevice::new(false);
    let mut port = open(&device).await.expect("opens");
    let mut buf = [0u8; 4];
    assert_eq!(port.read(&mut buf, Duration::from_millis(10)).await.unwrap(), 0);
    device.lose();
    assert_eq!(port.read(&mut buf, Duration::from_millis(100)).await, Err(PortError::Disconnected));
}
