// Issue 7 through the real Web Serial code path: a virtual E3372h stuck in its boot ROM
// (12d1:1443) is recovered with a loader file (the erase warning must be ticked for a
// stock loader), comes back in update mode and takes a normal update; and a stopped
// update offers a debug bundle with the log and without the stick's IMEI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import os from 'node:os';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { serveDist } from './support/server.mjs';
import { openBrowser, bridgeToSim } from './support/browser.mjs';
import { SimBridge, MODEMFLASH_BIN, serialConfig } from './support/sim-bridge.mjs';
import { WizardPage } from './pages/wizard-page.mjs';

const NEW_VERSION = '22.333.01.00.00';
const IMEI = '861000000123453'; // the virtual E3372h's (crates/sim/src/profile.rs)
let server;
let firmware;
let stockLoader;
let damagedLoader;

before(async () => {
  server = await serveDist(path.resolve('dist'));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mf-recovery-'));
  firmware = path.join(dir, `E3372h-${NEW_VERSION}.bin`);
  stockLoader = path.join(dir, 'usbloader-e3372h.bin');
  execFileSync(MODEMFLASH_BIN, ['sim', '--profile', 'e3372h', '--write-update', firmware, '--firmware-version', NEW_VERSION]);
  execFileSync(MODEMFLASH_BIN, ['sim', '--write-loader', stockLoader]);
  damagedLoader = path.join(dir, 'usblsafe-damaged.bin');
  await writeFile(damagedLoader, Buffer.from('not a boot loader at all'));
});
after(async () => {
  await server?.close();
});

test('a stick stuck in its boot ROM is recovered with a loader and updated', { timeout: 150_000 }, async () => {
  const sim = await SimBridge.start('e3372h', ['--start-in', 'boot-rom']);
  assert.equal(sim.ready.usb, '12d1:1443');
  const browser = await openBrowser({ serial: serialConfig(sim.ready, 'boot-rom') });
  try {
    const wizard = new WizardPage(browser.page);
    await bridgeToSim(wizard.page, sim);
    await wizard.open(server.url);
    await wizard.connectButton.click();
    await wizard.recovery.waitFor();
    assert.match(await wizard.recovery.textContent(), /12d1:1443 \(Huawei, boot ROM mode\)/);
    assert.equal(await wizard.loadLoader.isDisabled(), true);
    assert.equal(await wizard.page.getByTestId('load-reason').textContent(), 'Choose the boot loader file first.');
    await wizard.screen('recovery-1-boot-rom');

    // A file that is no loader is refused before anything is sent.
    await wizard.loaderInput.setInputFiles(damagedLoader);
    await wizard.page.getByTestId('loader-checks').getByText('usblsafe-damaged.bin cannot be used').waitFor();
    assert.match(await wizard.page.getByTestId('loader-checks').textContent(), /This is not a Balong boot loader/);
    assert.equal(await wizard.loadLoader.isDisabled(), true);
    assert.match(await wizard.page.getByTestId('load-reason').textContent(), /failed its checks/);

    // A stock loader: loud warning, and the button stays disabled until it is ticked.
    await wizard.loaderInput.setInputFiles(stockLoader);
    await wizard.page.getByTestId('erase-warning').waitFor();
    assert.match(await wizard.page.getByTestId('loader-checks').textContent(), /ERASE THE WHOLE FLASH, including the IMEI/);
    assert.equal(await wizard.loadLoader.isDisabled(), true);
    assert.match(await wizard.page.getByTestId('load-reason').textContent(), /Tick the box above first/);
    await wizard.screen('recovery-2-erase-warning');
    const before = (await wizard.serialLog()).filter((e) => e.op === 'write').length;
    assert.equal(before, 0, 'nothing was sent to the boot ROM: not even AT');

    await wizard.confirmErase.check();
    const inDownloadMode = sim.nextEvent('connected', 30_000);
    await wizard.loadLoader.click();
    await wizard.reconnect.waitFor({ timeout: 30_000 });
    assert.equal((await inDownloadMode).usb, '12d1:1c05');
    await wizard.screen('recovery-3-select-again');
    await wizard.selectAgain.click();
    await wizard.inDownloadMode.waitFor({ timeout: 30_000 });
    await wizard.screen('recovery-4-update-mode');

    // The normal update follows.
    await wizard.chooseFirmware(firmware);
    assert.equal(await wizard.verifySummary.getAttribute('data-passed'), 'true');
    await wizard.updateButton.click();
    await wizard.startUpdate.click();
    await wizard.progress.waitFor();
    const normalMode = sim.nextEvent('connected', 60_000);
    await wizard.reconnect.waitFor({ timeout: 60_000 });
    assert.equal((await normalMode).usb, '12d1:1506');
    await wizard.selectAgain.click();
    await wizard.done.waitFor({ timeout: 60_000 });
    assert.equal(await wizard.page.getByTestId('new-version').textContent(), NEW_VERSION);
    await wizard.screen('recovery-5-done');

    const log = await wizard.serialLog();
    assert.deepEqual(log.filter((e) => e.op === 'open').map((e) => e.usb).slice(0, 2), ['4817:5187', '4817:7173']);
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
    await sim.stop();
  }
});

test('a stopped update offers a debug bundle with the log and without the IMEI', { timeout: 120_000 }, async () => {
  const sim = await SimBridge.start('e3372h');
  const browser = await openBrowser({ serial: serialConfig(sim.ready, 'pcui') });
  try {
    const wizard = new WizardPage(browser.page);
    await bridgeToSim(wizard.page, sim);
    await wizard.open(server.url);
    await wizard.connectButton.click();
    await wizard.deviceCard.waitFor();
    await wizard.chooseFirmware(firmware);
    await wizard.updateButton.click();
    const inDownloadMode = sim.nextEvent('connected', 30_000);
    await wizard.startUpdate.click();
    await inDownloadMode;
    await wizard.selectAgain.click();
    await wizard.page.getByTestId('current-stage').getByText(/^Writing /).waitFor({ timeout: 30_000 });
    sim.unplug();
    await wizard.stopped.waitFor({ timeout: 30_000 });
    await wizard.screen('bundle-1-stopped');

    for (const scope of [wizard.stopped, wizard.log]) {
      if (scope === wizard.log) await wizard.page.getByTestId('log-summary').click();
      const { text, bundle } = await wizard.downloadDebugBundle(scope);
      assert.equal(bundle.format, 'modemflash-debug-bundle/1');
      assert.ok(!text.includes(IMEI), 'the IMEI of the virtual stick is not in the bundle');
      assert.ok(bundle.log.includes('[Trace] → AT+CGSN'), 'the protocol log is in it');
      assert.ok(bundle.log.includes('[Trace] ← 86100000xxxxxxx'), 'the IMEI reply, redacted');
      assert.ok(bundle.log.some((l) => l.startsWith('[Info] ▶ Writing ')), 'the stages are in it');
      assert.match(bundle.failure.device_state, /in update mode and its firmware is incomplete/);
      assert.equal(bundle.firmware.passed, true);
      assert.ok(bundle.firmware.checks.some((c) => c.id === 'sha256'));
      assert.deepEqual(bundle.device.find((f) => f.name === 'model'), { name: 'model', value: 'E3372' });
    }
    await wizard.screen('bundle-2-log-view');
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
    await sim.stop();
  }
});
