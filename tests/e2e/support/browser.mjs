// Headless Debian Chromium through playwright-core (never a downloaded browser), with
// the flags this closed network needs and a fresh profile per test.
import { chromium } from 'playwright-core';
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve('tests/artifacts');
const FAKE_SERIAL = readFileSync(new URL('./fake-serial.js', import.meta.url), 'utf8');
const FAKE_USB = readFileSync(new URL('./fake-usb.js', import.meta.url), 'utf8');

export const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Opens a fresh browser profile; `serial` configures the fake navigator.serial, `usb` the
 * fake navigator.usb, `locale` the browser's language (navigator.languages).
 */
export async function openBrowser({ serial = { ports: [] }, usb = { devices: [] }, extraArgs = [], locale = 'en-US' } = {}) {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'mf-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...FLAGS, ...extraArgs],
    viewport: { width: 900, height: 900 },
    locale,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(`(${FAKE_SERIAL})(${JSON.stringify(serial)})`);
  await page.addInitScript(`(${FAKE_USB})(${JSON.stringify(usb)})`);
  await mkdir(ARTIFACTS, { recursive: true });
  return {
    context,
    page,
    errors,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Connects the fake serial ports and USB devices of `page` to a sim bridge,
 * re-enumerations included.
 */
export async function bridgeToSim(page, sim) {
  await page.exposeBinding('__mfSimWrite', (_source, iface, hex) => sim.write(iface, hex));
  await page.exposeBinding('__mfSimControl', (_source, request) => sim.control(request));
  sim.onEvent((event) => {
    const forward = {
      data: () => page.evaluate(([i, hex]) => {
        // Either fake may be absent (a browser without Web Serial or WebUSB).
        window.__mfDeliver?.(i, hex);
        window.__mfUsbDeliver?.(i, hex);
      }, [event.interface, event.data]),
      disconnected: () => page.evaluate(() => {
        window.__mfReenumerate?.(null, []);
        window.__mfUsbReenumerate?.(null, []);
      }),
      connected: () => page.evaluate(([usb, ports, interfaces]) => {
        window.__mfReenumerate?.(usb, ports);
        window.__mfUsbReenumerate?.(usb, interfaces);
      }, [event.usb, event.ports, event.interfaces]),
    }[event.event];
    forward?.().catch(() => {});
  });
}
