// Issue 8, languages: the page speaks the browser's language, switches from the header,
// and stays accessible in every language.
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

test('speaks the browser language and switches from the header', { timeout: 90_000 }, async () => {
  const browser = await openBrowser({ locale: 'es-ES' });
  try {
    const { page } = browser;
    const wizard = new WizardPage(page);
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Conecta tu módem' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'es');
    assert.equal(await wizard.language.inputValue(), 'es');
    await wizard.screen('languages-1-spanish');

    await page.getByLabel('Idioma').selectOption('ru');
    await page.getByRole('heading', { name: 'Подключите модем' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'ru');
    await wizard.virtualButton.click();
    await wizard.deviceCard.waitFor();
    assert.equal(await page.locator('.device-card .badge').textContent(), 'виртуальный');
    assert.equal(await wizard.updateReason.textContent(), 'Сначала выберите файл прошивки.');
    await wizard.screen('languages-2-russian-device');

    for (const [code, heading] of [['fr', 'Connectez votre modem'], ['pt', 'Conecte o seu modem'], ['en', 'Connect your modem']]) {
      await wizard.language.selectOption(code);
      await page.getByRole('heading', { name: heading }).waitFor();
      assert.equal(await page.getAttribute('html', 'lang'), code);
    }
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
  }
});

test('remembers the language chosen in the header over the browser language', { timeout: 60_000 }, async () => {
  const browser = await openBrowser({ locale: 'es-ES' });
  try {
    const { page } = browser;
    const wizard = new WizardPage(page);
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Conecta tu módem' }).waitFor();
    await wizard.language.selectOption('pt');
    await page.getByRole('heading', { name: 'Conecte o seu modem' }).waitFor();

    await page.reload();
    await page.getByRole('heading', { name: 'Conecte o seu modem' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'pt');
    assert.equal(await wizard.language.inputValue(), 'pt');
    await wizard.screen('languages-3-remembered');
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
  }
});
