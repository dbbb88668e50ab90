// Page object for the wizard: what a person sees and clicks, by role and test id.
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { ARTIFACTS, openBrowser } from '../support/browser.mjs';
import { expectAccessible } from '../support/axe.mjs';

export class WizardPage {
  constructor(page) {
    this.page = page;
    this.connectButton = page.getByTestId('connect');
    this.virtualButton = page.getByTestId('try-virtual');
    this.connectReason = page.getByTestId('connect-reason');
    this.deviceCard = page.getByTestId('device-card');
    this.noAnswer = page.getByTestId('no-answer');
    this.cancelled = page.getByTestId('chooser-cancelled');
    this.supportProblem = page.getByTestId('support-problem');
    this.firmwareInput = page.getByTestId('firmware-input');
    this.demoFirmware = page.getByTestId('demo-firmware');
    this.expectedSha256 = page.getByTestId('expected-sha256');
    this.verifySummary = page.getByTestId('verify-summary');
    this.updateButton = page.getByTestId('update');
    this.updateReason = page.getByTestId('update-reason');
    this.confirm = page.getByTestId('confirm');
    this.startUpdate = page.getByTestId('start-update');
    this.progress = page.getByTestId('progress');
    this.reconnect = page.getByTestId('reconnect');
    this.selectAgain = page.getByTestId('select-again');
    this.done = page.getByTestId('done');
    this.stopped = page.getByTestId('stopped');
    this.language = page.getByTestId('language');
    this.inDownloadMode = page.getByTestId('in-download-mode');
    this.recovery = page.getByTestId('recovery');
    this.loaderInput = page.getByTestId('loader-input');
    this.confirmErase = page.getByTestId('confirm-erase');
    this.loadLoader = page.getByTestId('load-loader');
    this.log = page.getByTestId('log');
  }

  /** Presses the "Download debug bundle" button inside `scope`; resolves to the parsed file. */
  async downloadDebugBundle(scope) {
    const [download] = await Promise.all([this.page.waitForEvent('download'), scope.getByTestId('debug-bundle').click()]);
    assert.equal(download.suggestedFilename(), 'modemflash-debug-bundle.json');
    const text = await readFile(await download.path(), 'utf8');
    return { text, bundle: JSON.parse(text) };
  }

  /** Chooses a firmware file from disk and waits for its verdict. */
  async chooseFirmware(file) {
    await this.firmwareInput.setInputFiles(file);
    await this.verifySummary.waitFor();
  }

  async open(url) {
    await this.page.goto(url);
    await this.page.getByRole('heading', { name: 'Connect your modem' }).waitFor();
  }

  field(name) {
    return this.deviceCard.getByTestId(name);
  }

  /** A screen the person sees: checked with axe (both themes), then saved as a screenshot. */
  async screen(name) {
    await expectAccessible(this.page, name);
    await this.page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  }

  /** What the fake Web Serial recorded: requestPort filters, opens, writes, closes. */
  serialLog() {
    return this.page.evaluate(() => window.__mfLog);
  }
}

/** Opens a fresh browser, runs `body` on the wizard page, and checks the page threw nothing. */
export async function withWizard(options, body) {
  const browser = await openBrowser(options);
  try {
    await body(new WizardPage(browser.page), browser);
    assert.deepEqual(browser.errors, [], 'no uncaught errors in the page');
  } finally {
    await browser.close();
  }
}
