#!/usr/bin/env node
// Verification throughput in headless Chromium: opens the release page (dist/), puts a
// firmware file into the page's file input and reads the page's own measurement.
//
//   node tests/bench/verify-in-browser.mjs --file PATH [--dist dist] [--repeat 3]
//                                          [--timeout-s 600] [--json]
//
// The page contract (src/components/firmware_panel.rs):
//   - the file input has data-testid="firmware-input" (shown once a modem is connected;
//     the virtual modem, data-testid="try-virtual", is used when it is not there yet);
//   - after verification, data-testid="verify-summary" appears with data-bytes (file
//     size), data-ms (verification wall time in ms) and data-wasm-bytes (wasm linear
//     memory after verification; it never shrinks, so it is the peak).
// Every run loads the page afresh, so each peak is that run's own.
//
// Not a test: it prints numbers (scripts/bench). It exits non-zero with a message when
// the page lacks the contract or the verification fails.
import { chromium } from 'playwright-core';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { serveDist } from '../e2e/support/server.mjs';
import { CHROMIUM, FLAGS } from '../e2e/support/browser.mjs';


class ContractError extends Error {}

const { values: args } = parseArgs({
  options: {
    file: { type: 'string' },
    dist: { type: 'string', default: 'dist' },
    repeat: { type: 'string', default: '3' },
    'timeout-s': { type: 'string', default: '600' },
    json: { type: 'boolean', default: false },
  },
});

function fail(message) {
  console.error(`verify-in-browser: ${message}`);
  process.exit(1);
}

if (!args.file) fail('--file PATH is required (modemflash-bench verify --write PATH makes one)');
const file = path.resolve(args.file);
const dist = path.resolve(args.dist);
const repeat = Math.max(1, Number.parseInt(args.repeat, 10) || 1);
const timeout = 1000 * Number(args['timeout-s']);
const fileBytes = (await stat(file).catch(() => fail(`cannot read ${file}`))).size;
await stat(path.join(dist, 'index.html')).catch(() => fail(`no ${dist}/index.html: run trunk build --release first`));

/** Opens the page and gets to its firmware file input (connecting the virtual modem if needed). */
async function firmwareInput(page, url) {
  await page.goto(url);
  const input = page.getByTestId('firmware-input');
  const virtual = page.getByTestId('try-virtual');
  try {
    await input.or(virtual).first().waitFor({ state: 'attached', timeout: 20_000 });
  } catch {
    throw new ContractError(
      'the page has neither [data-testid="firmware-input"] nor [data-testid="try-virtual"] after 20 s: ' +
        'this build of dist/ predates the benchmark contract (firmware input + verify-summary). ' +
        'Rebuild it with `trunk build --release` once the firmware panel is in.',
    );
  }
  if ((await input.count()) === 0) {
    await virtual.click();
    try {
      await input.waitFor({ state: 'attached', timeout: 30_000 });
    } catch {
      throw new ContractError('connected the virtual modem, but no [data-testid="firmware-input"] appeared within 30 s');
    }
  }
  return input;
}

/** One verification in a fresh page: the page's numbers plus the wall time seen from here. */
async function verifyOnce(context, url) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('crash', () => errors.push('the page crashed (out of memory?)'));
  try {
    const input = await firmwareInput(page, url);
    const summary = page.getByTestId('verify-summary');
    const started = performance.now();
    await input.setInputFiles(file);
    try {
      await summary.waitFor({ state: 'attached', timeout });
    } catch {
      const unreadable = await page.getByTestId('firmware-unreadable').textContent({ timeout: 1000 }).catch(() => null);
      throw new Error(
        unreadable
          ? `the page could not read the file: ${unreadable.trim()}`
          : `no [data-testid="verify-summary"] within ${timeout / 1000} s${errors.length ? `; page errors: ${errors.join('; ')}` : ''}`,
      );
    }
    const outside = performance.now() - started;
    const attrs = await summary.evaluate((el) => ({
      bytes: el.getAttribute('data-bytes'),
      ms: el.getAttribute('data-ms'),
      wasmBytes: el.getAttribute('data-wasm-bytes'),
      passed: el.getAttribute('data-passed'),
    }));
    const missing = ['bytes', 'ms', 'wasmBytes'].filter((k) => attrs[k] === null || attrs[k] === '');
    if (missing.length) {
      throw new ContractError(
        `[data-testid="verify-summary"] lacks ${missing.map((k) => `data-${k.replace('B', '-b')}`).join(', ')}`,
      );
    }
    const run = {
      bytes: Number(attrs.bytes),
      ms: Number(attrs.ms),
      wasmBytes: Number(attrs.wasmBytes),
      passed: attrs.passed === null ? null : attrs.passed === 'true',
      msSeenByScript: Math.round(outside),
    };
    if (run.bytes !== fileBytes) throw new Error(`the page verified ${run.bytes} bytes, the file has ${fileBytes}`);
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    return run;
  } finally {
    await page.close();
  }
}

