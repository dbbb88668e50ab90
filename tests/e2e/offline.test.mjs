// Issue 8, offline: once loaded, the page (an installable PWA) keeps working with the
// network gone, as it is in the middle of an update.
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

test('is installable: the web manifest and its icons load', { timeout: 60_000 }, async () => {
  const browser = await openBrowser();
  try {
    const wizard = new WizardPage(browser.page);
    await wizard.open(server.url);
    const manifest = await browser.page.evaluate(async () => {
      const href = document.querySelector('link[rel=manifest]').href;
      const json = await (await fetch(href)).json();
      const icons = await Promise.all(
        json.icons.map(async (i) => ({ ...i, status: (await fetch(new URL(i.src, href))).status })),
      );
      return { ...json, icons };
    });
    assert.equal(manifest.display, 'standalone');
    assert.equal(manifest.start_url, './');
    assert.deepEqual(
      manifest.icons.map((i) => [i.sizes, i.status]),
      [['any', 200], ['192x192', 200], ['512x512', 200]],
    );
  } finally {
    await browser.close();
  }
});

test('a visitor in another language keeps it with the network gone', { timeout: 60_000 }, async () => {
  const browser = await openBrowser({ locale: 'ru-RU' });
  try {
    const { page, context } = browser;
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Подключите модем' }).waitFor();
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await context.setOffline(true);
    await page.reload();
    // Only English is in the worker's list: Russian is there because the page fetched it.
    await page.getByRole('heading', { name: 'Подключите модем' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'ru');
  } finally {
    await browser.close();
  }
});

/** Opens the page and waits for its service worker, which has cached the app shell once it is active. */
async function openWithWorker(page) {
  const wizard = new WizardPage(page);
  await wizard.open(server.url);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  return wizard;
}

test('reloads, identifies the virtual modem and checks firmware with the network gone', { timeout: 120_000 }, async () => {
  const browser = await openBrowser();
  try {
    const { page, context } = browser;
    const wizard = await openWithWorker(page);
    // Connecting a modem fetches the parts of the wasm an update needs (src/chunks.rs) and
    // the service worker keeps them; the first visit loaded only the first screen's.
    const kept = () =>
      page.evaluate(async () => (await (await caches.open('modemflash-v1')).keys()).map((r) => new URL(r.url).pathname));
    assert.ok(!(await kept()).some((u) => u.startsWith('/split_update_job-')), 'the update job is not part of the first load');
    await wizard.virtualButton.click();
    await wizard.deviceCard.waitFor();
    await page.locator('html[data-update-parts=kept]').waitFor({ state: 'attached' });
    for (const part of ['/split_update_views-', '/split_firmware_checks-', '/split_update_job-', '/split_debug_bundle-', '/split_demo-']) {
      assert.ok((await kept()).some((u) => u.startsWith(part)), `${part}… kept for offline use`);
    }
    await context.setOffline(true);
    assert.equal(await page.evaluate(() => fetch('/no-such-file').then(() => 'online', () => 'offline')), 'offline');
    await page.reload();
    await page.getByRole('heading', { name: 'Connect your modem' }).waitFor();
    assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'served by the service worker');
    await wizard.virtualButton.click();
    await wizard.deviceCard.waitFor();
    assert.equal(await wizard.field('model').textContent(), 'E3372');
    await wizard.screen('offline-virtual-identify');
    // Firmware comes from disk (here: built in the page) and is checked offline too.
    await wizard.demoFirmware.click();
    await wizard.verifySummary.waitFor({ timeout: 60_000 });
    assert.equal(await wizard.verifySummary.getAttribute('data-passed'), 'true');
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.context.setOffline(false);
    await browser.close();
  }
});

test('a part of the page not yet kept is an error it shows, not a crash', { timeout: 60_000 }, async () => {
  const browser = await openBrowser();
  try {
    const { page, context } = browser;
    const wizard = await openWithWorker(page);
    // Offline before any modem was connected: the virtual modem's part was never fetched.
    await context.setOffline(true);
    await page.reload();
    await wizard.virtualButton.click();
    const alert = page.getByRole('alert').filter({ hasText: 'A part of this page could not be loaded' }).first();
    await alert.waitFor();
    assert.match(await alert.textContent(), /Connect to the internet and reload the page/);
    await wizard.screen('offline-part-unavailable');
    assert.equal(await wizard.virtualButton.isEnabled(), true, 'the page still answers');
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.context.setOffline(false);
    await browser.close();
  }
});
