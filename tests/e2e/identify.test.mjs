// Issue 2: connect a modem (real through Web Serial, or virtual) and see what it is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { serveDist } from './support/server.mjs';
import { bridgeToSim } from './support/browser.mjs';
import { SimBridge } from './support/sim-bridge.mjs';
import { withWizard } from './pages/wizard-page.mjs';

const E3372H = { usbVendorId: 0x12d1, usbProductId: 0x1506 };
let server;

before(async () => {
  server = await serveDist(path.resolve('dist'));
});
after(async () => {
  await server?.close();
});


test('identifies a modem through Web Serial and closes the port cleanly', { timeout: 60_000 }, async () => {
  const sim = await SimBridge.start('e3372h');
  try {
    const serial = { ports: [{ ...E3372H, interface: 2 }], choose: 0 };
    await withWizard({ serial }, async (wizard, { page }) => {
      await bridgeToSim(page, sim);
      await wizard.open(server.url);
      await wizard.screen('identify-1-start');
      await wizard.connectButton.click();
      await wizard.deviceCard.waitFor();
      assert.equal(await wizard.field('manufacturer').textContent(), 'huawei');
      assert.equal(await wizard.field('model').textContent(), 'E3372');
      assert.equal(await wizard.field('firmware').textContent(), '22.315.01.00.00');
      assert.equal(await wizard.field('imei').textContent(), '•••••••••••3453');
      assert.equal(await wizard.field('hardware').textContent(), 'CL2E3372HM Ver.A');
      assert.equal(await wizard.field('usb').textContent(), '12d1:1506 (Huawei, normal mode)');
      assert.equal(await wizard.field('port-role').textContent(), 'AT command port (PCUI)');
      assert.equal(await page.locator('.device-card .badge').count(), 0, 'a real modem is not badged virtual');
      await wizard.screen('identify-2-device-card');

      const log = await wizard.serialLog();
      const request = log.find((e) => e.op === 'requestPort');
      assert.deepEqual(
        request.filters.map((f) => f.usbVendorId),
        [0x12d1, 0x19d2, 0x1199, 0x1bbb, 0x1410, 0x05c6, 0x1c9e],
        'the chooser is filtered to the known modem vendors',
      );
      const open = log.find((e) => e.op === 'open');
      assert.equal(open.options.baudRate, 115200);
      assert.equal(open.options.dataBits, 8);
      assert.equal(open.options.stopBits, 1);
      assert.equal(open.options.parity, 'none');
      assert.ok(log.some((e) => e.op === 'close'), 'the port was closed after identification, with its locks released');
    });
  } finally {
    await sim.stop();
  }
});

test('identifies the built-in virtual modem with one click', { timeout: 60_000 }, async () => {
  await withWizard({}, async (wizard, { page }) => {
    await wizard.open(server.url);
    await wizard.virtualButton.click();
    await wizard.deviceCard.waitFor();
    assert.equal(await wizard.field('model').textContent(), 'E3372');
    assert.equal(await wizard.field('imei').textContent(), '•••••••••••3453');
    assert.equal(await wizard.field('usb').textContent(), '12d1:1506 (Huawei, normal mode)');
    assert.equal(await page.locator('.device-card .badge').textContent(), 'virtual');
    await page.getByText(/^Log \(\d+ lines\)$/).click();
    await page.getByText('← ^MODE:5,4 (unsolicited)').first().waitFor();
    await wizard.screen('virtual-device-card');
  });
});

test('a browser without Web Serial is told which browsers work', { timeout: 60_000 }, async () => {
  await withWizard({ serial: { removeSerial: true }, usb: { removeUsb: true } }, async (wizard, { page }) => {
    await wizard.open(server.url);
    assert.equal(await page.evaluate(() => 'serial' in navigator), false);
    await wizard.supportProblem.getByText('This browser cannot talk to USB modems').waitFor();
    assert.match(await wizard.supportProblem.textContent(), /Chrome, Microsoft Edge or Opera/);
    assert.equal(await wizard.connectButton.isDisabled(), true);
    assert.equal(await wizard.connectReason.textContent(), 'This browser has no Web Serial.');
    assert.equal(await wizard.virtualButton.isDisabled(), false, 'the virtual modem still works');
    await wizard.screen('no-web-serial');
  });
});

test('a page opened without a secure context says https is needed', { timeout: 60_000 }, async () => {
  const port = new URL(server.url).port;
  const extraArgs = ['--host-resolver-rules=MAP modem.example 127.0.0.1'];
  await withWizard({ extraArgs }, async (wizard, { page }) => {
    await wizard.open(`http://modem.example:${port}/`);
    assert.equal(await page.evaluate(() => window.isSecureContext), false);
    await wizard.supportProblem.getByText('This page needs a secure connection').waitFor();
    assert.equal(await wizard.connectButton.isDisabled(), true);
    assert.equal(await wizard.connectReason.textContent(), 'Needs a secure (https) page.');
    await wizard.screen('insecure-context');
  });
});

test('a cancelled chooser leads to short help, not an error', { timeout: 60_000 }, async () => {
  const serial = { ports: [{ ...E3372H, interface: 2 }], choose: 'cancel' };
  await withWizard({ serial }, async (wizard, { page }) => {
    await wizard.open(server.url);
    await wizard.connectButton.click();
    await wizard.cancelled.waitFor();
    assert.match(await wizard.cancelled.textContent(), /dialout/);
    assert.equal(await page.getByTestId('failed').count(), 0);
    assert.equal(await wizard.connectButton.isDisabled(), false, 'the person can try again');
    await wizard.screen('chooser-cancelled');
  });
});

test('a port that never answers AT suggests another port of the same modem', { timeout: 60_000 }, async () => {
  const sim = await SimBridge.start('e3372h');
  try {
    const serial = { ports: [{ ...E3372H, interface: 1 }], choose: 0 };
    await withWizard({ serial }, async (wizard, { page }) => {
      await bridgeToSim(page, sim);
      await wizard.open(server.url);
      await wizard.connectButton.click();
      await wizard.page.getByTestId('identifying').waitFor();
      await wizard.noAnswer.waitFor();
      const text = await wizard.noAnswer.textContent();
      assert.match(text, /12d1:1506/);
      assert.match(text, /Choose another port of the same modem/);
      const writes = (await wizard.serialLog()).filter((e) => e.op === 'write');
      // AT three times, then the doctor's DMSS NOP (7E 06 4E 95 7E) to tell a DIAG port from a silent one.
      assert.deepEqual(writes.map((w) => w.bytes), [3, 3, 3, 5], 'AT was tried three times, then the DMSS probe');
      await wizard.screen('no-answer');
    });
  } finally {
    await sim.stop();
  }
});
