// Issue 4, the part the page does today: a Qualcomm-based ZTE MF626 (virtual, behind the
// test-only navigator.serial) is identified on its AT port, and its DIAG port, which does
// not answer AT, gets the "choose another port" advice. Flashing packages in the page is
// not wired yet (see docs/qualcomm-package.md and the issue notes).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { serveDist } from './support/server.mjs';
import { bridgeToSim } from './support/browser.mjs';
import { SimBridge } from './support/sim-bridge.mjs';
import { withWizard } from './pages/wizard-page.mjs';

const MF626 = { usbVendorId: 0x19d2, usbProductId: 0x0031 };
let server;

before(async () => {
  server = await serveDist(path.resolve('dist'));
});
after(async () => {
  await server?.close();
});


test('identifies a ZTE MF626 through Web Serial', { timeout: 60_000 }, async () => {
  const sim = await SimBridge.start('zte-mf626');
  try {
    const serial = { ports: [{ ...MF626, interface: 2 }], choose: 0 };
    await withWizard({ serial }, async (wizard, { page }) => {
      await bridgeToSim(page, sim);
      await wizard.open(server.url);
      await wizard.connectButton.click();
      await wizard.deviceCard.waitFor();
      assert.equal(await wizard.field('manufacturer').textContent(), 'ZTE CORPORATION');
      assert.equal(await wizard.field('model').textContent(), 'MF626');
      assert.equal(await wizard.field('firmware').textContent(), 'BD_P673A2V1.0.0B09');
      assert.equal(await wizard.field('imei').textContent(), '•••••••••••3459');
      assert.equal(await wizard.field('usb').textContent(), '19d2:0031 (ZTE, normal mode)');
      assert.equal(await wizard.field('port-role').textContent(), 'AT command port (PCUI)');
      await wizard.screen('qualcomm-identify-1-device-card');
    });
  } finally {
    await sim.stop();
  }
});

test("the MF626's DIAG port suggests another port of the same modem", { timeout: 60_000 }, async () => {
  const sim = await SimBridge.start('zte-mf626');
  try {
    const serial = { ports: [{ ...MF626, interface: 0 }], choose: 0 };
    await withWizard({ serial }, async (wizard) => {
      await bridgeToSim(wizard.page, sim);
      await wizard.open(server.url);
      await wizard.connectButton.click();
      await wizard.noAnswer.waitFor();
      const text = await wizard.noAnswer.textContent();
      assert.match(text, /19d2:0031/);
      assert.match(text, /Choose another port of the same modem/);
      await wizard.screen('qualcomm-identify-2-diag-port');
    });
  } finally {
    await sim.stop();
  }
});
