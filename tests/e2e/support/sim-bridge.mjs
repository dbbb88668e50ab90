// A virtual dongle in a child process: `modemflash sim --bridge`, JSON lines both ways.
import { spawn } from 'node:child_process';
import readline from 'node:readline';

export const MODEMFLASH_BIN = process.env.MODEMFLASH_BIN;

export class SimBridge {
  static async start(profile = 'e3372h', extraArgs = []) {
    if (!MODEMFLASH_BIN) throw new Error('MODEMFLASH_BIN is not set: run the tests through scripts/test');
    const args = ['sim', '--bridge', '--profile', profile, ...extraArgs];
    const bridge = new SimBridge(spawn(MODEMFLASH_BIN, args, { stdio: ['pipe', 'pipe', 'inherit'] }));
    bridge.ready = await bridge.nextEvent('ready', 10_000);
    return bridge;
  }

  constructor(child) {
    this.child = child;
    this.listeners = new Set();
    this.waiters = [];
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const event = JSON.parse(line);
      for (const l of this.listeners) l(event);
      this.waiters = this.waiters.filter((w) => !w(event));
    });
  }

  nextEvent(name, timeoutMs) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no '${name}' event from the sim within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push((event) => {
        if (event.event !== name) return false;
        clearTimeout(timer);
        resolve(event);
        return true;
      });
    });
  }

  onEvent(listener) {
    this.listeners.add(listener);
  }

  write(iface, hex) {
    this.child.stdin.write(JSON.stringify({ op: 'write', interface: iface, data: hex }) + '\n');
  }

  /** Pulls the virtual dongle out (`replug` plugs it in again). */
  unplug() {
    this.child.stdin.write(JSON.stringify({ op: 'unplug' }) + '\n');
  }

  replug() {
    this.child.stdin.write(JSON.stringify({ op: 'replug' }) + '\n');
  }

  /** Whether the virtual flash holds every partition of the firmware file at `file`. */
  async checkFlash(file) {
    const answer = this.nextEvent('flash-check', 10_000);
    this.child.stdin.write(JSON.stringify({ op: 'check-flash', file }) + '\n');
    return answer;
  }

  /** Sends a control request to the device; resolves with its outcome, 'ack' or 'stall'. */
  async control(request) {
    const answer = this.nextEvent('control', 5000);
    this.child.stdin.write(JSON.stringify({ op: 'control', ...request }) + '\n');
    return (await answer).outcome;
  }

  async stop() {
    this.child.stdin.end();
    await new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
      this.child.on('exit', () => { clearTimeout(timer); resolve(); });
    });
  }
}

/**
 * The ports of the bridge's ready event, as the fake navigator.serial lists them: the
 * person first picks the port playing `pickRole`, later the download or AT port.
 */
export function serialConfig(ready, pickRole) {
  const [vid, pid] = ready.usb.split(':').map((h) => parseInt(h, 16));
  const ports = ready.ports.map((p) => ({ usbVendorId: vid, usbProductId: pid, interface: p.interface, role: p.role }));
  return { ports, choose: ports.findIndex((p) => p.role === pickRole), pick: ['download', 'pcui'] };
}

/**
 * The dongle of the bridge's ready event as the fake navigator.usb lists it; `held`
 * names interfaces a driver holds (their claim fails).
 */
export function usbConfig(ready, { held = [] } = {}) {
  return { devices: [{ usb: ready.usb, interfaces: ready.interfaces, held }] };
}
