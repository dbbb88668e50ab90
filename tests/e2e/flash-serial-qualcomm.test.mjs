// Issue 4 in the page: Qualcomm-based sticks (a virtual ZTE MF626 and Alcatel X020, behind
// the test-only navigator.serial) are updated from a zipped package. AT$QCDMG and DIAG 3A
// send each into DMSS download mode, where it re-enumerates with its download id (ZTE's
// 19d2:0076, the generic 05c6:9008); the page asks for that port,
// uploads the programmer, streams every image stop-and-wait (Web Serial may cut a
// transfer), resets the stick, finds its AT port again, checks the new version and puts
// the APN back. The virtual flash is then compared with the package byte for byte.
// A package with a damaged file is refused in the checklist with the CLI's sentence.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import os from 'node:os';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { serveDist } from './support/server.mjs';
import { bridgeToSim } from './support/browser.mjs';
import { SimBridge, MODEMFLASH_BIN, serialConfig } from './support/sim-bridge.mjs';
import { withWizard } from './pages/wizard-page.mjs';

const NEW_VERSION = 'BD_P673A2V1.0.1B02';
/** Table index → image file (the package's partition.mbn lists QCSBL, OEMSBL, AMSS). */
const IMAGES = { '00000000.bin': 'qcsbl.mbn', '00000001.bin': 'oemsbl.mbn', '00000002.bin': 'amss.mbn' };
/** The virtual sticks: USB ids per mode, the programmer their package carries. */
const STICKS = [
  {
    profile: 'zte-mf626', model: 'MF626', oldVersion: 'BD_P673A2V1.0.0B09', normal: '19d2:0031', download: '19d2:0076',
    programmer: 'NPRG8200.hex', address: '0x00100000', size: '600000', shots: 'qualcomm-flash',
  },
  {
    // Window 2, 1 KiB blocks: a smaller package keeps the test short.
    profile: 'alcatel-x020', model: 'X020', oldVersion: 'C1800000', normal: '1c9e:6061', download: '05c6:9008',
    programmer: 'NPRG6695.hex', address: '0x00800000', size: '200000', shots: 'qualcomm-x020-flash',
  },
];
let server;
let dir;

/** `vid:pid` in hex → `vid:pid` in decimal, as the fake Web Serial logs it. */
const decimal = (usb) => usb.split(':').map((h) => parseInt(h, 16)).join(':');
const zipOf = (stick) => path.join(dir, `${stick.model}-${NEW_VERSION}.zip`);
const folderOf = (stick) => path.join(dir, `${stick.model}-${NEW_VERSION}`);

before(async () => {
  server = await serveDist(path.resolve('dist'));
  dir = await mkdtemp(path.join(os.tmpdir(), 'mf-qc-'));
  for (const stick of STICKS) {
    for (const out of [zipOf(stick), folderOf(stick)]) {
      execFileSync(MODEMFLASH_BIN, [
        'sim', '--profile', stick.profile, '--write-update', out, '--firmware-version', NEW_VERSION, '--size', stick.size,
      ]);
    }
  }
});
after(async () => {
  await server?.close();
});

