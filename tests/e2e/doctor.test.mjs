// Issue 6, the doctor: each finding the test harness can provoke shows in the pre-flight
// checklist with its fix, and the update button stays disabled, naming the blocking check,
// until it is cleared. Headless Chromium runs on Linux, so Linux's fixes are the ones
// shown, except where the test presents the browser as Windows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { serveDist } from './support/server.mjs';
import { bridgeToSim } from './support/browser.mjs';
import os from 'node:os';
import { mkdtemp } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { SimBridge, MODEMFLASH_BIN, serialConfig } from './support/sim-bridge.mjs';
import { withWizard } from './pages/wizard-page.mjs';

const E3372H = { usbVendorId: 0x12d1, usbProductId: 0x1506 };
const MF626 = { usbVendorId: 0x19d2, usbProductId: 0x0031 };
let server;

before(async () => {
  server = await serveDist(path.resolve('dist'));
});
after(async () => {
  await server?.close();
});

/** The update button is disabled, and the text it points to names `check`. */
async function assertBlockedBy(wizard, check) {
  assert.equal(await wizard.updateButton.isDisabled(), true);
  assert.equal(await wizard.updateButton.getAttribute('aria-describedby'), 'update-reason');
  assert.equal(await wizard.page.locator('#update-reason').textContent(), `Fix “${check}” in the checks above first.`);
}

/** Presents the browser as running on Windows (navigator.userAgentData, as Chromium reports it there). */
async function onWindows(page) {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'userAgentData', {
      get: () => ({ platform: 'Windows', mobile: false, brands: [] }),
      configurable: true,
    });
  });
}

test('every check is listed with a status in words before a modem is connected', { timeout: 60_000 }, async () => {
  await withWizard({}, async (wizard) => {
    await wizard.open(server.url);
    const items = wizard.preflight.getByRole('listitem');
    assert.equal(await items.count(), 8);
    assert.deepEqual(
      await wizard.preflight.locator('li .check-title').allTextContents(),
      ['Browser', 'Secure page', 'Port free', 'Permission to open the port', 'Modem driver', 'Modem mode', 'Right port', 'Power'],
    );
    assert.equal((await wizard.checkResult('browser', 'ok')).status, 'OK');
    assert.match((await wizard.checkResult('port-free', 'na')).text, /Not applicable.*Checked once a modem is connected/);
    assert.match((await wizard.checkResult('driver', 'na')).text, /Not needed on this system/);
    assert.equal(await wizard.updateButton.isDisabled(), true);
    assert.equal(await wizard.updateReason.textContent(), 'Connect a modem first.');
    await wizard.screen('doctor-1-before-connecting');
  });
});

test('a port held by another program names ModemManager, and clears when it is let go', { timeout: 90_000 }, async () => {
  const sim = await SimBridge.start('e3372h');
  try {
    const serial = serialConfig(sim.ready, 'pcui');
    serial.ports = serial.ports.map((p) => (p.role === 'pcui' ? { ...p, busy: true } : p));
    await withWizard({ serial }, async (wizard, { page }) => {
      await bridgeToSim(page, sim);
      await wizard.open(server.url);
      await wizard.connectButton.click();
      const busy = await wizard.checkResult('port-free', 'blocker');
      assert.equal(busy.status, 'Blocker');
      assert.match(busy.text, /usually ModemManager/);
      assert.equal(await wizard.check('port-free').locator('pre').textContent(), 'sudo systemctl stop ModemManager');
      // Chromium reports a tty the user may not open in the same words: a warning, not a second blocker.
      const permission = await wizard.checkResult('permission', 'warning');
      assert.match(permission.text, /dialout/);
      assert.equal(await wizard.check('port-answers').getAttribute('data-status'), 'na');
      await assertBlockedBy(wizard, 'Port free');
      assert.equal(await wizard.deviceCard.count(), 0);
      await wizard.screen('doctor-2-port-busy');

      // The other program lets go; the checks run again on the same port and pass.
      await page.evaluate(() => window.__mfHold(2, false));
      await wizard.runChecks.click();
      await wizard.deviceCard.waitFor();
      await wizard.checkResult('port-free', 'ok');
      await wizard.checkResult('permission', 'ok');
      await wizard.checkResult('mode', 'ok');
      await wizard.checkResult('port-answers', 'ok');
      assert.equal(await wizard.preflight.locator('li[data-status="blocker"]').count(), 0);
      assert.equal(await wizard.updateReason.textContent(), 'Choose a firmware file first.');
      const opens = (await wizard.serialLog()).filter((e) => e.op === 'open');
      assert.equal(opens.length, 1, 'the busy open was refused; the re-run opened the port');
    });
  } finally {
    await sim.stop();
  }
});

