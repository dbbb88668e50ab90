// Page object for the wizard: what a person sees and clicks, by role and test id.
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { ARTIFACTS, bridgeToSim, openBrowser } from '../support/browser.mjs';
import { expectAccessible } from '../support/axe.mjs';

export class WizardPage {
  /** `frame`: the Playwright Frame of the wizard when a vendor's page embeds it. */
  constructor(page, frame = page) {
    this.page = page;
    this.frame = frame;
    this.connectButton = frame.getByTestId('connect');
    this.virtualButton = frame.getByTestId('try-virtual');
    this.connectReason = frame.getByTestId('connect-reason');
    this.deviceCard = frame.getByTestId('device-card');
    this.noAnswer = frame.getByTestId('no-answer');
    this.cancelled = frame.getByTestId('chooser-cancelled');
    this.supportProblem = frame.getByTestId('support-problem');
    this.firmwareInput = frame.getByTestId('firmware-input');
    this.demoFirmware = frame.getByTestId('demo-firmware');
    this.expectedSha256 = frame.getByTestId('expected-sha256');
    this.verifySummary = frame.getByTestId('verify-summary');
    this.updateButton = frame.getByTestId('update');
    this.updateReason = frame.getByTestId('update-reason');
    this.confirm = frame.getByTestId('confirm');
    this.startUpdate = frame.getByTestId('start-update');
    this.progress = frame.getByTestId('progress');
    this.reconnect = frame.getByTestId('reconnect');
    this.selectAgain = frame.getByTestId('select-again');
    this.done = frame.getByTestId('done');
    this.stopped = frame.getByTestId('stopped');
    this.language = frame.getByTestId('language');
    this.connectUsbButton = frame.getByTestId('connect-usb');
    this.usbReason = frame.getByTestId('usb-reason');
    this.usbFallback = frame.getByTestId('usb-fallback');
    this.cdRom = frame.getByTestId('cd-rom');
    this.switchMode = frame.getByTestId('switch-mode');
    this.switchStatus = frame.getByTestId('switch-status');
    this.failed = frame.getByTestId('failed');
    this.inDownloadMode = frame.getByTestId('in-download-mode');
    this.preflight = frame.getByTestId('preflight');
    this.runChecks = frame.getByTestId('recheck');
    this.recovery = frame.getByTestId('recovery');
    this.loaderInput = frame.getByTestId('loader-input');
    this.confirmErase = frame.getByTestId('confirm-erase');
    this.loadLoader = frame.getByTestId('load-loader');
    this.log = frame.getByTestId('log');
  }

  /** One line of the pre-flight checklist, by its `data-check` (`port-free`, `battery` …). */
  check(code) {
    return this.preflight.locator(`li[data-check="${code}"]`);
  }

  /** A check's status word and its detail, once its status is `status`. */
  async checkResult(code, status) {
    const item = this.check(code);
    await this.preflight.locator(`li[data-check="${code}"][data-status="${status}"]`).waitFor();
    return { status: await item.locator('.check-status').textContent(), text: await item.textContent() };
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

  /** Opens the page with its fake Web Serial bridged to `sim`, connects, and waits for the device card. */
  async connectTo(sim, url) {
    await bridgeToSim(this.page, sim);
    await this.open(url);
    await this.connectButton.click();
    await this.deviceCard.waitFor();
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
    await expectAccessible(this.page, name, this.frame);
    await this.page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  }

  /** What the fake Web Serial recorded: requestPort filters, opens, writes, closes. */
  serialLog() {
    return this.page.evaluate(() => window.__mfLog);
  }

  /** What the fake WebUSB recorded: requestDevice filters, claims, transfers, control requests. */
  usbLog() {
    return this.page.evaluate(() => window.__mfUsbLog);
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