/**
 * The reading floor: one pass over the file in `chunk`-byte `Blob.slice().arrayBuffer()`
 * reads from plain JS, as the page's byte source reads it with 1 MiB (`inspect` makes two
 * such passes).
 */
async function blobReadOnce(context, url, chunk) {
  const page = await context.newPage();
  try {
    await page.goto(url);
    const probe = await page.evaluateHandle(() => {
      const input = Object.assign(document.createElement('input'), { type: 'file', hidden: true });
      document.body.append(input);
      return input;
    });
    await probe.setInputFiles(file);
    return await probe.evaluate(async (input, chunk) => {
      const blob = input.files[0];
      const started = performance.now();
      let touched = 0;
      for (let at = 0; at < blob.size; at += chunk) {
        const bytes = new Uint8Array(await blob.slice(at, Math.min(at + chunk, blob.size)).arrayBuffer());
        touched ^= bytes[0];
      }
      return { ms: performance.now() - started, touched };
    }, chunk);
  } finally {
    await page.close();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (n) => `${(n / 1048576).toFixed(1)} MiB`;
const mbps = (bytes, ms) => bytes / 1e6 / (ms / 1000);

const server = await serveDist(dist);
const profile = await mkdtemp(path.join(os.tmpdir(), 'mf-bench-chromium-'));
let context;
let exitCode = 0;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
  });
  const blank = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(blank);
  const { product } = await cdp.send('Browser.getVersion');
  const version = product.split('/')[1];
  const runs = [];
  for (let i = 0; i < repeat; i++) runs.push(await verifyOnce(context, server.url));
  const blobReads = [];
  const bigBlobReads = [];
  for (let i = 0; i < repeat; i++) {
    blobReads.push((await blobReadOnce(context, server.url, 1 << 20)).ms);
    bigBlobReads.push((await blobReadOnce(context, server.url, 8 << 20)).ms);
  }
  const ms = median(runs.map((r) => r.ms));
  const result = {
    file,
    bytes: fileBytes,
    browser: `Chromium ${version ?? '?'} (headless)`,
    runs,
    medianMs: ms,
    bestMs: Math.min(...runs.map((r) => r.ms)),
    mbPerS: mbps(fileBytes, ms),
    peakWasmBytes: Math.max(...runs.map((r) => r.wasmBytes)),
    blobReadPassMs: median(blobReads),
    blobReadMbPerS: mbps(fileBytes, median(blobReads)),
    blobRead8MiBPassMs: median(bigBlobReads),
    blobRead8MiBMbPerS: mbps(fileBytes, median(bigBlobReads)),
    passed: runs.every((r) => r.passed !== false),
  };
  if (args.json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    const rows = [
      ['what', 'bytes', 'median', 'best', 'MB/s', 'peak wasm memory'],
      [
        'inspect in the page (Blob slices, wasm)',
        fileBytes.toLocaleString('en'),
        `${(ms / 1000).toFixed(2)} s`,
        `${(result.bestMs / 1000).toFixed(2)} s`,
        result.mbPerS.toFixed(1),
        mib(result.peakWasmBytes),
      ],
      [
        '  one pass of 1 MiB Blob slice reads (JS)',
        fileBytes.toLocaleString('en'),
        `${(result.blobReadPassMs / 1000).toFixed(2)} s`,
        `${(Math.min(...blobReads) / 1000).toFixed(2)} s`,
        result.blobReadMbPerS.toFixed(1),
        '',
      ],
      [
        '  the same with 8 MiB slices, for comparison',
        fileBytes.toLocaleString('en'),
        `${(result.blobRead8MiBPassMs / 1000).toFixed(2)} s`,
        `${(Math.min(...bigBlobReads) / 1000).toFixed(2)} s`,
        result.blobRead8MiBMbPerS.toFixed(1),
        '',
      ],
    ];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
    console.log(`Verification in ${result.browser} of ${file} (report: ${result.passed ? 'passed' : 'FAILED'})\n`);
    console.log(line(rows[0]));
    console.log(line(widths.map((w) => '-'.repeat(w))));
    rows.slice(1).forEach((r) => console.log(line(r)));
    console.log(
      `\nMB/s: 10^6 bytes per second of the page's own median time (data-ms) over ${repeat} fresh page loads` +
        `\n(seen from the script, with Playwright's file hand-over: ${runs.map((r) => r.msSeenByScript).join(', ')} ms).` +
        '\nPeak wasm memory: the linear memory after verification (it never shrinks).' +
        '\nThe page reads the file twice (SHA-256 pass, then block CRCs): the Blob row is one read pass from JS.',
    );
  }
} catch (e) {
  console.error(`verify-in-browser: ${e.message}`);
  exitCode = e instanceof ContractError ? 2 : 1;
} finally {
  await context?.close().catch(() => {});
  await rm(profile, { recursive: true, force: true });
  await server.close();
}
process.exit(exitCode);
