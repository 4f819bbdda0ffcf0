// axe-core's accessibility check on a Playwright page, reduced to what the tests fail on.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** A page of Playwright or puppeteer-core (Chromium over CDP, Firefox over BiDi): all axe needs. */
interface ScriptablePage {
  evaluate(expression: string): Promise<unknown>;
}

/** Serious and critical axe-core violations on the page, as readable lines. */
export async function seriousViolations(page: ScriptablePage): Promise<string[]> {
  // The driver's evaluate (DevTools protocol or BiDi) is not blocked by a page's CSP (no scripts).
  await page.evaluate(axeSource);
  const violations = (await page.evaluate('axe.run().then((result) => result.violations)')) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}
