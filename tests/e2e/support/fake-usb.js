// Test-only navigator.usb, installed with page.addInitScript before the page loads (like
// fake-serial.js, whose bindings it shares). The app's real WebUSB code runs against it;
// bulk transfers and control requests go to the virtual dongle in the test process:
//   page → test: window.__mfSimWrite(interface, hex)        one transferOut = one transfer
//                window.__mfSimControl(setup)                → 'ack' | 'stall'
//   test → page: window.__mfUsbDeliver(interface, hex)       bytes for a bulk IN endpoint
//                window.__mfUsbReenumerate(usb | null, interfaces)  left the bus / came back
// It is as strict as Chromium where the app could get it wrong (specs/web-platform.md
// §3.2, §4, §5.1, §7.3): requestDevice needs a user gesture and honours the filters;
// everything but reading descriptors needs open(); transfers need the interface claimed
// and an endpoint of it in the right direction; claiming a protected class (Mass Storage)
// is a SecurityError; an interface "held by a driver" (config `held`) fails to claim with
// NetworkError; control requests to an interface or endpoint need a claim, to the device
// none; a vanished device rejects pending and new transfers with NotFoundError; a device
// without a serial number loses its grant when it re-enumerates (whatwg/usb#269).
// Every call is recorded in window.__mfUsbLog.
(config) => {
  if (config.removeUsb) {
    delete Navigator.prototype.usb;
    return;
  }
  const PROTECTED = [0x01, 0x03, 0x08, 0x0b, 0x0e, 0x10, 0xe0];
  const PACKET_SIZE = 512;
  const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  const fromHex = (hex) => new Uint8Array(hex.match(/../g)?.map((h) => parseInt(h, 16)) ?? []);
  const gone = () => new DOMException('The device was disconnected.', 'NotFoundError');
  const log = (entry) => window.__mfUsbLog.push(entry);
  window.__mfUsbLog = [];

  /** Descriptors as WebUSB shows them: endpoint n+1 IN and OUT for interface n. */
  const describe = (interfaces) => ({
    configurationValue: 1,
    configurationName: null,
    interfaces: interfaces.map((i) => {
      const alternate = {
        alternateSetting: 0,
        interfaceClass: i.class,
        interfaceSubclass: i.class === 0x08 ? 0x06 : 0xff,
        interfaceProtocol: i.class === 0x08 ? 0x50 : 0xff,
        interfaceName: null,
        endpoints: ['in', 'out'].map((direction) => ({
          endpointNumber: i.interface + 1,
          direction,
          type: 'bulk',
          packetSize: PACKET_SIZE,
        })),
      };
      return { interfaceNumber: i.interface, alternate, alternates: [alternate], claimed: false };
    }),
  });

  class FakeUsbDevice {
    constructor(desc) {
      const [vid, pid] = desc.usb.split(':').map((h) => parseInt(h, 16));
      this.vendorId = vid;
      this.productId = pid;
      this.serialNumber = desc.serialNumber ?? null;
      this.manufacturerName = null;
      this.productName = null;
      this.usb = desc.usb;
      this.held = desc.held ?? [];
      this.configurations = [describe(desc.interfaces)];
      this.configuration = this.configurations[0];
      this.opened = false;
      this.present = true;
      this.claimed = new Set();
      this.queues = new Map();
      this.readers = new Map();
    }
    check() {
      if (!this.present) throw gone();
      if (!this.opened) throw new DOMException('The device must be opened first.', 'InvalidStateError');
    }
    iface(n) {
      return this.configuration?.interfaces.find((i) => i.interfaceNumber === n);
    }
    endpointOwner(number, direction) {
      const owner = [...this.claimed].map((n) => this.iface(n))
        .find((i) => i.alternate.endpoints.some((e) => e.endpointNumber === number && e.direction === direction));
      if (!owner) {
        throw new DOMException('The specified endpoint is not part of a claimed and selected alternate interface.', 'NotFoundError');
      }
      return owner.interfaceNumber;
    }
    async open() {
      if (!this.present) throw gone();
      log({ op: 'open', usb: this.usb });
      this.opened = true;
    }
    async close() {
      this.check();
      for (const n of [...this.claimed]) await this.releaseInterface(n);
      this.opened = false;
      log({ op: 'close', usb: this.usb });
    }
    async selectConfiguration(value) {
      this.check();
      const config = this.configurations.find((c) => c.configurationValue === value);
      if (!config) throw new DOMException('The configuration value provided is not supported by the device.', 'NotFoundError');
      this.configuration = config;
      log({ op: 'selectConfiguration', value });
    }
    async claimInterface(n) {
      this.check();
      const iface = this.iface(n);
      if (!iface) throw new DOMException('The interface number provided is not supported by the device in its current configuration.', 'NotFoundError');
      log({ op: 'claimInterface', interface: n });
      if (PROTECTED.includes(iface.alternate.interfaceClass)) {
        throw new DOMException('The requested interface implements a protected class.', 'SecurityError');
      }
      if (this.held.includes(n)) throw new DOMException('Unable to claim interface.', 'NetworkError');
      this.claimed.add(n);
      iface.claimed = true;
    }
    async releaseInterface(n) {
      this.check();
      if (!this.claimed.delete(n)) throw new DOMException('The interface is not claimed.', 'InvalidStateError');
      this.iface(n).claimed = false;
      this.queues.delete(n);
      const reader = this.readers.get(n);
      this.readers.delete(n);
      reader?.reject(new DOMException('The transfer was cancelled.', 'AbortError'));
      log({ op: 'releaseInterface', interface: n });
    }
    async transferOut(endpoint, data) {
      // Copied before anything else: the caller's view may be wasm memory.
      const view = ArrayBuffer.isView(data) ? data : new Uint8Array(data);
      const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
      this.check();
      const n = this.endpointOwner(endpoint, 'out');
      log({ op: 'transferOut', interface: n, endpoint, bytes: bytes.length });
      if (bytes.length > 0) await window.__mfSimWrite(n, toHex(bytes));
      if (!this.present) throw gone();
      return { status: 'ok', bytesWritten: bytes.length };
    }
    transferIn(endpoint, length) {
      try {
        this.check();
        const n = this.endpointOwner(endpoint, 'in');
        if (this.readers.has(n)) throw new DOMException('A transfer is already pending on this endpoint.', 'InvalidStateError');
        return new Promise((resolve, reject) => {
          this.readers.set(n, { resolve, reject, length });
          this.pump(n);
        });
      } catch (e) {
        return Promise.reject(e);
      }
    }
    /** Completes a pending transferIn with queued bytes: at most `length`, the rest stays. */
    pump(n) {
      const queue = this.queues.get(n);
      const reader = this.readers.get(n);
      if (!queue?.length || !reader) return;
      const chunk = queue[0];
      const part = chunk.slice(0, reader.length);
      if (part.length === chunk.length) queue.shift();
      else queue[0] = chunk.slice(part.length);
      this.readers.delete(n);
      reader.resolve({ status: 'ok', data: new DataView(part.buffer) });
    }
    deliver(n, bytes) {
      if (!this.claimed.has(n)) return;
      if (!this.queues.has(n)) this.queues.set(n, []);
      this.queues.get(n).push(bytes);
      this.pump(n);
    }
    async controlTransferOut(setup, data) {
      this.check();
      if (setup.recipient === 'interface' && !this.claimed.has(setup.index & 0xff)) {
        throw new DOMException('The specified interface has not been claimed.', 'InvalidStateError');
      }
      if (setup.recipient === 'endpoint') this.endpointOwner(setup.index & 0x0f, setup.index & 0x80 ? 'in' : 'out');
      if (data && data.byteLength) throw new Error('fake-usb: no control request with a data stage is modelled');
      const type = { standard: 0, class: 1, vendor: 2 }[setup.requestType];
      const recipient = { device: 0, interface: 1, endpoint: 2, other: 3 }[setup.recipient];
      const request_type = (type << 5) | recipient;
      const request = { request_type, request: setup.request, value: setup.value, index: setup.index };
      log({ op: 'controlTransferOut', ...request });
      const outcome = await window.__mfSimControl(request);
      return { status: outcome === 'ack' ? 'ok' : 'stall', bytesWritten: 0 };
    }
    async clearHalt(direction, endpoint) {
      this.check();
      log({ op: 'clearHalt', direction, endpoint });
    }
    async forget() {
      granted.delete(grantKey(this));
    }
    vanish() {
      this.present = false;
      this.opened = false;
      for (const reader of this.readers.values()) reader.reject(gone());
      this.readers.clear();
    }
  }

  const usb = new EventTarget();
  let devices = (config.devices ?? []).map((d) => new FakeUsbDevice(d));
  const granted = new Set();
  const grantKey = (d) => (d.serialNumber ? `${d.usb}:${d.serialNumber}` : d);
  const connection = (type, device) => Object.assign(new Event(type), { device });

  window.__mfUsbDeliver = (iface, hex) => {
    for (const d of devices) if (d.present) d.deliver(iface, fromHex(hex));
  };
  window.__mfUsbReenumerate = (id, interfaces) => {
    const template = devices[0];
    for (const d of devices) {
      d.vanish();
      usb.dispatchEvent(connection('disconnect', d));
    }
    devices = [];
    if (id === null) {
      log({ op: 'disconnected' });
      return;
    }
    // The same dongle, a new USB personality; a driver holds the same interfaces.
    const device = new FakeUsbDevice({ usb: id, interfaces, held: template?.held, serialNumber: template?.serialNumber });
    devices = [device];
    log({ op: 'connected', usb: id });
    usb.dispatchEvent(connection('connect', device));
  };

  const matches = (filters) => (d) =>
    filters.some((f) =>
      (f.vendorId === undefined || f.vendorId === d.vendorId) &&
      (f.productId === undefined || f.productId === d.productId) &&
      (f.classCode === undefined || d.configuration.interfaces.some((i) => i.alternate.interfaceClass === f.classCode)));

  usb.requestDevice = async (options) => {
    if (!options || !Array.isArray(options.filters)) {
      throw new TypeError("Failed to execute 'requestDevice' on 'USB': required member filters is undefined.");
    }
    if (!navigator.userActivation.isActive) {
      throw new DOMException("Failed to execute 'requestDevice' on 'USB': Must be handling a user gesture to show a permission request.", 'SecurityError');
    }
    log({ op: 'requestDevice', filters: options.filters });
    if (config.choose === 'cancel') throw new DOMException('No device selected.', 'NotFoundError');
    const chosen = devices.filter((d) => d.present).find(matches(options.filters));
    if (!chosen) throw new DOMException('No device selected.', 'NotFoundError');
    granted.add(grantKey(chosen));
    return chosen;
  };
  usb.getDevices = async () => devices.filter((d) => d.present && granted.has(grantKey(d)));
  Object.defineProperty(Navigator.prototype, 'usb', { get: () => usb, configurable: true });
}
