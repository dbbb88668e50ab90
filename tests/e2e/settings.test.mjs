// Issue 7 "Settings" in the page with the built-in virtual modem: a backup downloaded as
// JSON and kept in the browser (under a hash of the IMEI), a stand-alone restore from a
// file that changes the modem, an update that restores what it cleared, a restore of the
// kept backup, and an item that cannot be restored with what to do about it. Then the
// same through Web Serial, on a 3G stick that has ^SYSCFG but no ^SYSCFGEX.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { serveDist } from './support/server.mjs';
import { bridgeToSim } from './support/browser.mjs';
import { SimBridge, serialConfig } from './support/sim-bridge.mjs';
import { withWizard } from './pages/wizard-page.mjs';

let server;
before(async () => {
  server = await serveDist(path.resolve('dist'));
});
after(async () => {
  await server?.close();
});

const IMEI = '861000000123453';

/** The restore list's items as text, in order. */
async function restoredItems(scope) {
  await scope.getByTestId('restore-list').waitFor();
  return (await scope.getByTestId('restore-item').allTextContents()).map((t) => t.trim());
}

/** Chooses `doc` as the backup file to restore. */
async function restoreFromFile(wizard, name, doc) {
  await wizard.page.getByTestId('settings-file').setInputFiles({
    name,
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(doc)),
  });
}

