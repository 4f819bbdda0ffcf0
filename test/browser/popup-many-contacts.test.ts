// The popup with thousands of contacts, in Debian's Chromium: the results of a check are written where
// the background keeps them (packed, as a check writes them), and the real popup shows them. Only a
// window of rows is in the DOM, yet the list is one list of every contact: scrolling reaches the last,
// the size and each row's place are announced, the keyboard reaches any row, search and the light
// filter cover every contact, and axe finds nothing serious. How fast: bench/extension.bench.ts.
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainSummary } from '../../src/core/testing/fixtures.ts';
import { contactResults } from '../../src/extension/background/contact-paths.ts';
import type { ContactResult } from '../../src/extension/shared/check-types.ts';
import { packResults } from '../../src/extension/shared/packed-results.ts';
import { seriousViolations } from '../support/axe.ts';
import {
  byLabel,
  count,
  type ExtensionDriver,
  fill,
  launchDriver,
  sendMessage,
  text,
  withApi,
} from '../support/extension-driver.ts';
import { ensureBuilt, SCREENSHOTS } from './build-once.ts';

const CONTACTS = 4_000;
const ACCOUNT = 'alice@good.test';

/** 4,000 contacts over 40 domains: graded well, weakly, failing, or never scanned; half with a name. */
function manyResults(): ContactResult[] {
  const now = new Date();
  // Scanned just now: the lights are the grades', not "too old to tell".
  const scanned = (...args: Parameters<typeof domainSummary>) => ({
    ...domainSummary(...args),
    scannedAt: now.toISOString(),
  });
  const summaries = new Map([['good.test', scanned('good.test')]]);
  for (let d = 0; d < 40; d++) {
    const domain = `d${d}.example`;
    if (d % 4 === 1) summaries.set(domain, scanned(domain, { s2s: { grade: 'T', gradeIfTrusted: 'F' } }));
    else if (d % 4 === 2) summaries.set(domain, scanned(domain, { s2s: { encryption: 'none', grade: 'F' } }));
    else if (d % 4 === 3) summaries.set(domain, scanned(domain));
  }
  return contactResults({
    account: ACCOUNT,
    contacts: Array.from({ length: CONTACTS }, (_, i) => ({
      jid: `c${String(i).padStart(4, '0')}@d${i % 40}.example`,
      name: i % 2 === 0 ? `Contact ${i}` : null,
    })),
    omemo: new Map(),
    summaries,
    transportSecure: true,
    observations: new Map(),
    userSoftware: null,
    now,
  });
}

