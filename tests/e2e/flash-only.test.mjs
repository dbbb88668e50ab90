// Issue 3, "write only these partitions": the confirmation's disclosure narrows the job
// to the WebUI of a virtual E3372h behind the test-only navigator.serial. The virtual
// flash then holds the new WebUI and nothing else, and the version check after the
// restart accepts the old firmware version the stick keeps.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import os from 'node:os';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { serveDist } from './support/server.mjs';
import { SimBridge, MODEMFLASH_BIN, serialConfig } from './support/sim-bridge.mjs';
import { withWizard } from './pages/wizard-page.mjs';

const OLD_VERSION = '22.315.01.00.00';
const NEW_VERSION = '22.333.01.00.00';
let server;
let dir;
let firmware;
let partitions;

before(async () => {
  server = await serveDist(path.resolve('dist'));
  dir = await mkdtemp(path.join(os.tmpdir(), 'mf-only-'));
  firmware = path.join(dir, `E3372h-${NEW_VERSION}.bin`);
  execFileSync(MODEMFLASH_BIN, ['sim', '--profile', 'e3372h', '--write-update', firmware, '--firmware-version', NEW_VERSION]);
  partitions = JSON.parse(execFileSync(MODEMFLASH_BIN, ['inspect', '--json', firmware], { encoding: 'utf8' })).image.partitions;
});
after(async () => {
  await server?.close();
});

const hex = (code) => code.toString(16).padStart(8, '0');

test('writes only the WebUI partition chosen in the confirmation', { timeout: 150_000 }, async () => {
  const webui = partitions.find((p) => p.name === 'WEBUI');
  assert.ok(webui && partitions.length === 6, 'the synthetic update has six partitions, one of them the WebUI');
  const flash = path.join(dir, 'flash');
  const sim = await SimBridge.start('e3372h', ['--dump-flash', flash]);
  try {
    await withWizard({ serial: serialConfig(sim.ready, 'pcui') }, async (wizard, { page }) => {
      await wizard.connectTo(sim, server.url);
      await wizard.chooseFirmware(firmware);
      assert.equal(await wizard.verifySummary.getAttribute('data-passed'), 'true');
      await wizard.updateButton.click();

      // Everything ticked: the whole file, with the version it installs.
      const written = wizard.confirm.getByTestId('confirm-written');
      const total = partitions.reduce((sum, p) => sum + p.flashed_size, 0);
      assert.equal(total, 1_000_030);
      assert.match(await written.textContent(), new RegExp(`will be written: 6 partitions, 1\\.0 MB, firmware ${NEW_VERSION}\\.`));
      const disclosure = wizard.confirm.getByTestId('only-partitions');
      assert.equal(await disclosure.getAttribute('open'), null, 'closed until asked for');

      // Opened and narrowed with the keyboard alone.
      await disclosure.locator('summary').focus();
      await page.keyboard.press('Enter');
      assert.equal(await disclosure.getAttribute('open'), '');
      const boxes = disclosure.getByRole('checkbox');
      const partition = (p) => disclosure.getByRole('checkbox', { name: new RegExp(`^#${p.index} ${p.name} \\(`) });
      assert.equal(await boxes.count(), 6);
      for (const p of partitions) {
        assert.ok(await partition(p).isChecked(), `${p.name} is ticked by default`);
      }
      assert.equal(await disclosure.locator('label').last().textContent(), '#5 WEBUI (234 KB)');
      await wizard.screen('only-1-disclosure');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.labels[0].textContent), '#0 M3Boot-ptable (15 KB)');
      await page.keyboard.press('Space');
      assert.equal(await boxes.first().isChecked(), false);
      assert.match(await written.textContent(), /^Only M3Boot, Kernel, VxWorks, Nvdload, WEBUI of .* 5 of 6 partitions, 984 KB\. /);
      assert.equal(await written.getAttribute('class'), 'partial');

      for (const p of partitions.filter((p) => p !== webui)) {
        await partition(p).uncheck();
      }
      assert.equal(
        await written.textContent(),
        'Only WEBUI of E3372h-22.333.01.00.00.bin will be written: 1 of 6 partitions, 234 KB. The modem keeps its '
          + 'current version of every partition left out, and afterwards it still reports the firmware version it has now.',
      );

      // Nothing ticked: nothing to start, and the sentence the button is described by says why.
      await partition(webui).uncheck();
      assert.ok(await wizard.startUpdate.isDisabled());
      assert.match(await written.textContent(), /nothing to write: tick at least one/);
      assert.equal(await wizard.startUpdate.getAttribute('aria-describedby'), 'confirm-written');
      await wizard.screen('only-2-nothing-ticked');

      await partition(webui).check();
      assert.ok(await wizard.startUpdate.isEnabled());
      await wizard.screen('only-3-webui-only');

      const inDownloadMode = sim.nextEvent('connected', 30_000);
      await wizard.startUpdate.click();
      await wizard.progress.waitFor();
      await wizard.reconnect.waitFor({ timeout: 30_000 });
      assert.equal((await inDownloadMode).usb, '12d1:1c05');
      await wizard.selectAgain.click();
      await page.getByTestId('current-stage').getByText('Writing WEBUI (1 of 1)').waitFor({ timeout: 30_000 });

      // The stick keeps its firmware: the version check after the restart expects no new one.
      await wizard.done.waitFor({ timeout: 60_000 });
      assert.equal(await page.getByTestId('old-version').textContent(), OLD_VERSION);
      assert.equal(await page.getByTestId('new-version').textContent(), OLD_VERSION);
      await wizard.screen('only-4-done');

      // Byte for byte: the WebUI matches the file, every other partition was never sent.
      const check = await sim.checkFlash(firmware);
      assert.equal(check.partitions, 6);
      const others = partitions.filter((p) => p !== webui).map((p) => p.code);
      assert.deepEqual([...check.differing].sort(), [...others].sort());
    });
  } finally {
    await sim.stop();
  }
  assert.deepEqual(await readdir(flash), [`${hex(webui.code)}.bin`], 'only the WebUI is in the virtual flash');
  assert.equal((await readFile(path.join(flash, `${hex(webui.code)}.bin`))).length, webui.flashed_size);
});

