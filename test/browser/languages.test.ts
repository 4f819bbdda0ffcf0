// The extension in German and French, in Debian's Chromium (`--lang`, `--accept-lang`) and Firefox ESR
// (`intl.locale.requested`, with Debian's language packs firefox-esr-l10n-de and -fr): the setup
// the install opens, walked by its controls' ids (their labels are German or French now), a check
// against the lab, and the popup with its results, screenshotted and checked with axe. English is
// e2e-check.test.ts's popup.
import { mkdir, readFile } from 'node:fs/promises';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabState } from '../../lab/state.ts';
import { seriousViolations } from '../support/axe.ts';
import { ACCOUNT, LAB_DOMAINS, PASSWORD } from '../support/e2e-account.ts';
import { BROWSER_NAMES, count, launchDriver, sendMessage, text, texts } from '../support/extension-driver.ts';
import { startTestObservatory, type TestObservatory } from '../support/observatory-for-tests.ts';
import { ensureBuilt, SCREENSHOTS } from './build-once.ts';

const WORDS = {
  de: { setup: 'Hoplight einrichten', checkNow: 'Jetzt prüfen', contacts: 'Kontakte', unsafe: 'Unsicher' },
  fr: {
    setup: 'Configurer Hoplight',
    checkNow: 'Vérifier maintenant',
    contacts: 'Contacts',
    unsafe: 'Non sécurisé',
  },
} as const;
/** English words of the pages that must not be left in another language's pages. */
const ENGLISH = ['Check now', 'Last check', 'Search contacts', 'Settings', 'Account:'];

let observatory: TestObservatory;
let lab: LabState;

beforeAll(async () => {
  await ensureBuilt();
  await mkdir(SCREENSHOTS, { recursive: true });
  lab = JSON.parse(await readFile(process.env.HOPLIGHT_LAB_STATE as string, 'utf8')) as LabState;
  observatory = await startTestObservatory();
  await observatory.scan(LAB_DOMAINS);
});
afterAll(async () => {
  await observatory?.stop();
});

async function typeInto(page: Page, selector: string, value: string): Promise<void> {
  await page.focus(selector);
  await page.$eval(selector, (e) => (e as HTMLInputElement).select());
  await page.keyboard.press('Backspace');
  await page.type(selector, value);
}

describe.each(BROWSER_NAMES)('the extension in German and French in %s', (browserName) => {
  it.each(['de', 'fr'] as const)('speaks %s from the setup to the popup', async (lang) => {
    const words = WORDS[lang];
    const shot = (name: string) => `${SCREENSHOTS}/${name}-lang-${lang}-${browserName}.png`;
    const ext = await launchDriver(browserName, {
      timeoutMs: 90_000,
      locale: lang,
      hosts: { 'good.test': lab.domains['good.test']?.address as string },
      trustedCertificates: [await readFile(lab.domains['good.test']?.certFile as string, 'utf8')],
    });
    try {
      const setup = await ext.waitForPage('/options.html');
      await expect.poll(() => text(setup, 'h1')).toBe(words.setup);
      expect(await setup.evaluate(() => document.documentElement.lang)).toBe(lang);
      await setup.screenshot({ path: shot('setup'), fullPage: true });
      expect(await seriousViolations(setup)).toEqual([]);

      await typeInto(setup, '#jid', ACCOUNT);
      await typeInto(setup, '#password', PASSWORD);
      await setup.click('#endpoint-mode-url');
      await typeInto(setup, '#endpoint-url', 'wss://good.test:5281/xmpp-websocket');
      await setup.click('button[type="submit"]');
      await typeInto(setup, '#observatory-url', observatory.url);
      await setup.click('button[type="submit"]');
      await expect.poll(() => count(setup, '#privacy-lookups:checked')).toBe(1);
      await setup.click('button[type="submit"]');
      await expect.poll(() => count(setup, '.setup-done')).toBe(1);
      await setup.close();

      const popup = await ext.openPage('popup.html');
      await expect
        .poll(
          async () => {
            const reply = (await sendMessage(popup, { type: 'getStatus' })) as {
              value: { lastCheck: string | null; cycle: { state: string } };
            };
            return reply.value.lastCheck !== null && reply.value.cycle.state === 'idle';
          },
          { timeout: 60_000, interval: 250 },
        )
        .toBe(true);
      await ext.reload(popup);
      await expect.poll(() => count(popup, 'li.row')).toBe(9);
      expect(await popup.evaluate(() => document.documentElement.lang)).toBe(lang);
      expect(await text(popup, 'button.refresh')).toBe(words.checkNow);
      expect(await text(popup, '#results-heading')).toBe(words.contacts);
      expect(await texts(popup, 'li.row .path-label')).toContain(words.unsafe);
      await popup.click('li.row[data-jid="bob@weak.test"] .row-head');
      await expect
        .poll(() => count(popup, 'li.row[data-jid="bob@weak.test"] .hop-details'))
        .toBeGreaterThan(0);
      const shown = (await popup.evaluate(() => document.body.textContent)) ?? '';
      for (const english of ENGLISH) expect(shown).not.toContain(english);
      await popup.setViewport({ width: 380, height: 900 });
      await popup.screenshot({ path: shot('popup'), fullPage: true });
      expect(await seriousViolations(popup)).toEqual([]);
      await popup.close();
    } finally {
      await ext.close();
    }
  });
});
