// Issue 3 in the page with the built-in virtual modem: demo firmware, verification,
// confirmation, the staged job with both restarts, and the done screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { serveDist } from './support/server.mjs';
import { openBrowser } from './support/browser.mjs';
import { WizardPage } from './pages/wizard-page.mjs';

let server;
before(async () => {
  server = await serveDist(path.resolve('dist'));
});
after(async () => {
  await server?.close();
});

test('updates the virtual modem with the demo firmware, end to end', { timeout: 120_000 }, async () => {
  const browser = await openBrowser();
  try {
    const wizard = new WizardPage(browser.page);
    await wizard.open(server.url);
    await wizard.virtualButton.click();
    await wizard.deviceCard.waitFor();
    assert.equal(await wizard.updateButton.isDisabled(), true);
    assert.equal(await wizard.updateReason.textContent(), 'Choose a firmware file first.');
    await wizard.screen('virtual-flash-1-identified');

    await wizard.demoFirmware.click();
    await wizard.verifySummary.waitFor({ timeout: 60_000 });
    assert.equal(await wizard.verifySummary.getAttribute('data-passed'), 'true');
    assert.match(await wizard.verifySummary.textContent(), /passed every check/);
    assert.match(await wizard.verifySummary.textContent(), /installs firmware 22\.333\.01\.00\.00/);
    await wizard.screen('virtual-flash-2-verified');

    await wizard.updateButton.click();
    await wizard.confirm.waitFor();
    assert.match(await wizard.confirm.textContent(), /Do not unplug the modem/);
    await wizard.screen('virtual-flash-3-confirm');
    await wizard.startUpdate.click();

    // The demo runs at a real stick's pace: the stages can be watched.
    await wizard.progress.waitFor();
    await wizard.page.getByTestId('current-stage').getByText('Waiting for the modem in update mode').waitFor();
    await wizard.screen('virtual-flash-4-restarting');
    await wizard.page.getByTestId('current-stage').getByText(/^Writing /).waitFor({ timeout: 30_000 });
    await wizard.screen('virtual-flash-5-writing');
    assert.match(
      await wizard.page.getByTestId('progress-announcement').textContent(),
      /^\d{1,3}% of the update written$/,
      'screen readers hear the progress',
    );
    const stages = await wizard.page.getByTestId('stages').locator('li').allTextContents();
    assert.equal(stages.length, 16);
    assert.match(stages[0], /Checking the modem \(done\)/);

    await wizard.done.waitFor({ timeout: 60_000 });
    assert.equal(await wizard.page.getByTestId('old-version').textContent(), '22.315.01.00.00');
    assert.equal(await wizard.page.getByTestId('new-version').textContent(), '22.333.01.00.00');
    assert.match(await wizard.page.getByTestId('restored').textContent(), /APN profile 1: restored: IP "internet"/);
    await wizard.screen('virtual-flash-6-done');
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
  }
});