for (const stick of STICKS) {
  test(`updates a ${stick.model} from a zipped package through Web Serial`, { timeout: 240_000 }, async () => {
    const flash = path.join(dir, `flash-${stick.profile}`);
    const sim = await SimBridge.start(stick.profile, ['--dump-flash', flash]);
    const config = serialConfig(sim.ready, 'pcui');
    const atPort = `${decimal(stick.normal)}/${config.ports[config.choose].interface}`;
    try {
      await withWizard({ serial: config }, async (wizard, { page }) => {
        await bridgeToSim(page, sim);
        await wizard.open(server.url);
        await wizard.connectButton.click();
        await wizard.deviceCard.waitFor();
        assert.equal(await wizard.field('model').textContent(), stick.model);
        await wizard.screen(`${stick.shots}-1-connected`);

        await wizard.chooseFirmware(zipOf(stick));
        assert.equal(await wizard.verifySummary.getAttribute('data-passed'), 'true');
        const checks = await wizard.verifySummary.textContent();
        assert.match(checks, /All 5 files match the checksums in manifest\.json\./);
        assert.ok(checks.includes(`The package is for ${stick.model}, which includes the connected ${stick.model}.`));
        assert.match(checks, new RegExp(`${stick.programmer}: [\\d ,]+ bytes, loaded at ${stick.address}\\.`));
        await wizard.screen(`${stick.shots}-2-verified`);

        await wizard.updateButton.click();
        const inDownload = sim.nextEvent('connected', 60_000);
        await wizard.startUpdate.click();
        await wizard.progress.waitFor();

        // The download id was never granted: the page asks for the download port.
        await wizard.reconnect.waitFor({ timeout: 60_000 });
        assert.equal((await inDownload).usb, stick.download);
        assert.match(await wizard.reconnect.textContent(), new RegExp(stick.download));
        await wizard.screen(`${stick.shots}-3-select-download-port`);
        await wizard.selectAgain.click();
        await page.getByTestId('current-stage').getByText('Writing 0:AMSS (3 of 3)').waitFor({ timeout: 90_000 });
        await wizard.screen(`${stick.shots}-4-writing`);

        await wizard.done.waitFor({ timeout: 120_000 });
        assert.equal(await page.getByTestId('old-version').textContent(), stick.oldVersion);
        assert.equal(await page.getByTestId('new-version').textContent(), NEW_VERSION);
        assert.match(await page.getByTestId('restored').textContent(), /internet/);
        await wizard.screen(`${stick.shots}-5-done`);

        // Web Serial may cut a transfer, so the writes are framed and stop-and-wait.
        assert.match(await page.getByTestId('log-lines').textContent(), /writing StopAndWait/);
        const log = await wizard.serialLog();
        const requests = log.filter((e) => e.op === 'requestPort');
        assert.equal(requests.length, 2, 'one chooser at the start, one for the download port');
        const [vid, pid] = stick.download.split(':').map((h) => parseInt(h, 16));
        assert.ok(
          requests[1].filters.some((f) => f.usbVendorId === vid && f.usbProductId === pid),
          JSON.stringify(requests[1].filters),
        );
        const opens = log.filter((e) => e.op === 'open').map((e) => `${e.usb}/${e.interface}`);
        assert.deepEqual(opens.slice(0, 3), [atPort, atPort, `${decimal(stick.download)}/0`]);
        // Back in normal mode every port is granted: the first that answers AT is kept (the
        // X020 lists its data port, which takes AT too, before its AT port), not DIAG.
        const answersAt = config.ports.filter((p) => ['pcui', 'modem'].includes(p.role));
        assert.ok(answersAt.map((p) => `${decimal(stick.normal)}/${p.interface}`).includes(opens.at(-1)), opens.at(-1));
      });
    } finally {
      await sim.stop();
    }
    // The virtual flash holds exactly the package's images and its partition table.
    assert.deepEqual((await readdir(flash)).sort(), [...Object.keys(IMAGES), 'partition-table.bin'].sort());
    for (const [dumped, image] of Object.entries(IMAGES)) {
      const written = await readFile(path.join(flash, dumped));
      assert.ok(written.equals(await readFile(path.join(folderOf(stick), image))), `${image} differs in the virtual flash`);
    }
    const table = await readFile(path.join(flash, 'partition-table.bin'));
    assert.ok(table.equals(await readFile(path.join(folderOf(stick), 'partition.mbn'))), 'partition table');
  });
}

test('a second update finds the granted download port by the DMSS probe, without asking', { timeout: 240_000 }, async () => {
  const stick = STICKS[0];
  const sim = await SimBridge.start(stick.profile);
  try {
    await withWizard({ serial: serialConfig(sim.ready, 'pcui') }, async (wizard, { page }) => {
      await bridgeToSim(page, sim);
      await wizard.open(server.url);
      const update = async () => {
        await wizard.connectButton.click();
        await wizard.deviceCard.waitFor();
        await wizard.chooseFirmware(zipOf(stick));
        await wizard.updateButton.click();
        const inDownload = sim.nextEvent('connected', 60_000);
        await wizard.startUpdate.click();
        await wizard.progress.waitFor();
        await inDownload;
      };
      await update();
      await wizard.reconnect.waitFor({ timeout: 60_000 });
      await wizard.selectAgain.click();
      await wizard.done.waitFor({ timeout: 120_000 });

      // The page now holds a grant for the download id: the second time the stick comes
      // back in download mode, the granted port is probed and used with no prompt.
      const before = (await wizard.serialLog()).length;
      await update();
      await wizard.done.waitFor({ timeout: 120_000 });
      assert.equal(await page.getByTestId('new-version').textContent(), NEW_VERSION);
      const log = await wizard.serialLog();
      assert.equal(log.slice(before).filter((e) => e.op === 'requestPort').length, 1, 'only "Connect modem" asked');
      // Writes to the download port in each run: the second has one more, the DMSS probe
      // (7E 06 4E 95 7E) that told the granted port apart before the session began.
      const downloadWrites = (run) => {
        const opened = run.findIndex((e) => e.op === 'open' && e.usb === decimal(stick.download));
        assert.ok(opened >= 0, 'the download port was opened');
        const gone = run.findIndex((e, i) => i > opened && e.op === 'disconnected');
        return run.slice(opened, gone).filter((e) => e.op === 'write').map((e) => e.bytes);
      };
      const [first, second] = [downloadWrites(log.slice(0, before)), downloadWrites(log.slice(before))];
      assert.equal(second[0], 5);
      assert.equal(second.length, first.length + 1, `${second.length} writes, then ${first.length}`);
    });
  } finally {
    await sim.stop();
  }
});