test('a port the system refuses gives the dialout and udev lines for the vendor', { timeout: 60_000 }, async () => {
  const serial = { ports: [{ ...E3372H, interface: 2, denied: true }], choose: 0 };
  await withWizard({ serial }, async (wizard) => {
    await wizard.open(server.url);
    await wizard.connectButton.click();
    const denied = await wizard.checkResult('permission', 'blocker');
    assert.match(denied.text, /only members of the dialout group may open modem ports/);
    const lines = (await wizard.check('permission').locator('pre').textContent()).split('\n');
    assert.equal(lines[0], 'sudo usermod -aG dialout $USER');
    assert.equal(
      lines[1],
      `echo 'SUBSYSTEM=="tty", ATTRS{idVendor}=="12d1", MODE="0660", TAG+="uaccess"' | sudo tee /etc/udev/rules.d/70-modemflash.rules`,
    );
    assert.equal(lines.at(-1), 'sudo udevadm control --reload-rules && sudo udevadm trigger');
    assert.equal(await wizard.check('port-free').getAttribute('data-status'), 'na');
    await assertBlockedBy(wizard, 'Permission to open the port');
    await wizard.screen('doctor-3-access-denied');
  });
});

test('on Windows a busy port means the dashboard, and a missing port means the driver', { timeout: 60_000 }, async () => {
  const serial = { ports: [{ ...E3372H, interface: 2, busy: true }], choose: 0 };
  await withWizard({ serial }, async (wizard, { page }) => {
    await onWindows(page);
    await wizard.open(server.url);
    await wizard.connectButton.click();
    const busy = await wizard.checkResult('port-free', 'blocker');
    assert.match(busy.text, /close the modem's dashboard software/);
    assert.doesNotMatch(busy.text, /ModemManager/);
    assert.equal(await wizard.check('port-free').locator('pre').count(), 0);
    assert.match((await wizard.checkResult('driver', 'ok')).text, /driver is installed/);
    assert.match((await wizard.checkResult('permission', 'na')).text, /Not needed on this system/);
    await assertBlockedBy(wizard, 'Port free');
    await wizard.screen('doctor-4-windows-port-busy');
  });
  await withWizard({ serial: { ports: [], choose: 'cancel' } }, async (wizard, { page }) => {
    await onWindows(page);
    await wizard.open(server.url);
    await wizard.connectButton.click();
    await wizard.cancelled.waitFor();
    const driver = await wizard.checkResult('driver', 'warning');
    assert.match(driver.text, /may lack its driver/);
    assert.equal(await wizard.updateReason.textContent(), 'Connect a modem first.');
    await wizard.screen('doctor-5-windows-no-port');
  });
});

test('a browser without Web Serial is a blocker with the browsers that work', { timeout: 60_000 }, async () => {
  await withWizard({ serial: { removeSerial: true } }, async (wizard) => {
    await wizard.open(server.url);
    const browser = await wizard.checkResult('browser', 'blocker');
    assert.match(browser.text, /Google Chrome, Microsoft Edge or Opera, version 89 or newer/);
    await wizard.checkResult('secure-context', 'ok');
    await assertBlockedBy(wizard, 'Browser');
    await wizard.screen('doctor-6-no-web-serial');
  });
});

test('an insecure page is a blocker, and the browser check waits for it', { timeout: 60_000 }, async () => {
  const port = new URL(server.url).port;
  const extraArgs = ['--host-resolver-rules=MAP modem.example 127.0.0.1'];
  await withWizard({ extraArgs }, async (wizard, { page }) => {
    await wizard.open(`http://modem.example:${port}/`);
    assert.equal(await page.evaluate(() => window.isSecureContext), false);
    assert.match((await wizard.checkResult('secure-context', 'blocker')).text, /https:\/\//);
    assert.match((await wizard.checkResult('browser', 'na')).text, /Checked once the page is secure/);
    await assertBlockedBy(wizard, 'Secure page');
    await wizard.screen('doctor-7-insecure-page');

    // The virtual modem needs none of it: its checks do not apply and nothing blocks.
    await wizard.virtualButton.click();
    await wizard.deviceCard.waitFor();
    assert.equal(await wizard.preflight.locator('li[data-status="na"]').count(), 8);
    assert.equal(await wizard.updateReason.textContent(), 'Choose a firmware file first.');
  });
});

test('a silent port of an MF626 names the AT port to pick instead', { timeout: 60_000 }, async () => {
  const sim = await SimBridge.start('zte-mf626');
  try {
    const serial = { ports: [{ ...MF626, interface: 1 }], choose: 0 };
    await withWizard({ serial }, async (wizard, { page }) => {
      await bridgeToSim(page, sim);
      await wizard.open(server.url);
      await wizard.connectButton.click();
      await wizard.noAnswer.waitFor();
      const answers = await wizard.checkResult('port-answers', 'blocker');
      assert.match(answers.text, /its AT command port is interface 2, usually \/dev\/ttyUSB2/);
      await wizard.checkResult('port-free', 'ok');
      await wizard.checkResult('mode', 'ok');
      await assertBlockedBy(wizard, 'Right port');
      // The port was asked AT, then the DMSS NOP (7E 06 4E 95 7E), and closed.
      const writes = (await wizard.serialLog()).filter((e) => e.op === 'write');
      assert.equal(writes.at(-1).bytes, 5);
      await wizard.screen('doctor-8-silent-port');
    });
  } finally {
    await sim.stop();
  }
});

test("the MF626's DIAG port is told apart and the AT port named", { timeout: 60_000 }, async () => {
  const sim = await SimBridge.start('zte-mf626');
  try {
    const serial = { ports: [{ ...MF626, interface: 0 }], choose: 0 };
    await withWizard({ serial }, async (wizard, { page }) => {
      await bridgeToSim(page, sim);
      await wizard.open(server.url);
      await wizard.connectButton.click();
      const answers = await wizard.checkResult('port-answers', 'blocker');
      assert.match(answers.text, /This is not the port that takes commands.*interface 2/);
      await assertBlockedBy(wizard, 'Right port');
    });
  } finally {
    await sim.stop();
  }
});

test('a laptop on battery below 20 % is warned, without blocking', { timeout: 60_000 }, async () => {
  const sim = await SimBridge.start('e3372h');
  try {
    await withWizard({ serial: serialConfig(sim.ready, 'pcui') }, async (wizard, { page }) => {
      await page.addInitScript(() => {
        navigator.getBattery = async () => ({ charging: false, level: 0.12, addEventListener() {} });
      });
      await bridgeToSim(page, sim);
      await wizard.open(server.url);
      const battery = await wizard.checkResult('battery', 'warning');
      assert.equal(battery.status, 'Warning');
      assert.match(battery.text, /runs on battery and is below 20 %/);
      await wizard.connectButton.click();
      await wizard.deviceCard.waitFor();
      await wizard.checkResult('port-answers', 'ok');
      assert.equal(await wizard.preflight.locator('li[data-status="blocker"]').count(), 0);
      assert.equal(await wizard.updateReason.textContent(), 'Choose a firmware file first.');
      await wizard.screen('doctor-9-low-battery');
    });
  } finally {
    await sim.stop();
  }
});

test('a port taken between the checks and the update stops it before writing, and the checklist says why', { timeout: 90_000 }, async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mf-fw-'));
  const firmware = path.join(dir, 'E3372h-22.333.01.00.00.bin');
  execFileSync(MODEMFLASH_BIN, ['sim', '--profile', 'e3372h', '--write-update', firmware, '--firmware-version', '22.333.01.00.00']);
  const sim = await SimBridge.start('e3372h');
  try {
    await withWizard({ serial: serialConfig(sim.ready, 'pcui') }, async (wizard, { page }) => {
      await bridgeToSim(page, sim);
      await wizard.open(server.url);
      await wizard.connectButton.click();
      await wizard.deviceCard.waitFor();
      await wizard.chooseFirmware(firmware);
      assert.equal(await wizard.verifySummary.getAttribute('data-passed'), 'true');
      assert.equal(await wizard.updateButton.isDisabled(), false);

      // ModemManager grabs the port while the person reads the confirmation.
      await page.evaluate(() => window.__mfHold(2, true));
      const written = (await wizard.serialLog()).filter((e) => e.op === 'write').length;
      await wizard.updateButton.click();
      await wizard.startUpdate.click();
      await wizard.stopped.waitFor();
      assert.match(await wizard.stopped.textContent(), /in use by another program/);
      assert.match((await wizard.checkResult('port-free', 'blocker')).text, /usually ModemManager/);
      await assertBlockedBy(wizard, 'Port free');
      const writes = (await wizard.serialLog()).filter((e) => e.op === 'write');
      assert.equal(writes.length, written, 'nothing reached the modem after the confirmation');
      await wizard.screen('doctor-10-taken-before-the-update');
    });
  } finally {
    await sim.stop();
  }
});

test('a stick in its boot ROM is not in a mode the update starts from', { timeout: 60_000 }, async () => {
  // Huawei's boot ROM (12d1:1443) waits for its own protocol: silent to AT and to DIAG.
  const serial = { ports: [{ usbVendorId: 0x12d1, usbProductId: 0x1443, interface: 0 }], choose: 0 };
  await withWizard({ serial }, async (wizard, { page }) => {
    await page.exposeBinding('__mfSimWrite', () => {});
    await wizard.open(server.url);
    await wizard.connectButton.click();
    const mode = await wizard.checkResult('mode', 'blocker');
    assert.match(mode.text, /not in a mode the update can start from\. Unplug it, wait ten seconds/);
    assert.match((await wizard.checkResult('port-answers', 'blocker')).text, /This port does not take commands/);
    await assertBlockedBy(wizard, 'Modem mode');
    await wizard.screen('doctor-11-boot-rom');
  });
});
