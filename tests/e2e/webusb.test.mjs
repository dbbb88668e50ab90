// Issue 6 through the real WebUSB code path: virtual dongles behind the test-only
// navigator.usb (fake-usb.js), bridged to `modemflash sim --bridge` like the serial
// tests: a stick in CD-ROM mode (recognised, explained, and switched by HuaweiMode where
// the page may send it), an interface a driver holds, a browser without Web Serial, and
// a whole update written through WebUSB bulk transfers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import os from 'node:os';
import { mkdtemp } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { serveDist } from './support/server.mjs';
import { bridgeToSim } from './support/browser.mjs';
import { SimBridge, MODEMFLASH_BIN, usbConfig } from './support/sim-bridge.mjs';
import { withWizard } from './pages/wizard-page.mjs';

const NEW_VERSION = '22.333.01.00.00';
let server;
let firmware;

before(async () => {
  server = await serveDist(path.resolve('dist'));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mf-fw-'));
  firmware = path.join(dir, `E3372h-${NEW_VERSION}.bin`);
  execFileSync(MODEMFLASH_BIN, ['sim', '--profile', 'e3372h', '--write-update', firmware, '--firmware-version', NEW_VERSION]);
});
after(async () => {
  await server?.close();
});

/** Runs `body` against a virtual dongle bridged to both fake APIs. */
async function withDongle(profile, simArgs, { held, serial = { ports: [], pick: ['pcui'] } } = {}, body) {
  const sim = await SimBridge.start(profile, simArgs);
  try {
    await withWizard({ serial, usb: usbConfig(sim.ready, { held }) }, async (wizard, browser) => {
      await bridgeToSim(browser.page, sim);
      await wizard.open(server.url);
      await body(wizard, sim);
    });
  } finally {
    await sim.stop();
  }
}

test('an E220 in CD-ROM mode is recognised, explained and switched by HuaweiMode', { timeout: 60_000 }, async () => {
  await withDongle('e220', ['--start-in', 'zero-cd'], {}, async (wizard, sim) => {
    assert.deepEqual(sim.ready.interfaces, [{ interface: 0, class: 8 }], 'only Mass Storage');
    await wizard.connectUsbButton.click();
    await wizard.cdRom.waitFor();
    const text = await wizard.cdRom.textContent();
    assert.match(text, /12d1:1003 \(Huawei, CD-ROM mode\)/);
    assert.match(text, /Huawei E220, E230, E270, E870/);
    assert.match(text, /switches with a standard USB request/);
    // Headless Chromium here reports Linux.
    assert.match(await wizard.page.getByTestId('cd-rom-os').textContent(), /usb_modeswitch/);
    assert.equal(await wizard.deviceCard.count(), 0);
    await wizard.screen('webusb-cdrom-1-recognised');

    const back = sim.nextEvent('connected', 15_000);
    await wizard.switchMode.click();
    await wizard.switchStatus.getByText(/accepted the switch/).waitFor();
    const modem = await back;
    assert.equal(modem.usb, '12d1:1003', 'HuaweiMode keeps the id');
    assert.deepEqual(modem.interfaces.map((i) => i.class), [255, 255], 'vendor interfaces now');
    await wizard.screen('webusb-cdrom-2-switched');

    const log = await wizard.usbLog();
    assert.deepEqual(
      log.filter((e) => e.op === 'controlTransferOut').map(({ op, ...setup }) => setup),
      [{ request_type: 0, request: 3, value: 1, index: 0 }],
      'exactly SET_FEATURE(1) to the device',
    );
    assert.equal(log.filter((e) => e.op === 'claimInterface').length, 0, 'the storage interface is never claimed');

    // Back as a modem, its AT port is the OS driver's: Web Serial reaches it.
    await wizard.connectButton.click();
    await wizard.deviceCard.waitFor();
    assert.equal(await wizard.field('model').textContent(), 'E220');
    assert.equal(await wizard.field('usb').textContent(), '12d1:1003 (Huawei, normal mode)');
    await wizard.screen('webusb-cdrom-3-identified');
  });
});

test('an E3372h in CD-ROM mode is explained and not offered a switch the page cannot send', { timeout: 60_000 }, async () => {
  await withDongle('e3372h', ['--start-in', 'zero-cd'], {}, async (wizard, sim) => {
    await wizard.connectUsbButton.click();
    await wizard.cdRom.waitFor();
    const text = await wizard.cdRom.textContent();
    assert.match(text, /12d1:1f01 \(Huawei, CD-ROM mode\)/);
    assert.match(text, /cannot send the switch command/);
    assert.equal(await wizard.switchMode.count(), 0);
    assert.equal(sim.ready.usb, '12d1:1f01');
    const log = await wizard.usbLog();
    assert.deepEqual(log.filter((e) => e.op === 'requestDevice')[0].filters.map((f) => f.vendorId), [0x12d1, 0x19d2, 0x1199, 0x1bbb, 0x1410, 0x05c6]);
    assert.equal(log.filter((e) => e.op === 'controlTransferOut' || e.op === 'claimInterface').length, 0);
    await wizard.screen('webusb-cdrom-protected');
  });
});

