// Issue 3 through the real Web Serial code path: a virtual E3372h behind the test-only
// navigator.serial, re-enumerating with new USB ids at each mode switch, as a real
// stick does; and an update that resumes after the stick was pulled out.
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

/** Starts the update; resolves when the stick is back in download mode (12d1:1c05). */
async function connectAndChooseFirmware(wizard, sim) {
  await bridgeToSim(wizard.page, sim);
  await wizard.open(server.url);
  await wizard.connectButton.click();
  await wizard.deviceCard.waitFor();
  await wizard.chooseFirmware(firmware);
  assert.equal(await wizard.verifySummary.getAttribute('data-passed'), 'true');
  await wizard.updateButton.click();
  const inDownloadMode = sim.nextEvent('connected', 30_000);
  await wizard.startUpdate.click();
  await wizard.progress.waitFor();
  return { inDownloadMode };
}

test('updates a modem through Web Serial, following both restarts', { timeout: 120_000 }, async () => {
  const sim = await SimBridge.start('e3372h');
  const browser = await openBrowser({ serial: serialConfig(sim.ready, 'pcui') });
  try {
    const wizard = new WizardPage(browser.page);
    const { inDownloadMode } = await connectAndChooseFirmware(wizard, sim);

    // 12d1:1c05 was never granted: the page must ask, with the right filter. Pressed
    // before the stick is back, the chooser is empty and the page says to wait.
    await wizard.reconnect.waitFor({ timeout: 30_000 });
    assert.match(await wizard.reconnect.textContent(), /12d1:1c05/);
    await wizard.selectAgain.click();
    await wizard.reconnect.getByText(/wait a few seconds and press the button again/).waitFor();
    assert.equal((await inDownloadMode).usb, '12d1:1c05');
    await wizard.screen('serial-flash-1-select-again');
    await wizard.selectAgain.click();
    await wizard.page.getByTestId('current-stage').getByText(/^Writing /).waitFor({ timeout: 30_000 });
    await wizard.screen('serial-flash-2-writing');

    // Back in normal mode with the id granted at the start: no second prompt.
    await wizard.done.waitFor({ timeout: 60_000 });
    assert.equal(await wizard.page.getByTestId('old-version').textContent(), '22.315.01.00.00');
    assert.equal(await wizard.page.getByTestId('new-version').textContent(), NEW_VERSION);
    await wizard.screen('serial-flash-3-done');

    const log = await wizard.serialLog();
    const requests = log.filter((e) => e.op === 'requestPort');
    assert.equal(requests.length, 3, 'one chooser at the start, two for download mode (one too early)');
    assert.deepEqual(requests[2].filters, [{ usbVendorId: 0x12d1, usbProductId: 0x1c05 }, { usbVendorId: 0x12d1, usbProductId: 0x1442 }]);
    assert.deepEqual(log.filter((e) => e.op === 'open').map((e) => e.usb), ['4817:5382', '4817:5382', '4817:7173', '4817:5382']);
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
    await sim.stop();
  }
});

test('an update interrupted by an unplug resumes where it stopped', { timeout: 150_000 }, async () => {
  const sim = await SimBridge.start('e3372h');
  const browser = await openBrowser({ serial: serialConfig(sim.ready, 'pcui') });
  try {
    const wizard = new WizardPage(browser.page);
    const { inDownloadMode } = await connectAndChooseFirmware(wizard, sim);
    await inDownloadMode;
    await wizard.selectAgain.click();
    await wizard.page.getByTestId('current-stage').getByText('Writing Kernel (3 of 6)').waitFor({ timeout: 30_000 });
    sim.unplug();

    await wizard.stopped.waitFor({ timeout: 30_000 });
    assert.match(await wizard.stopped.textContent(), /in update mode and its firmware is incomplete/);
    assert.equal(await wizard.page.getByTestId('next-step').textContent(), 'Resume the update');
    await wizard.screen('serial-resume-1-stopped');

    sim.replug();
    await sim.nextEvent('connected', 20_000);
    await wizard.page.getByTestId('next-step').click();
    await wizard.startUpdate.click();
    await wizard.done.waitFor({ timeout: 60_000 });
    assert.equal(await wizard.page.getByTestId('new-version').textContent(), NEW_VERSION);
    assert.match(await wizard.done.textContent(), /had been written before the interruption/);
    await wizard.screen('serial-resume-2-done');
  } finally {
    await browser.close();
    await sim.stop();
  }
});
