// Test-only navigator.serial, installed with page.addInitScript before the page loads.
// The app's real Web Serial code runs against it; the bytes go to a virtual dongle in
// the test process through bindings:
//   page → test: window.__mfSimWrite(interface, hex)     (page.exposeBinding)
//   test → page: window.__mfDeliver(interface, hex)
//                window.__mfReenumerate(usb | null, ports) (the dongle left the bus / came back)
//                window.__mfHold(interface, held) (another program takes the port / lets it go)
// A port description may say `busy: true` (another program or tab holds it: open() fails
// with Chromium's NetworkError "Failed to open serial port.") or `denied: true` (the
// system refuses this user: SecurityError "Access denied.", web-platform.md §7.3).
// It is as strict as Chromium where the app could get it wrong: requestPort needs a user
// gesture and honours the filters; open() needs a baud rate and fails on an open port;
// close() fails while a reader or writer holds a lock; a vanished device errors the
// open port's streams with NetworkError and fires `disconnect`; getPorts() lists only
// present ports the page was granted before (a device with a serial number comes back
// with its grant; a new USB id needs a new requestPort).
(config) => {
  if (config.removeSerial) {
    delete Navigator.prototype.serial;
    return;
  }
  const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  const fromHex = (hex) => new Uint8Array(hex.match(/../g)?.map((h) => parseInt(h, 16)) ?? []);
  const lost = () => new DOMException('The device has been lost.', 'NetworkError');
  const openPorts = new Map();
  const granted = new Set();
  const key = (d) => `${d.usbVendorId}:${d.usbProductId}`;
  window.__mfLog = [];

  class FakeSerialPort extends EventTarget {
    constructor(desc) {
      super();
      this.desc = desc;
      this.readable = null;
      this.writable = null;
      this.controller = null;
      this.present = true;
    }
    getInfo() {
      return { usbVendorId: this.desc.usbVendorId, usbProductId: this.desc.usbProductId };
    }
    async open(options) {
      if (!options || typeof options.baudRate !== 'number' || options.baudRate <= 0) {
        throw new TypeError("Failed to execute 'open' on 'SerialPort': required member baudRate is undefined.");
      }
      if (!this.present) throw new DOMException('Failed to open serial port.', 'NetworkError');
      if (this.readable) throw new DOMException('The port is already open.', 'InvalidStateError');
      if (this.desc.busy) throw new DOMException('Failed to open serial port.', 'NetworkError');
      if (this.desc.denied) throw new DOMException('Access denied.', 'SecurityError');
      window.__mfLog.push({ op: 'open', interface: this.desc.interface, usb: key(this.desc), options: { ...options } });
      this.readable = new ReadableStream({ start: (c) => { this.controller = c; } });
      const iface = this.desc.interface;
      this.writable = new WritableStream({
        write: async (chunk) => {
          if (!this.present) throw lost();
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
      if (openPorts.get(this.desc.interface) === this) openPorts.delete(this.desc.interface);
      this.readable = null;
      this.writable = null;
      window.__mfLog.push({ op: 'close', interface: this.desc.interface, usb: key(this.desc) });
    }
    vanish() {
      this.present = false;
      if (this.controller) {
        try { this.controller.error(lost()); } catch { /* already closed */ }
      }
      this.dispatchEvent(new Event('disconnect'));
    }
  }

  let ports = (config.ports ?? []).map((d) => new FakeSerialPort(d));
  let generation = 0;
  const serial = new EventTarget();

  window.__mfDeliver = (iface, hex) => {
    const port = openPorts.get(iface);
    if (port && port.present && port.controller) port.controller.enqueue(fromHex(hex));
  };
  window.__mfReenumerate = (usb, descs) => {
    for (const p of ports) p.vanish();
    openPorts.clear();
    generation += 1;
    if (usb === null) {
      ports = [];
      window.__mfLog.push({ op: 'disconnected' });
      serial.dispatchEvent(new Event('disconnect'));
      return;
    }
    const [vid, pid] = usb.split(':').map((h) => parseInt(h, 16));
    ports = descs.map((d) => new FakeSerialPort({ usbVendorId: vid, usbProductId: pid, interface: d.interface, role: d.role }));
    window.__mfLog.push({ op: 'connected', usb });
    serial.dispatchEvent(new Event('connect'));
  };

  window.__mfHold = (iface, held) => {
    for (const p of ports) if (p.desc.interface === iface) p.desc.busy = held;
  };

  const allowedBy = (filters) => (p) =>
    !filters || filters.some((f) => f.usbVendorId === p.desc.usbVendorId && (f.usbProductId === undefined || f.usbProductId === p.desc.usbProductId));

  serial.requestPort = async (options = {}) => {
    if (!navigator.userActivation.isActive) {
      throw new DOMException("Failed to execute 'requestPort' on 'Serial': Must be handling a user gesture to show a permission request.", 'SecurityError');
    }
    window.__mfLog.push({ op: 'requestPort', filters: options.filters ?? [] });
    if (config.choose === 'cancel') throw new DOMException('No port selected by the user.', 'NotFoundError');
    const candidates = ports.filter(allowedBy(options.filters));
    // The person picks the port whose role the test names, else the first one listed.
    const pick = config.pick ?? [];
    const chosen = generation === 0 && typeof config.choose === 'number'
      ? (allowedBy(options.filters)(ports[config.choose] ?? { desc: {} }) ? ports[config.choose] : undefined)
      : pick.map((role) => candidates.find((p) => p.desc.role === role)).find(Boolean) ?? candidates[0];
    if (!chosen) throw new DOMException('No port selected by the user.', 'NotFoundError');
    granted.add(key(chosen.desc));
    return chosen;
  };
  serial.getPorts = async () => ports.filter((p) => granted.has(key(p.desc)));
  Object.defineProperty(Navigator.prototype, 'serial', { get: () => serial, configurable: true });
}
