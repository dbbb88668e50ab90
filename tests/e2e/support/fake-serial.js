// Test-only navigator.serial, installed with page.addInitScript before the page loads.
// The app's real Web Serial code runs against it; the bytes go to a virtual dongle in
// the test process through two bindings:
//   page → test: window.__mfSimWrite(interface, hex)   (exposed with page.exposeBinding)
//   test → page: window.__mfDeliver(interface, hex)
// It is as strict as Chromium where the app could get it wrong: requestPort needs a user
// gesture and honours the filters, open() needs a baud rate and fails on an open port,
// close() fails while a reader or writer still holds a lock.
(config) => {
  if (config.removeSerial) {
    delete Navigator.prototype.serial;
    return;
  }
  const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  const fromHex = (hex) => new Uint8Array(hex.match(/../g)?.map((h) => parseInt(h, 16)) ?? []);
  const openPorts = new Map();

  class FakeSerialPort extends EventTarget {
    constructor(desc) {
      super();
      this.desc = desc;
      this.readable = null;
      this.writable = null;
      this.controller = null;
    }
    getInfo() {
      return { usbVendorId: this.desc.usbVendorId, usbProductId: this.desc.usbProductId };
    }
    async open(options) {
      if (!options || typeof options.baudRate !== 'number' || options.baudRate <= 0) {
        throw new TypeError("Failed to execute 'open' on 'SerialPort': required member baudRate is undefined.");
      }
      if (this.readable) throw new DOMException('The port is already open.', 'InvalidStateError');
      if (this.desc.busy) throw new DOMException('Failed to open serial port.', 'NetworkError');
      window.__mfLog.push({ op: 'open', interface: this.desc.interface, options: { ...options } });
      this.readable = new ReadableStream({ start: (c) => { this.controller = c; } });
      const iface = this.desc.interface;
      this.writable = new WritableStream({
        write: async (chunk) => {
          window.__mfLog.push({ op: 'write', interface: iface, bytes: chunk.length });
          await window.__mfSimWrite(iface, toHex(chunk));
        },
      });
      openPorts.set(iface, this);
    }
    async close() {
      if (!this.readable) throw new DOMException('The port is already closed.', 'InvalidStateError');
      if (this.readable.locked || this.writable.locked) {
        throw new TypeError("Failed to execute 'close' on 'SerialPort': Cannot cancel a locked stream");
      }
      openPorts.delete(this.desc.interface);
      this.readable = null;
      this.writable = null;
      window.__mfLog.push({ op: 'close', interface: this.desc.interface });
    }
  }

  const ports = (config.ports ?? []).map((d) => new FakeSerialPort(d));
  window.__mfLog = [];
  window.__mfDeliver = (iface, hex) => {
    const port = openPorts.get(iface);
    if (port && port.controller) port.controller.enqueue(fromHex(hex));
  };

  const serial = {
    async requestPort(options = {}) {
      if (!navigator.userActivation.isActive) {
        throw new DOMException("Failed to execute 'requestPort' on 'Serial': Must be handling a user gesture to show a permission request.", 'SecurityError');
      }
      window.__mfLog.push({ op: 'requestPort', filters: options.filters ?? [] });
      const allowed = (p) => !options.filters || options.filters.some((f) => f.usbVendorId === p.desc.usbVendorId && (f.usbProductId === undefined || f.usbProductId === p.desc.usbProductId));
      const chosen = config.choose === 'cancel' ? undefined : ports[config.choose ?? 0];
      if (!chosen || !allowed(chosen)) throw new DOMException('No port selected by the user.', 'NotFoundError');
      return chosen;
    },
    async getPorts() {
      return [];
    },
    addEventListener() {},
    removeEventListener() {},
  };
  Object.defineProperty(Navigator.prototype, 'serial', { get: () => serial, configurable: true });
}
