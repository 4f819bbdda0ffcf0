// The observatory's pages in headless Chromium: a real `serve` (SQLite in a temporary folder, lab scan
// options) scans lab domains; every page loads with no console error, CSP violation or failed request,
// without serious axe-core violations, and the search works by keyboard alone. Screenshots go to
// test-results/screenshots/observatory-*.png for people to look at.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchPlainBrowser,
  seriousViolations,
  type WatchedPage,
  watchedPage,
} from '../support/observatory-browser.ts';
import { startTestObservatory, type TestObservatory } from '../support/observatory-for-tests.ts';
import { ensureBuilt, SCREENSHOTS } from './build-once.ts';

let observatory: TestObservatory;
let browser: Browser;

beforeAll(async () => {
  await ensureBuilt();
  observatory = await startTestObservatory();
  // good.test: modern TLS, CA-signed; plain.test: no TLS. weak.test is scanned by keyboard below.
  await observatory.scan(['good.test', 'plain.test']);
  browser = await launchPlainBrowser();
});
afterAll(async () => {
  await browser?.close();
  await observatory?.stop();
});

/** Opens `path`, waits until it has loaded, and returns the page with its recorded problems. */
async function open(path: string): Promise<WatchedPage> {
  const watched = await watchedPage(browser);
  const response = await watched.page.goto(`${observatory.url}${path}`, { waitUntil: 'load' });
  expect(response?.status(), path).toBe(200);
  return watched;
}

async function expectClean(watched: WatchedPage, name: string): Promise<void> {
  await watched.page.screenshot({ path: `${SCREENSHOTS}/observatory-${name}.png`, fullPage: true });
  expect(await seriousViolations(watched.page)).toEqual([]);
  expect(watched.problems).toEqual([]);
}

/** Every <img> on the page decoded (a broken badge would have naturalWidth 0). */
async function imagesLoaded(page: Page): Promise<boolean> {
  return page.evaluate(() => [...document.images].every((img) => img.complete && img.naturalWidth > 0));
}

describe('observatory pages in Chromium', () => {
  it('searches by keyboard alone, scans weak.test from its page, and shows what to fix and the history', async () => {
    const watched = await open('/');
    const { page } = watched;
    await expectClean(watched, 'search');
    // Tab from the top of the page until the search field has focus: nothing but the keyboard.
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement?.id === 'domain')) break;
    }
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('domain');
    await page.keyboard.type('Weak.Test');
    await Promise.all([page.waitForURL(`${observatory.url}/domain/weak.test`), page.keyboard.press('Enter')]);
    await expect
      .poll(() => page.getByRole('heading', { level: 1, name: 'weak.test' }).isVisible())
      .toBe(true);
    expect(await page.textContent('main')).toContain('Never scanned.');

    // The "Scan now" button is the next stop after the search field's form is gone: Tab to it, Enter.
    const scanButton = page.getByRole('button', { name: 'Scan now' });
    for (let i = 0; i < 10 && !(await scanButton.evaluate((b) => b === document.activeElement)); i++)
      await page.keyboard.press('Tab');
    await Promise.all([
      page.waitForURL(/\/domain\/weak\.test\?notice=queued$/),
      page.keyboard.press('Enter'),
    ]);
    expect(await page.getByRole('status').textContent()).toBe('The scan is queued.');

    await observatory.scan(['weak.test']);
    await page.goto(`${observatory.url}/domain/weak.test`, { waitUntil: 'load' });
    const main = (await page.textContent('main')) ?? '';
    // weak.test offers TLS 1.0 and 1.1 on purpose: capped at B at best, and the page says what to fix.
    expect(main).toContain('TLS 1.0');
    expect(main).toMatch(/Fix: /);
    const historyRows = page.locator('table.history tbody tr');
    expect(await historyRows.count()).toBe(1);
    expect(await historyRows.first().textContent()).toContain('done');
    expect(await imagesLoaded(page)).toBe(true);
    await expectClean(watched, 'domain-weak');
  });

  it('shows good.test’s report, its history and its badge', async () => {
    const watched = await open('/domain/good.test');
    const { page } = watched;
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('good.test');
    expect(await page.getByRole('heading', { name: /Client connections \(c2s\) A/ }).count()).toBe(1);
    expect(await page.getByRole('heading', { name: 'What to fix' }).count()).toBe(2);
    expect(await page.locator('table.history tbody tr').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Rescan' }).count()).toBe(1);
    expect(await imagesLoaded(page)).toBe(true);
    await expectClean(watched, 'domain-good');
  });

  it('draws statistics as SVG charts with text alternatives', async () => {
    const watched = await open('/stats');
    const { page } = watched;
    const charts = page.locator('svg.chart');
    expect(await charts.count()).toBe(2);
    const label = (await charts.first().getAttribute('aria-label')) ?? '';
    // Three domains scanned: good, plain, weak; the chart's text alternative lists every bar.
    const counts = [...label.matchAll(/ (\d+)(?:,|$)/g)].map((m) => Number(m[1]));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(3);
    expect(await charts.first().locator('rect').count()).toBeGreaterThan(1);
    await expectClean(watched, 'stats');
  });

  it('serves a badge that renders as an image', async () => {
    const watched = await open('/badge/good.test.svg');
    const { page } = watched;
    expect(await page.locator('svg title').textContent()).toMatch(/^XMPP grades of good\.test: c2s A/);
    await page.screenshot({ path: `${SCREENSHOTS}/observatory-badge.png` });
    expect(watched.problems).toEqual([]);
  });

  it('explains a bad search on the page, as an alert', async () => {
    const watched = await watchedPage(browser);
    const { page } = watched;
    await page.goto(`${observatory.url}/`);
    await page.getByRole('textbox', { name: 'Domain' }).fill('192.0.2.1');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/search?')),
      page.getByRole('button', { name: 'Look up' }).press('Enter'),
    ]);
    expect(response.status()).toBe(400);
    expect(await page.getByRole('alert').textContent()).toContain('is an IP address');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/observatory-search-error.png`, fullPage: true });
    // The 400 itself is the expected answer; nothing else may fail.
    expect(watched.problems.sort()).toEqual([
      `HTTP 400: ${observatory.url}/search?domain=192.0.2.1`,
      'console error: Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ]);
  });
});