test('a download interface held by a driver names the driver and how to free it', { timeout: 60_000 }, async () => {
  await withDongle('e3372h', ['--start-in', 'download'], { held: [2] }, async (wizard) => {
    await wizard.connectUsbButton.click();
    await wizard.failed.waitFor();
    const text = await wizard.failed.textContent();
    assert.match(text, /interface 2 of 12d1:1c05 is held by the option driver or by another program/);
    assert.match(text, /sudo systemctl stop ModemManager/);
    assert.match(text, /\/sys\/bus\/usb\/drivers\/option\/\*:1\.2/);
    assert.match(text, /Connect modem/, 'Web Serial through the driver is offered as the other way');
    const claims = (await wizard.usbLog()).filter((e) => e.op === 'claimInterface');
    assert.deepEqual(claims.map((e) => e.interface), [2], 'the catalogue names the download interface');
    await wizard.screen('webusb-claim-held');
  });
});

test('without Web Serial the page says it connects over USB instead', { timeout: 60_000 }, async () => {
  await withDongle('e3372h', [], { serial: { removeSerial: true } }, async (wizard) => {
    assert.equal(await wizard.supportProblem.count(), 0, 'WebUSB reaches real modems');
    assert.match(await wizard.usbFallback.textContent(), /no Web Serial, so the page connects to modems over USB/);
    assert.equal(await wizard.connectButton.isDisabled(), true);
    assert.equal(await wizard.connectReason.textContent(), 'This browser has no Web Serial.');
    assert.equal(await wizard.connectUsbButton.isDisabled(), false);
    await wizard.screen('webusb-no-serial');
  });
});

test('updates a stick in download mode through WebUSB bulk transfers', { timeout: 120_000 }, async (t) => {
  await withDongle('e3372h', ['--start-in', 'download'], {}, async (wizard, sim) => {
    await wizard.connectUsbButton.click();
    await wizard.inDownloadMode.waitFor();
    assert.match(await wizard.inDownloadMode.textContent(), /12d1:1c05/);
    await wizard.chooseFirmware(firmware);
    assert.equal(await wizard.verifySummary.getAttribute('data-passed'), 'true');
    await wizard.updateButton.click();
    const restarted = sim.nextEvent('connected', 60_000);
    await wizard.startUpdate.click();
    await wizard.page.getByTestId('current-stage').getByText(/^Writing /).waitFor({ timeout: 30_000 });
    await wizard.screen('webusb-flash-1-writing');

    // Back in normal mode its ports belong to the OS driver: the page asks for the AT
    // port through Web Serial.
    assert.equal((await restarted).usb, '12d1:1506');
    await wizard.reconnect.waitFor({ timeout: 30_000 });
    await wizard.selectAgain.click();
    await wizard.done.waitFor({ timeout: 60_000 });
    assert.equal(await wizard.page.getByTestId('new-version').textContent(), NEW_VERSION);
    await wizard.screen('webusb-flash-2-done');

    const check = await sim.checkFlash(firmware);
    assert.equal(check.exact, true, `the virtual flash holds every partition of the file: ${JSON.stringify(check)}`);

    const log = await wizard.usbLog();
    const claims = log.filter((e) => e.op === 'claimInterface');
    assert.deepEqual(claims.map((e) => e.interface), [2, 2], 'identification, then the update, on the download interface');
    const writes = log.filter((e) => e.op === 'transferOut');
    assert.ok(writes.length > 100, `every frame is one transferOut (${writes.length})`);
    writes.forEach((w, i) => {
      if (w.bytes > 0 && w.bytes % 512 === 0) assert.equal(writes[i + 1]?.bytes, 0, 'a full last packet is followed by a ZLP');
      if (w.bytes === 0) assert.equal(writes[i - 1].bytes % 512, 0, 'no ZLP after a short packet');
    });
    assert.ok(log.some((e) => e.op === 'releaseInterface' && e.interface === 2), 'the interface is released');
    const bytes = writes.reduce((sum, w) => sum + w.bytes, 0);
    t.diagnostic(`${writes.length} transferOut calls, ${bytes} bytes, ${writes.filter((w) => w.bytes === 0).length} zero-length packets`);
  });
});

test('without Web Serial a whole update runs over USB, the restart included', { timeout: 120_000 }, async () => {
  await withDongle('e3372h', ['--start-in', 'download'], { serial: { removeSerial: true } }, async (wizard, sim) => {
    await wizard.connectUsbButton.click();
    await wizard.inDownloadMode.waitFor();
    await wizard.chooseFirmware(firmware);
    await wizard.updateButton.click();
    const restarted = sim.nextEvent('connected', 60_000);
    await wizard.startUpdate.click();

    // 12d1:1506 is a new id: the page asks for it through the USB chooser.
    assert.equal((await restarted).usb, '12d1:1506');
    await wizard.reconnect.waitFor({ timeout: 30_000 });
    assert.match(await wizard.reconnect.textContent(), /12d1:1506/);
    await wizard.screen('webusb-android-1-select-again');
    await wizard.selectAgain.click();
    await wizard.done.waitFor({ timeout: 60_000 });
    assert.equal(await wizard.page.getByTestId('new-version').textContent(), NEW_VERSION);
    await wizard.screen('webusb-android-2-done');
    assert.equal((await sim.checkFlash(firmware)).exact, true);

    const log = await wizard.usbLog();
    const requests = log.filter((e) => e.op === 'requestDevice');
    assert.equal(requests.length, 2, 'one chooser at the start, one after the restart');
    assert.deepEqual(requests[1].filters, [{ vendorId: 0x12d1, productId: 0x1506 }]);
    const claims = log.filter((e) => e.op === 'claimInterface').map((e) => `${e.interface}`);
    assert.deepEqual(claims, ['2', '2', '2'], 'download port twice, then the AT port (PCUI, interface 2 of 12d1:1506)');
  });
});