test('backs up, restores from a file, keeps the settings through an update and restores the kept backup', { timeout: 240_000 }, async () => {
  await withWizard({}, async (wizard) => {
    const { page } = wizard;
    const panel = page.getByTestId('settings-panel');
    await wizard.open(server.url);
    await wizard.virtualButton.click();
    await wizard.deviceCard.waitFor();
    const restoreSaved = page.getByTestId('settings-restore-saved');
    assert.equal(await restoreSaved.isDisabled(), true);
    assert.match(await page.getByTestId('settings-reason').textContent(), /no backup of this modem is kept/);
    await wizard.screen('settings-1-panel');

    // Download: the file, and the copy the browser keeps.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('settings-download').click()]);
    assert.match(download.suggestedFilename(), /^settings-E3372-3453-\d{8}T\d{6}Z\.json$/);
    const factory = JSON.parse(await readFile(await download.path(), 'utf8'));
    assert.equal(factory.format, 'modemflash-settings/1');
    assert.deepEqual(factory.apn_profiles.value, [{ cid: 1, pdp_type: 'IP', apn: 'internet' }]);
    assert.deepEqual(Object.keys(factory.network_mode.value), ['^SYSCFGEX']);
    assert.equal(factory.pin_check.value, 'off');
    assert.equal(factory.device.dashboard, 'WEBUI_17.100.13.01.03_HILINK');
    await page.getByTestId('settings-saved').waitFor();
    const stored = await page.evaluate(() =>
      Object.keys(localStorage).filter((k) => k.startsWith('modemflash.settings.')).map((k) => [k, localStorage.getItem(k)]),
    );
    assert.equal(stored.length, 1);
    assert.match(stored[0][0], /^modemflash\.settings\.[0-9a-f]{64}$/, 'kept under a hash of the IMEI');
    assert.ok(!stored[0][0].includes(IMEI) && !stored[0][1].includes(IMEI), 'the IMEI itself is never stored');
    assert.equal(await restoreSaved.isDisabled(), false);
    await wizard.screen('settings-2-saved');

    // Another day's settings from a file: a second APN, LTE first.
    const custom = structuredClone(factory);
    custom.apn_profiles.value.push({ cid: 3, pdp_type: 'IPV4V6', apn: 'corp.example' });
    custom.network_mode.value['^SYSCFGEX'].acqorder = '0302';
    await restoreFromFile(wizard, 'custom.json', custom);
    assert.deepEqual(await restoredItems(panel), [
      'APN profile 1: already the same: IP "internet"',
      'APN profile 3: restored: IPV4V6 "corp.example"',
      'Network mode: was ^SYSCFGEX "00",3FFFFFFF,1,2,7FFFFFFFFFFFFFFF, set back to ^SYSCFGEX "0302",3FFFFFFF,1,2,7FFFFFFFFFFFFFFF',
      'PIN check: already the same: off',
    ]);
    await wizard.screen('settings-3-restored-from-file');

    // The update clears them; the job backs them up first and puts them back.
    await wizard.demoFirmware.click();
    await wizard.verifySummary.waitFor({ timeout: 60_000 });
    await wizard.updateButton.click();
    await wizard.startUpdate.click();
    await wizard.done.waitFor({ timeout: 120_000 });
    const restoredByUpdate = await restoredItems(wizard.done);
    assert.ok(restoredByUpdate.includes('APN profile 3: restored: IPV4V6 "corp.example"'), restoredByUpdate.join('\n'));
    assert.ok(
      restoredByUpdate.some((t) => t.startsWith('Network mode: was ^SYSCFGEX "00",3FFFFFFF,1,2,7FFFFFFFFFFFFFFF, set back to ^SYSCFGEX "0302"')),
      restoredByUpdate.join('\n'),
    );
    await wizard.screen('settings-4-update-done');

    // The update kept a new backup in the browser: restoring it finds everything in place.
    await restoreSaved.click();
    assert.deepEqual(
      (await restoredItems(panel)).map((t) => t.replace(/: already the same: .*/, '')),
      ['APN profile 1', 'APN profile 3', 'Network mode', 'PIN check'],
    );
    await wizard.screen('settings-5-restored-kept-backup');

    // A backup whose PIN check is on: never switched without the PIN, and the page says what to do.
    await restoreFromFile(wizard, 'pin-on.json', { ...custom, pin_check: { status: 'saved', value: 'on' } });
    const failed = panel.locator('.restore-item.failed');
    await failed.waitFor();
    assert.match(await failed.textContent(), /PIN check: could not be restored \(on\)Turning the PIN check on needs the SIM's PIN, which this page never sends/);
    await wizard.screen('settings-6-could-not');

    // A file that is not a backup is refused before anything is sent.
    await restoreFromFile(wizard, 'journal.json', { image: 'abc', finished: [] });
    assert.match(await page.getByTestId('settings-error').textContent(), /journal\.json cannot be restored: this file is not a modemflash settings backup/);
    await wizard.screen('settings-7-not-a-backup');
  });
});

test('backs up and restores a 3G stick without ^SYSCFGEX through Web Serial', { timeout: 120_000 }, async () => {
  const sim = await SimBridge.start('e3131');
  try {
    await withWizard({ serial: serialConfig(sim.ready, 'pcui') }, async (wizard) => {
      const { page } = wizard;
      await bridgeToSim(page, sim);
      await wizard.open(server.url);
      await wizard.connectButton.click();
      await wizard.deviceCard.waitFor();

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('settings-download').click()]);
      const backup = JSON.parse(await readFile(await download.path(), 'utf8'));
      assert.equal(backup.device.model, 'E3131');
      assert.deepEqual(backup.network_mode.value, { '^SYSCFG': { mode: 2, acqorder: 0, band: '3FFFFFFF', roam: 1, srvdomain: 2 } });

      const wcdmaOnly = structuredClone(backup);
      wcdmaOnly.network_mode.value['^SYSCFG'].mode = 14;
      await restoreFromFile(wizard, 'wcdma-only.json', wcdmaOnly);
      const items = await restoredItems(page.getByTestId('settings-panel'));
      assert.ok(items.includes('Network mode: was ^SYSCFG 2,0,3FFFFFFF,1,2, set back to ^SYSCFG 14,0,3FFFFFFF,1,2'), items.join('\n'));
      await wizard.screen('settings-serial-restored');

      // Each task opens the port and closes it again, so nothing holds it between steps.
      const log = await wizard.serialLog();
      const ops = log.filter((e) => e.op === 'open' || e.op === 'close').map((e) => e.op);
      assert.deepEqual(ops, ['open', 'close', 'open', 'close', 'open', 'close'], 'identify, backup, restore');
    });
  } finally {
    await sim.stop();
  }
});