/** Waits for `condition` (expect.poll is for tests, not their set-up). */
async function until(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`still not so after ${timeoutMs} ms: ${condition}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The rendered rows' contacts and places, top to bottom. */
function renderedRows(page: Page): Promise<{ jid: string; position: number; size: number }[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('li.row')].map((li) => ({
      jid: li.getAttribute('data-jid') ?? '',
      position: Number(li.getAttribute('aria-posinset')),
      size: Number(li.getAttribute('aria-setsize')),
    })),
  );
}

/** The row whose head has the focus: its contact. */
function focusedRow(page: Page): Promise<string | null> {
  return page.evaluate(() =>
    document.activeElement?.matches('.row-head')
      ? (document.activeElement.parentElement?.getAttribute('data-jid') ?? null)
      : null,
  );
}

/**
 * How much of the viewport that the list spans no rendered row covers, above the first rendered row and
 * below the last, px: 0 and 0 when the window matches the scroll position.
 */
function uncoveredViewport(page: Page): Promise<{ above: number; below: number }> {
  return page.evaluate(() => {
    const list = document.querySelector('ul.results')?.getBoundingClientRect();
    const rows = [...document.querySelectorAll('li.row')].map((li) => li.getBoundingClientRect());
    if (!list || rows.length === 0) return { above: Number.NaN, below: Number.NaN };
    const top = Math.max(list.top, 0);
    const bottom = Math.min(list.bottom, window.innerHeight);
    return {
      above: Math.max(0, Math.round((rows[0]?.top ?? 0) - top)),
      below: Math.max(0, Math.round(bottom - (rows.at(-1)?.bottom ?? 0))),
    };
  });
}

describe('the popup with 4,000 contacts in chromium', () => {
  let ext: ExtensionDriver;
  let popup: Page;
  const results = manyResults();
  const first = results[0] as ContactResult;
  const last = results[CONTACTS - 1] as ContactResult;

  beforeAll(async () => {
    await ensureBuilt();
    ext = await launchDriver('chromium');
    const page = await ext.openPage('options.html');
    await sendMessage(page, {
      type: 'saveSettings',
      settings: {
        jid: ACCOUNT,
        endpoint: { mode: 'url', url: 'ws://127.0.0.1:9/xmpp-websocket' },
        transport: 'websocket',
        observatoryUrl: 'http://127.0.0.1:8080',
        privacyMode: true,
        checkIntervalMinutes: 60,
        notifications: false,
      },
    });
    // Saving may have started a check, which stops at once without a password: let it end first.
    await until(
      async () =>
        ((await sendMessage(page, { type: 'getStatus' })) as { value: { cycle: { state: string } } }).value
          .cycle.state !== 'running',
    );
    // What a completed check writes (background/storage.ts), just now, so opening the popup runs none.
    await withApi(
      page,
      async (api, stored) => {
        const local = api.storage.local as unknown as {
          set(items: object): Promise<void>;
          remove(keys: string[]): Promise<void>;
        };
        await local.set(stored);
        await local.remove(['failure']);
      },
      {
        lastCheck: new Date().toISOString(),
        packedResults: packResults(results),
        resultsSummary: { count: CONTACTS, light: first.light },
      },
    );
    await page.close();
    popup = await ext.openPage('popup.html');
    await popup.setViewport({ width: 380, height: 600 });
    await until(async () => (await count(popup, 'li.row')) > 0);
  });
  afterAll(async () => {
    await ext?.close();
  });

  it('renders a window of rows that know their place in the whole list', async () => {
    const rows = await renderedRows(popup);
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(100);
    expect(rows[0]).toEqual({ jid: first.jid, position: 1, size: CONTACTS });
    rows.forEach((row, i) => {
      expect(row).toEqual({ jid: results[i]?.jid, position: i + 1, size: CONTACTS });
    });
    // Worst first, as before: the top row has the worst light of all.
    expect(first.light).toBe('red');
    expect(await text(popup, 'li.row .path-label')).toBe('Unsafe');
    // The page scrolls as far as every row would take.
    const height = await popup.evaluate(() => document.documentElement.scrollHeight);
    expect(height).toBeGreaterThan(CONTACTS * 30);
    await popup.screenshot({ path: `${SCREENSHOTS}/popup-${CONTACTS}-contacts-chromium.png` });
    expect(await seriousViolations(popup)).toEqual([]);
  });

  it('shows the last contact at the end of the scroll, still a window of rows', async () => {
    await expect
      .poll(async () => {
        await popup.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
        return (await renderedRows(popup)).at(-1);
      })
      .toEqual({ jid: last.jid, position: CONTACTS, size: CONTACTS });
    expect(await count(popup, 'li.row')).toBeLessThan(100);
    const seen = await popup.evaluate((jid) => {
      const box = document.querySelector(`li.row[data-jid="${jid}"]`)?.getBoundingClientRect();
      return box ? box.top >= 0 && box.bottom <= window.innerHeight : false;
    }, last.jid);
    expect(seen).toBe(true);
    expect(await seriousViolations(popup)).toEqual([]);
    await popup.evaluate(() => window.scrollTo(0, 0));
    await expect.poll(async () => (await renderedRows(popup))[0]?.jid).toBe(first.jid);
  });

  it('moves through the rows by keyboard, to rows not rendered yet too, and opens their details', async () => {
    await popup.focus(`li.row[data-jid="${first.jid}"] .row-head`);
    await popup.keyboard.press('ArrowDown');
    expect(await focusedRow(popup)).toBe(results[1]?.jid);
    await popup.keyboard.press('Tab');
    expect(await focusedRow(popup)).toBe(results[2]?.jid);
    await popup.keyboard.press('End');
    await expect.poll(() => focusedRow(popup)).toBe(last.jid);
    await popup.keyboard.press('ArrowUp');
    await expect.poll(() => focusedRow(popup)).toBe(results[CONTACTS - 2]?.jid);
    // Tab on from the row before the last reaches the last.
    await popup.keyboard.press('Tab');
    expect(await focusedRow(popup)).toBe(last.jid);

    // Enter opens the details.
    await popup.keyboard.press('Enter');
    const head = `li.row[data-jid="${last.jid}"] .row-head`;
    await expect.poll(() => popup.$eval(head, (e) => e.getAttribute('aria-expanded'))).toBe('true');
    expect(await text(popup, `li.row[data-jid="${last.jid}"] .details`)).not.toBe('');

    await popup.keyboard.press('Home');
    await expect.poll(() => focusedRow(popup)).toBe(first.jid);
    // Scrolled back, the opened row is still open.
    await popup.keyboard.press('End');
    await expect.poll(() => focusedRow(popup)).toBe(last.jid);
    expect(await popup.$eval(head, (e) => e.getAttribute('aria-expanded'))).toBe('true');
    expect(await seriousViolations(popup)).toEqual([]);
  });

  it('measures opened rows: wherever the page is scrolled, rendered rows fill the viewport', async () => {
    // Ten rows opened near the top, each several times a closed row's height.
    await popup.evaluate(() => window.scrollTo(0, 0));
    for (const result of results.slice(3, 13)) {
      const head = `li.row[data-jid="${result.jid}"] .row-head`;
      await expect.poll(() => count(popup, head)).toBe(1);
      await popup.click(head);
      await expect.poll(() => popup.$eval(head, (e) => e.getAttribute('aria-expanded'))).toBe('true');
    }
    await popup.evaluate(() => window.scrollTo(0, 0));
    const heights = (jids: string[]) =>
      popup.evaluate(
        (list) =>
          list.map(
            (jid) => document.querySelector(`li.row[data-jid="${jid}"]`)?.getBoundingClientRect().height ?? 0,
          ),
        jids,
      );
    await expect
      .poll(async () => (await heights([first.jid, results[3]?.jid ?? ''])).every((h) => h > 0))
      .toBe(true);
    const [closed = 0, opened = 0] = await heights([first.jid, results[3]?.jid ?? '']);
    expect(opened).toBeGreaterThan(3 * closed);
    for (const y of [1_500, 4_000, 40_000, 20_000, 2_000, 0]) {
      await popup.evaluate((top) => window.scrollTo(0, top), y);
      await expect.poll(() => uncoveredViewport(popup)).toEqual({ above: 0, below: 0 });
    }
  });

  it('searches and filters every contact, not only the rendered ones', async () => {
    await popup.evaluate(() => window.scrollTo(0, 0));
    await fill(popup, 'Search contacts', last.jid);
    await expect.poll(() => renderedRows(popup)).toEqual([{ jid: last.jid, position: 1, size: 1 }]);
    await fill(popup, 'Search contacts', '');
    const green = results.filter((r) => r.light === 'green');
    expect(green.length).toBeGreaterThan(100);
    await (await byLabel(popup, 'Show contacts with the light')).select('green');
    await expect
      .poll(async () => (await renderedRows(popup))[0])
      .toEqual({ jid: green[0]?.jid, position: 1, size: green.length });
    await (await byLabel(popup, 'Show contacts with the light')).select('all');
    await expect.poll(async () => (await renderedRows(popup))[0]?.size).toBe(CONTACTS);
  });
});
