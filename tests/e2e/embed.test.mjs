// Issue 8, embedding: a vendor page with <modem-flash> themes the embedded wizard and
// hears its state, progress, done and error events.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { serveDist } from './support/server.mjs';
import { openBrowser, ARTIFACTS } from './support/browser.mjs';

let server;
before(async () => {
  server = await serveDist(path.resolve('dist'));
});
after(async () => {
  await server?.close();
});

test('the demo vendor page embeds the wizard and hears the whole update', { timeout: 120_000 }, async () => {
  const browser = await openBrowser();
  try {
    const { page } = browser;
    await page.goto(`${server.url}demo-vendor/`);
    const frame = page.frameLocator('modem-flash iframe');
    assert.equal(await page.locator('modem-flash iframe').getAttribute('allow'), 'serial; usb');
    await frame.getByTestId('try-virtual').click();
    await frame.getByTestId('device-card').waitFor();
    const events = page.locator('#events li');
    await page.locator('#events li', { hasText: 'state {"state":"identified"}' }).waitFor();
    const accent = await frame.locator('html').evaluate((html) => getComputedStyle(html).getPropertyValue('--accent').trim());
    assert.equal(accent, '#8a2c0d', 'the host colour themes the wizard');

    await frame.getByTestId('demo-firmware').click();
    await frame.getByTestId('verify-summary').waitFor({ timeout: 60_000 });
    await frame.getByTestId('update').click();
    await frame.getByTestId('start-update').click();
    await page.locator('#events li', { hasText: 'done {"version":"22.333.01.00.00"}' }).waitFor({ timeout: 60_000 });
    const heard = await events.allTextContents();
    const states = heard.filter((e) => e.startsWith('state')).map((e) => JSON.parse(e.slice(6)).state);
    assert.deepEqual(states, ['start', 'identifying', 'identified', 'confirming', 'updating', 'done']);
    const percents = heard.filter((e) => e.startsWith('progress')).map((e) => JSON.parse(e.slice(9)).percent);
    assert.ok(percents.length >= 2 && percents.at(-1) === 100, `progress heard: ${percents}`);
    assert.ok(percents.every((p, i) => i === 0 || p >= percents[i - 1]), 'progress only grows');
    await page.screenshot({ path: path.join(ARTIFACTS, 'embed-demo-vendor-done.png'), fullPage: true });
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
  }
});
