// The observatory's pages in headless Chromium: a real `serve` (SQLite in a temporary folder, lab scan
// options) scans lab domains; every page loads with no console error, CSP violation or failed request,
// without serious axe-core violations, and the search, the directory's sorting and filters work by
// keyboard alone. Screenshots (whole pages) go to test-results/screenshots/observatory-*.png for people
// to look at: good.test's and weak.test's full reports, the directory and the statistics.
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
  // good.test: modern TLS, CA-signed; plain.test: no TLS; dane.sec.test: TLSA in a signed zone.
  // weak.test is scanned by keyboard below.
  await observatory.scan(['good.test', 'plain.test', 'dane.sec.test']);
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
    // The caps that held weak.test's letter down, each with its reason, and its TLS 1.0 suites.
    expect(main).toContain('B at most');
    expect(
      await page.getByRole('table', { name: /^TLSv1\.0: \d+ accepted suites?$/ }).count(),
    ).toBeGreaterThan(0);
    const historyRows = page.locator('table.history tbody tr');
    expect(await historyRows.count()).toBe(1);
    expect(await historyRows.first().textContent()).toContain('done');
    expect(await imagesLoaded(page)).toBe(true);
    await expectClean(watched, 'domain-weak');
  });

  it('shows good.test’s whole report: score breakdown, suites per version, chain, DNS, JSON and its badge', async () => {
    const watched = await open('/domain/good.test');
    const { page } = watched;
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('good.test');
    expect(await page.getByRole('heading', { name: /Client connections \(c2s\) A/ }).count()).toBe(1);
    expect(await page.getByRole('heading', { name: 'What to fix' }).count()).toBe(2);
    // Per target: the rubric's parts, the accepted suites of each version, the certificate chain.
    expect(await page.getByRole('table', { name: /Score breakdown of good\.test:5222/ }).count()).toBe(1);
    expect(
      await page.getByRole('table', { name: /^TLSv1\.3: \d+ accepted suites?$/ }).count(),
    ).toBeGreaterThan(0);
    expect(await page.getByRole('table', { name: /^TLSv1\.1/ }).count()).toBe(0);
    const main = (await page.textContent('main')) ?? '';
    expect(main).toContain('TLS_AES_256_GCM_SHA384');
    expect(main).toContain('Certificate chain');
    expect(main).toContain('SASL after TLS');
    expect(await page.getByRole('table', { name: 'Targets of s2s, from DNS' }).count()).toBe(1);
    // The JSON download is the stored report.
    const href = await page.getByRole('link', { name: /Download the whole report/ }).getAttribute('href');
    const json = await page.request.get(`${observatory.url}${href}`);
    expect(json.status()).toBe(200);
    expect((await json.json()).domain).toBe('good.test');
    expect(await page.getByRole('textbox', { name: 'Your domain' }).count()).toBe(1);
    expect(await page.locator('table.history tbody tr').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Rescan' }).count()).toBe(1);
    expect(await imagesLoaded(page)).toBe(true);
    await expectClean(watched, 'domain-good');
  });

  it('reads on a phone: the report fits the screen, wide tables scroll by themselves', async () => {
    const watched = await watchedPage(browser);
    const { page } = watched;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${observatory.url}/domain/good.test`, { waitUntil: 'load' });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectClean(watched, 'domain-good-phone');
  });

  it('shows TLSA records and what they name on dane.sec.test', async () => {
    const watched = await open('/domain/dane.sec.test');
    const main = (await watched.page.textContent('main')) ?? '';
    expect(main).toContain('DANE-EE (3)');
    expect(main).toContain('validated, and they match the presented chain');
    expect(watched.problems).toEqual([]);
  });

  it('lists every scanned domain in the directory, sorts by keyboard and filters', async () => {
    const watched = await open('/directory');
    const { page } = watched;
    const domains = () => page.locator('table.directory tbody tr td:first-child').allTextContents();
    expect(await domains()).toEqual(['dane.sec.test', 'good.test', 'plain.test', 'weak.test']);
    await expectClean(watched, 'directory');
    // Tab to the c2s column's sort link and press Enter: worst grades last.
    const sortLink = page.getByRole('link', { name: 'c2s', exact: true });
    for (let i = 0; i < 40 && !(await sortLink.evaluate((a) => a === document.activeElement)); i++)
      await page.keyboard.press('Tab');
    await Promise.all([page.waitForURL(/sort=c2s/), page.keyboard.press('Enter')]);
    expect(await page.locator('th[aria-sort="ascending"]').textContent()).toContain('c2s');
    expect((await domains()).at(-1)).toBe('plain.test');
    // Filter: no TLS on c2s or s2s.
    await page.getByLabel('Encryption').selectOption('none');
    await Promise.all([
      page.waitForURL(/encryption=none/),
      page.getByRole('button', { name: 'Filter' }).press('Enter'),
    ]);
    expect(await domains()).toEqual(['plain.test']);
    expect(await page.getByRole('status').textContent()).toContain('1 domain;');
    expect(await seriousViolations(page)).toEqual([]);
    expect(watched.problems).toEqual([]);
  });

  it('draws the network statistics as SVG charts with text alternatives', async () => {
    const watched = await open('/stats');
    const { page } = watched;
    expect(await page.locator('svg.chart').count()).toBeGreaterThanOrEqual(7);
    const label = (await page.locator('svg.chart[aria-label^="Grades:"]').getAttribute('aria-label')) ?? '';
    // Four domains scanned, each with a reachable c2s server; the text alternative lists every bar.
    const c2s = [...label.matchAll(/ c2s (\d+) /g)].map((m) => Number(m[1]));
    expect(c2s.reduce((a, b) => a + b, 0)).toBe(4);
    for (const title of ['TLS versions offered', 'Encryption', 'DNSSEC, DANE and POSH', 'Certificate keys'])
      expect(await page.getByText(title, { exact: true }).count()).toBe(1);
    const adoption = await page
      .locator('svg.chart[aria-label^="DNSSEC, DANE and POSH:"]')
      .getAttribute('aria-label');
    expect(adoption).toMatch(/DANE c2s 1 /);
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
