// Issue 8, signed firmware manifests: a vendor's page on another origin embeds the wizard
// with <modem-flash manifest=… public-key=…>; the wizard loads and verifies the manifest,
// picks the build for the virtual stick, downloads and checks it, and runs the update.
// A tampered file, a forged or missing signature are refused with their message, and the
// wizard's events are posted to the vendor's origin only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serveDist } from './support/server.mjs';
import { openBrowser } from './support/browser.mjs';
import { MODEMFLASH_BIN } from './support/sim-bridge.mjs';
import { WizardPage } from './pages/wizard-page.mjs';

const NEW_VERSION = '22.333.01.00.00';
const FILE = `E3372h-${NEW_VERSION}.bin`;
const files = new Map();
let server;
let tmp;
let vendor;

function cli(...args) {
  return execFileSync(MODEMFLASH_BIN, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A key pair: the secret key file and the public key keygen printed. */
function keygen(name) {
  const secret = path.join(tmp, name);
  return { secret, publicKey: cli('manifest', 'keygen', '--secret', secret).trim() };
}

before(async () => {
  if (!MODEMFLASH_BIN) throw new Error('MODEMFLASH_BIN is not set: run the tests through scripts/test');
  server = await serveDist(path.resolve('dist'), { files });
  tmp = mkdtempSync(path.join(os.tmpdir(), 'mf-manifest-'));
  const firmwarePath = path.join(tmp, FILE);
  cli('sim', '--profile', 'e3372h', '--write-update', firmwarePath, '--firmware-version', NEW_VERSION);
  const firmware = readFileSync(firmwarePath);
  const manifest = {
    manifest_version: 1,
    product: 'Example Telecom 4G stick',
    models: [
      { id: 'e3372h', name: 'Huawei E3372h-153', usb_ids: ['12d1:1506'], manufacturer: 'huawei', model: 'E3372', firmware_pattern: '22.*' },
    ],
    builds: [
      {
        version: NEW_VERSION,
        release_notes: 'Faster start; fixes dropped connections.',
        family: 'huawei-balong',
        file_name: FILE,
        url: FILE,
        size: firmware.length,
        sha256: createHash('sha256').update(firmware).digest('hex'),
        models: ['e3372h'],
      },
    ],
  };
  const manifestPath = path.join(tmp, 'manifest.json');
  execFileSync('sh', ['-c', 'cat > "$0"', manifestPath], { input: JSON.stringify(manifest, null, 2) });
  const key = keygen('vendor.key');
  cli('manifest', 'sign', '--secret', key.secret, manifestPath);
  const forger = keygen('forger.key');
  const forgedPath = path.join(tmp, 'forged', 'manifest.json');
  execFileSync('sh', ['-c', 'mkdir -p "$(dirname "$0")" && cp "$1" "$0"', forgedPath, manifestPath]);
  cli('manifest', 'sign', '--secret', forger.secret, forgedPath);
  // The same build as "bring your own file": no address, the person chooses the file.
  const byo = structuredClone(manifest);
  delete byo.builds[0].url;
  vendor = {
    firmware,
    firmwarePath,
    byoManifest: Buffer.from(JSON.stringify(byo)),
    manifest: readFileSync(manifestPath),
    signature: readFileSync(`${manifestPath}.sig`),
    forgedSignature: readFileSync(`${forgedPath}.sig`),
    publicKey: key.publicKey,
  };
});

after(async () => {
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The demo vendor page, on another origin than the wizard (localhost vs 127.0.0.1), pinning `publicKey`. */
function publishVendorPage({
  publicKey = vendor.publicKey,
  signature = vendor.signature,
  firmware = vendor.firmware,
  manifest = vendor.manifest,
} = {}) {
  const html = readFileSync(path.resolve('public/demo-vendor/index.html'), 'utf8')
    .replace('src="../modem-flash.js"', `src="${server.url}modem-flash.js"`)
    .replace('<modem-flash ', `<modem-flash manifest="manifest.json"${publicKey ? ` public-key="${publicKey}"` : ''} `);
  assert.match(html, /<modem-flash manifest=/);
  files.set('/vendor/index.html', html);
  files.set('/vendor/manifest.json', manifest);
  if (signature) files.set('/vendor/manifest.json.sig', signature);
  else files.delete('/vendor/manifest.json.sig');
  files.set(`/vendor/${FILE}`, firmware);
  return `${server.url.replace('127.0.0.1', 'localhost')}vendor/`;
}

/** Records the target origin of every message the wizard posts to its parent. */
const RECORD_TARGETS = `(() => {
  if (window.top === window || location.hostname !== '127.0.0.1') return;
  const real = window.parent;
  const targets = (window.__mfTargets = []);
  const proxy = { postMessage: (message, origin) => { targets.push(origin); real.postMessage(message, origin); } };
  Object.defineProperty(window, 'parent', { configurable: true, get: () => proxy });
})()`;

/** Opens the vendor page and returns the wizard inside it. */
async function openEmbedded(browser, url) {
  const { page } = browser;
  await page.addInitScript(RECORD_TARGETS);
  await page.goto(url);
  await page.frameLocator('modem-flash iframe').getByTestId('manifest-panel').waitFor();
  const frame = page.frames().find((f) => f.url().startsWith(server.url));
  assert.ok(frame, 'the wizard frame is on the flasher origin');
  return new WizardPage(page, frame);
}

test('a signed manifest picks, downloads, checks and installs the build for the stick', { timeout: 180_000 }, async () => {
  const browser = await openBrowser();
  try {
    const url = publishVendorPage();
    const wizard = await openEmbedded(browser, url);
    const { frame, page } = wizard;
    await frame.getByTestId('manifest-trust').getByText('Signed by the vendor').waitFor();
    assert.equal(await frame.getByRole('heading', { level: 2, name: 'Example Telecom 4G stick' }).count(), 1);
    assert.match(await frame.getByTestId('manifest-builds').textContent(), /22\.333\.01\.00\.00.*Faster start/);
    await wizard.screen('manifest-1-signed-list');

    await wizard.virtualButton.click();
    await wizard.deviceCard.waitFor();
    const offer = frame.getByTestId('manifest-offer');
    assert.equal(
      await offer.getByRole('heading').textContent(),
      'Firmware 22.333.01.00.00 fits your Huawei E3372h-153.',
    );
    await frame.getByTestId('manifest-download').click();
    await frame.getByTestId('manifest-file-passed').waitFor({ timeout: 30_000 });
    await wizard.verifySummary.waitFor({ timeout: 60_000 });
    assert.equal(await wizard.verifySummary.getAttribute('data-passed'), 'true');
    assert.equal(Number(await wizard.verifySummary.getAttribute('data-bytes')), vendor.firmware.length);
    await wizard.screen('manifest-2-downloaded-and-verified');

    await wizard.updateButton.click();
    await wizard.startUpdate.click();
    await wizard.done.waitFor({ timeout: 90_000 });
    assert.equal(await frame.getByTestId('new-version').textContent(), NEW_VERSION);
    await wizard.screen('manifest-3-done');

    // The vendor page (another origin) heard the update, and nobody else could have.
    await page.locator('#events li', { hasText: `done {"version":"${NEW_VERSION}"}` }).waitFor();
    const targets = await frame.evaluate(() => window.__mfTargets);
    const vendorOrigin = new URL(url).origin;
    assert.ok(targets.length >= 6, `messages posted: ${targets}`);
    assert.deepEqual([...new Set(targets)], [vendorOrigin], 'every event is posted to the vendor origin only');
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
  }
});

test('a download that is not the published file is refused before anything is written', { timeout: 90_000 }, async () => {
  const browser = await openBrowser();
  try {
    const tampered = Buffer.from(vendor.firmware);
    tampered[tampered.length >> 1] ^= 0x01;
    const wizard = await openEmbedded(browser, publishVendorPage({ firmware: tampered }));
    const { frame } = wizard;
    await wizard.virtualButton.click();
    await wizard.deviceCard.waitFor();
    await frame.getByTestId('manifest-download').click();
    const refused = frame.getByTestId('manifest-file-refused');
    await refused.waitFor({ timeout: 30_000 });
    const text = await refused.textContent();
    assert.match(text, new RegExp(`${FILE} was refused`));
    assert.match(text, /SHA-256 is [0-9a-f]{64}, not the [0-9a-f]{64} the vendor's manifest gives/);
    assert.match(text, /Nothing was written to the modem/);
    assert.equal(await wizard.verifySummary.count(), 0, 'the file never reached verification');
    assert.equal(await wizard.updateButton.isDisabled(), true);
    await wizard.screen('manifest-4-tampered-file');
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
  }
});

test('a forged or missing signature refuses the manifest; without a pinned key it is shown as unsigned', { timeout: 90_000 }, async () => {
  const browser = await openBrowser();
  try {
    const wizard = await openEmbedded(browser, publishVendorPage({ signature: vendor.forgedSignature }));
    const { frame, page } = wizard;
    const refused = frame.getByTestId('manifest-refused');
    await refused.waitFor();
    assert.match(await refused.textContent(), /signature does not match: it was changed after signing, or signed with another key/);
    assert.equal(await frame.getByTestId('manifest-builds').count(), 0, 'no build is offered');
    await wizard.screen('manifest-5-forged-signature');

    await page.goto(publishVendorPage({ signature: null }));
    const missing = page.frameLocator('modem-flash iframe').getByTestId('manifest-refused');
    await missing.waitFor();
    assert.match(await missing.textContent(), /the manifest is not signed: .*manifest\.json\.sig has no signature beside it/);

    await page.goto(publishVendorPage({ publicKey: null, signature: null }));
    const trust = page.frameLocator('modem-flash iframe').getByTestId('manifest-trust');
    await trust.waitFor();
    assert.match(await trust.textContent(), /This list is not signed/);
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
  }
});

test('a "bring your own file" build asks for the file and checks it against the list', { timeout: 90_000 }, async () => {
  const browser = await openBrowser();
  try {
    const url = publishVendorPage({ publicKey: null, signature: null, manifest: vendor.byoManifest });
    const wizard = await openEmbedded(browser, url);
    const { frame } = wizard;
    await frame.getByTestId('manifest-trust').getByText('This list is not signed').waitFor();
    assert.match(await frame.getByTestId('manifest-builds').textContent(), new RegExp(`Download ${FILE} yourself`));
    await wizard.virtualButton.click();
    await wizard.deviceCard.waitFor();
    assert.equal(await frame.getByTestId('manifest-download').count(), 0, 'nothing to download');
    const chooser = frame.getByLabel(`Choose ${FILE}`);

    // Another file first (the demo firmware of another size): refused, nothing verified.
    const other = path.join(tmp, 'other.bin');
    cli('sim', '--profile', 'e3372h', '--write-update', other, '--firmware-version', NEW_VERSION, '--size', '500000');
    await chooser.setInputFiles(other);
    const refused = frame.getByTestId('manifest-file-refused');
    await refused.waitFor();
    assert.match(await refused.textContent(), new RegExp(`is \\d+ bytes, not the ${vendor.firmware.length} the vendor's manifest gives`));
    assert.equal(await wizard.verifySummary.count(), 0);

    await chooser.setInputFiles(vendor.firmwarePath);
    await frame.getByTestId('manifest-file-passed').waitFor();
    await wizard.verifySummary.waitFor({ timeout: 60_000 });
    assert.equal(await wizard.verifySummary.getAttribute('data-passed'), 'true');
    await wizard.screen('manifest-6-bring-your-own-file');
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
  }
});