test('a package with a damaged file is refused before anything is written', { timeout: 90_000 }, async () => {
  // One byte of amss.mbn changed after the package was made: manifest.json still has
  // the old checksum. The files are chosen together, as a multi-file selection.
  const folder = folderOf(STICKS[0]);
  const damaged = await mkdtemp(path.join(os.tmpdir(), 'mf-qc-bad-'));
  const names = await readdir(folder);
  for (const name of names) {
    const bytes = await readFile(path.join(folder, name));
    if (name === 'amss.mbn') bytes[1000] ^= 0x01;
    await writeFile(path.join(damaged, name), bytes);
  }
  const sentence = 'amss.mbn does not match the checksum in manifest.json: the file was changed or damaged. '
    + 'Get the package again.';
  // The CLI refuses the same package with the same sentence.
  let cli = '';
  try {
    execFileSync(MODEMFLASH_BIN, ['inspect', damaged], { encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    cli = e.stdout + e.stderr;
    assert.equal(e.status, 1);
  }
  assert.ok(cli.includes(sentence), cli);

  const sim = await SimBridge.start('zte-mf626');
  try {
    await withWizard({ serial: serialConfig(sim.ready, 'pcui') }, async (wizard, { page }) => {
      await bridgeToSim(page, sim);
      await wizard.open(server.url);
      await wizard.connectButton.click();
      await wizard.deviceCard.waitFor();
      await wizard.firmwareInput.setInputFiles(names.map((n) => path.join(damaged, n)));
      await wizard.verifySummary.waitFor();
      assert.equal(await wizard.verifySummary.getAttribute('data-passed'), 'false');
      const failed = page.getByTestId('checklist').locator('li.fail');
      assert.equal(await failed.count(), 1);
      assert.equal((await failed.textContent()).replace(/^✗\s*/, ''), sentence);
      assert.ok(await wizard.updateButton.isDisabled(), 'no update is offered');
      assert.match(await wizard.updateReason.textContent(), /1/);
      await wizard.screen('qualcomm-flash-6-damaged-package');
    });
  } finally {
    await sim.stop();
  }
});

test('a package folder chosen with the folder picker is verified', { timeout: 60_000 }, async () => {
  const sim = await SimBridge.start('zte-mf626');
  try {
    await withWizard({ serial: serialConfig(sim.ready, 'pcui') }, async (wizard, { page }) => {
      await bridgeToSim(page, sim);
      await wizard.open(server.url);
      await wizard.connectButton.click();
      await wizard.deviceCard.waitFor();
      // A pasted checksum belongs to one file: with a folder it is refused, as by the CLI.
      await wizard.expectedSha256.fill('0'.repeat(64));
      await page.getByTestId('firmware-folder').setInputFiles(folderOf(STICKS[0]));
      const unreadable = page.getByTestId('firmware-unreadable');
      await unreadable.waitFor();
      assert.match(await unreadable.textContent(), /A SHA-256 checksum checks one file, but several were chosen\./);
      await wizard.expectedSha256.fill('');
      await page.getByRole('button', { name: 'Check again' }).click();
      await wizard.verifySummary.waitFor();
      assert.equal(await wizard.verifySummary.getAttribute('data-passed'), 'true');
      assert.match(await wizard.verifySummary.textContent(), new RegExp(`MF626-${NEW_VERSION}`));
      assert.ok(await wizard.updateButton.isEnabled());
      await wizard.screen('qualcomm-flash-7-folder-verified');
    });
  } finally {
    await sim.stop();
  }
});

test("a package's files dropped on the page are verified together", { timeout: 60_000 }, async () => {
  // Playwright cannot drop a real folder (a FileSystemDirectoryEntry); it drops the
  // package's files, which the page takes as a multi-file selection.
  const folder = folderOf(STICKS[0]);
  const files = [];
  for (const name of await readdir(folder)) files.push({ name, bytes: [...(await readFile(path.join(folder, name)))] });
  const sim = await SimBridge.start('zte-mf626');
  try {
    await withWizard({ serial: serialConfig(sim.ready, 'pcui') }, async (wizard, { page }) => {
      await bridgeToSim(page, sim);
      await wizard.open(server.url);
      await wizard.connectButton.click();
      await wizard.deviceCard.waitFor();
      // The firmware step is a lazily loaded part: it comes just after the device card.
      await page.locator('.drop-zone').waitFor();
      await page.evaluate((dropped) => {
        const data = new DataTransfer();
        for (const f of dropped) data.items.add(new File([new Uint8Array(f.bytes)], f.name));
        const zone = document.querySelector('.drop-zone');
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      }, files);
      await wizard.verifySummary.waitFor();
      assert.equal(await wizard.verifySummary.getAttribute('data-passed'), 'true');
      assert.match(await wizard.verifySummary.textContent(), /NPRG8200\.hex \(\+5\) passed every check/);
    });
  } finally {
    await sim.stop();
  }
});
