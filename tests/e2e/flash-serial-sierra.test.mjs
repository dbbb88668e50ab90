// Issue 5 through the real Web Serial code path: a virtual Sierra MC7455 behind the
// test-only navigator.serial. AT!BOOTHOLD re-enumerates it as the single-interface QDL
// device (1199:9070), the page asks for that port, downloads the .spk over QDL, and the
// module comes back in normal mode (1199:9071) with the new version.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import os from 'node:os';
import { mkdtemp } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { serveDist } from './support/server.mjs';
import { openBrowser, bridgeToSim } from './support/browser.mjs';
import { SimBridge, MODEMFLASH_BIN, serialConfig } from './support/sim-bridge.mjs';
import { WizardPage } from './pages/wizard-page.mjs';

const NEW_VERSION = '02.30.01.01';
let server;
let firmware;

before(async () => {
  server = await serveDist(path.resolve('dist'));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mf-fw-'));
  firmware = path.join(dir, `MC7455-${NEW_VERSION}.spk`);
  execFileSync(MODEMFLASH_BIN, [
    'sim', '--profile', 'mc7455', '--write-update', firmware, '--firmware-version', NEW_VERSION, '--size', '2500000',
  ]);
});
after(async () => {
  await server?.close();
});

test('updates a Sierra module through Web Serial over QDL', { timeout: 150_000 }, async () => {
  const sim = await SimBridge.start('mc7455');
  const browser = await openBrowser({ serial: serialConfig(sim.ready, 'pcui') });
  try {
    const wizard = new WizardPage(browser.page);
    await bridgeToSim(wizard.page, sim);
    await wizard.open(server.url);
    await wizard.connectButton.click();
    await wizard.deviceCard.waitFor();
    await wizard.screen('sierra-flash-1-connected');
    await wizard.chooseFirmware(firmware);
    assert.equal(await wizard.verifySummary.getAttribute('data-passed'), 'true');
    await wizard.screen('sierra-flash-2-verified');
    await wizard.updateButton.click();
    const inBootAndHold = sim.nextEvent('connected', 30_000);
    await wizard.startUpdate.click();
    await wizard.progress.waitFor();

    // 1199:9070 was never granted: the page asks for the QDL device.
    await wizard.reconnect.waitFor({ timeout: 30_000 });
    assert.equal((await inBootAndHold).usb, '1199:9070');
    assert.match(await wizard.reconnect.textContent(), /1199:9070/);
    await wizard.screen('sierra-flash-3-select-qdl-port');
    await wizard.selectAgain.click();
    await wizard.page.getByTestId('current-stage').getByText('Writing SPKG (1 of 1)').waitFor({ timeout: 30_000 });
    await wizard.screen('sierra-flash-4-writing');

    await wizard.done.waitFor({ timeout: 90_000 });
    assert.match(await wizard.page.getByTestId('old-version').textContent(), /^SWI9X30C_02\.24\.05\.06/);
    assert.match(await wizard.page.getByTestId('new-version').textContent(), /^SWI9X30C_02\.30\.01\.01 /);
    await wizard.screen('sierra-flash-5-done');

    const log = await wizard.serialLog();
    const requests = log.filter((e) => e.op === 'requestPort');
    assert.equal(requests.length, 2, 'one chooser at the start, one for the QDL device');
    assert.ok(
      requests[1].filters.some((f) => f.usbVendorId === 0x1199 && f.usbProductId === 0x9070),
      JSON.stringify(requests[1].filters),
    );
    // 0x1199:0x9071 normal, 0x1199:0x9070 boot-and-hold, in decimal as Web Serial reports them.
    const opens = log.filter((e) => e.op === 'open').map((e) => `${e.usb}/${e.interface}`);
    assert.deepEqual(opens.slice(0, 3), ['4505:36977/3', '4505:36977/3', '4505:36976/0']);
    // Back in normal mode every port of the module is granted: the page asks each one
    // "AT" and keeps the AT port, closing the DIAG and GPS ports again.
    assert.deepEqual(opens.slice(3), ['4505:36977/0', '4505:36977/2', '4505:36977/3']);
    const closes = log.filter((e) => e.op === 'close' && e.usb === '4505:36977').map((e) => e.interface);
    assert.ok([0, 2].every((i) => closes.includes(i)), `probed ports closed again: ${closes}`);
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
    await sim.stop();
  }
});