test('a partial update stopped by an unplug resumes with the same choice', { timeout: 150_000 }, async () => {
  // A bigger file, so the WebUI is still being written when the stick is pulled out.
  const big = path.join(dir, `E3372h-${NEW_VERSION}-big.bin`);
  execFileSync(MODEMFLASH_BIN, ['sim', '--profile', 'e3372h', '--write-update', big, '--firmware-version', NEW_VERSION, '--size', '4000000']);
  const flash = path.join(dir, 'flash-resumed');
  const sim = await SimBridge.start('e3372h', ['--dump-flash', flash]);
  try {
    await withWizard({ serial: serialConfig(sim.ready, 'pcui') }, async (wizard, { page }) => {
      await wizard.connectTo(sim, server.url);
      await wizard.chooseFirmware(big);
      await wizard.updateButton.click();
      const disclosure = wizard.confirm.getByTestId('only-partitions');
      await disclosure.locator('summary').click();
      for (const p of partitions.filter((p) => p.name !== 'WEBUI')) {
        await disclosure.getByRole('checkbox', { name: new RegExp(`^#${p.index} `) }).uncheck();
      }
      const inDownloadMode = sim.nextEvent('connected', 30_000);
      await wizard.startUpdate.click();
      await wizard.reconnect.waitFor({ timeout: 30_000 });
      await inDownloadMode;
      await wizard.selectAgain.click();
      await page.getByTestId('current-stage').getByText('Writing WEBUI (1 of 1)').waitFor({ timeout: 30_000 });
      sim.unplug();
      await wizard.stopped.waitFor({ timeout: 30_000 });
      assert.match(await wizard.stopped.textContent(), /in update mode and its firmware is incomplete/);
      sim.replug();
      await sim.nextEvent('connected', 20_000);

      // The confirmation comes back with the choice kept, open so it is seen.
      await page.getByTestId('next-step').click();
      await wizard.confirm.waitFor();
      assert.equal(await disclosure.getAttribute('open'), '');
      assert.ok(await disclosure.getByRole('checkbox', { name: /^#5 WEBUI / }).isChecked());
      assert.equal(await disclosure.getByRole('checkbox', { checked: true }).count(), 1);
      assert.match(await wizard.confirm.getByTestId('confirm-written').textContent(), /^Only WEBUI of /);
      await wizard.screen('only-5-resume');
      await wizard.startUpdate.click();
      await wizard.done.waitFor({ timeout: 90_000 });
      assert.equal(await page.getByTestId('new-version').textContent(), OLD_VERSION);
    });
  } finally {
    await sim.stop();
  }
  const webui = partitions.find((p) => p.name === 'WEBUI');
  assert.deepEqual(await readdir(flash), [`${hex(webui.code)}.bin`], 'the resumed job wrote the WebUI alone');
});
