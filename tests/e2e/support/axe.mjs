// axe-core in the page: every screen the tests reach is checked, in the light and the
// dark theme, and any violation fails the test with what and where.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

function describe(violations) {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  at ${n.target.join(' ')}: ${n.failureSummary}`).join('\n')}`)
    .join('\n');
}

/**
 * Runs axe on `page` (or on one of its frames: `frame`, the embedded wizard) in both colour
 * schemes; throws with the violations of `screen`.
 */
export async function expectAccessible(page, screen, frame = page) {
  const found = [];
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    if (!(await frame.evaluate(() => 'axe' in window))) await frame.addScriptTag({ content: AXE });
    const { violations } = await frame.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    if (violations.length) found.push(`${colorScheme} theme:\n${describe(violations)}`);
  }
  await page.emulateMedia({ colorScheme: null });
  if (found.length) throw new Error(`accessibility violations on "${screen}":\n${found.join('\n')}`);
}
