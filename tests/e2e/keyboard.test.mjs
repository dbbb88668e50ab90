// Issue 8, accessibility: the whole virtual-modem flow with the keyboard alone, from the
// first Tab to "Your modem is updated", each screen checked by axe on the way.
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

/** Presses Tab until the control with `testId` has the focus (never the mouse). */
async function tabTo(page, testId, most = 40) {
  for (let i = 0; i < most; i++) {
    await page.keyboard.press('Tab');
    if ((await page.evaluate(() => document.activeElement?.dataset.testid)) === testId) return;
  }
  throw new Error(`"${testId}" cannot be reached with Tab`);
}

test('updates the virtual modem with the keyboard only', { timeout: 120_000 }, async () => {
  const browser = await openBrowser();
  try {
    const { page } = browser;
    const wizard = new WizardPage(page);
    await wizard.open(server.url);
    await wizard.screen('keyboard-1-start');

    await tabTo(page, 'try-virtual');
    await page.keyboard.press('Enter');
    await wizard.deviceCard.waitFor();
    await wizard.screen('keyboard-2-identified');

    await tabTo(page, 'demo-firmware');
    await page.keyboard.press('Enter');
    await wizard.verifySummary.waitFor({ timeout: 60_000 });
    assert.equal(await wizard.verifySummary.getAttribute('data-passed'), 'true');
    await wizard.screen('keyboard-3-verified');

    await tabTo(page, 'update');
    await page.keyboard.press('Enter');
    await wizard.confirm.waitFor();
    assert.equal(
      await page.evaluate(() => document.activeElement?.dataset.testid),
      'start-update',
      'the confirmation takes the focus',
    );
    await wizard.screen('keyboard-4-confirm');
    await page.keyboard.press('Enter');

    await wizard.progress.waitFor();
    await wizard.screen('keyboard-5-progress');
    await wizard.done.waitFor({ timeout: 60_000 });
    await wizard.screen('keyboard-6-done');

    // The log opens from the keyboard, and its scrolling list takes the focus.
    await tabTo(page, 'log-summary');
    await page.keyboard.press('Enter');
    assert.equal(await page.getByTestId('log').getAttribute('open'), '');
    await tabTo(page, 'log-lines');
    await wizard.screen('keyboard-7-log');
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
  }
});
