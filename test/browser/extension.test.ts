// The built extension in Debian's Chromium and Firefox ESR: the background starts cleanly and opens the
// first-run setup, whose three steps are walked with the keyboard (axe on each), the popup and options
// render and are accessible, and settings saved in the options reach a reopened popup.
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../support/axe.ts';
import {
  BROWSER_NAMES,
  check,
  clickButton,
  type ExtensionDriver,
  fill,
  hasLabel,
  inputValue,
  launchDriver,
  sendMessage,
  text,
  withApi,
} from '../support/extension-driver.ts';
import { ensureBuilt, SCREENSHOTS } from './build-once.ts';

describe.each(BROWSER_NAMES)('the extension in %s', (browserName) => {
  let ext: ExtensionDriver;
  const shot = (name: string) => `${SCREENSHOTS}/${name}-${browserName}.png`;

  beforeAll(async () => {
    await ensureBuilt();
    ext = await launchDriver(browserName);
  });
  afterAll(async () => {
    await ext?.close();
  });

  it('opens the setup on install, starts its background without errors and shows the grey light', async () => {
    // runtime.onInstalled opened the options page as the setup; nothing is configured, no check ran.
    const setup = await ext.waitForPage('/options.html');
    await expect.poll(() => text(setup, 'h1')).toBe('Set up Hoplight');
    expect(await text(setup, '[aria-current="step"]')).toBe('Step 1 of 3: Your account');

    expect(ext.baseUrl).toMatch(
      browserName === 'chromium'
        ? /^chrome-extension:\/\/[a-p]{32}\/$/
        : /^moz-extension:\/\/[0-9a-f-]{36}\/$/,
    );
    await ext.stopBackground();

    const popup = await ext.openPage('popup.html');
    expect(await sendMessage(popup, { type: 'getStatus' })).toMatchObject({
      ok: true,
      value: { configured: false, light: 'grey', problem: null },
    });
    expect(await withApi(popup, (api) => api.action.getTitle({}), null)).toBe('Hoplight: nothing known yet');
    const local = await withApi(popup, (api) => api.storage.local.get(null), null);
    expect(local.lastCheck ?? null).toBeNull();
    expect(local.failure ?? null).toBeNull();
    const manifest = await withApi(popup, (api) => api.runtime.getManifest(), null);
    expect(manifest.permissions).toEqual(['storage', 'alarms', 'notifications']);
    // No host access at install (Firefox's normalised manifest says [], Chromium's has no key).
    expect(manifest.host_permissions ?? []).toEqual([]);
    expect(ext.consoleErrors()).toEqual([]);
    await popup.close();
  });

  it('shows "not configured" in the popup, keyboard-usable and without serious axe violations', async () => {
    const popup = await ext.openPage('popup.html');
    await expect.poll(() => text(popup, 'h2')).toBe('Not set up yet');
    await popup.setViewport({ width: 360, height: 240 });
    await popup.screenshot({ path: shot('popup-not-configured') });
    expect(await seriousViolations(popup)).toEqual([]);

    // The first Tab stop is the way to the setup, and Enter opens it.
    await popup.keyboard.press('Tab');
    expect(await popup.evaluate(() => document.activeElement?.textContent)).toBe('Set up');
    // The popup closes itself once the options are open, possibly before the key is released.
    await popup.keyboard.press('Enter').catch(() => {});
    const options = await ext.waitForPage('/options.html');
    await options.close();
    if (!popup.isClosed()) await popup.close().catch(() => {});
  });

  it('walks the three setup steps with the keyboard, with axe on each and errors beside the fields', async () => {
    const options = await ext.openPage('options.html');
    const focused = () =>
      options.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);
    await expect.poll(() => hasLabel(options, 'XMPP address')).toBe(true);
    await options.screenshot({ path: shot('setup-1-account'), fullPage: true });
    expect(await seriousViolations(options)).toEqual([]);

    // Step 1: a wrong address, Enter: the error is beside the field and the focus back on it.
    await options.focus('#jid');
    await options.keyboard.type('alice');
    await options.keyboard.press('Enter');
    await expect.poll(() => text(options, '#jid-error')).toContain('user name and a server');
    expect(await options.$eval('#jid', (e) => e.getAttribute('aria-invalid'))).toBe('true');
    await expect.poll(focused).toBe('jid');
    await options.screenshot({ path: shot('setup-1-invalid'), fullPage: true });
    expect(await seriousViolations(options)).toEqual([]);
    await options.keyboard.type('@good.test');
    await options.keyboard.press('Enter');

    // Step 2: its heading takes the focus; Tab reaches the URL, which defaults to `npm start`'s.
    await expect.poll(() => text(options, '[aria-current="step"]')).toBe('Step 2 of 3: The observatory');
    await expect.poll(focused).toBe('H2');
    await options.keyboard.press('Tab');
    expect(await focused()).toBe('observatory-url');
    expect(await inputValue(options, 'Observatory URL')).toBe('http://127.0.0.1:8080');
    // Back, Test observatory: nothing listens on 8080 here.
    await options.keyboard.press('Tab');
    await options.keyboard.press('Tab');
    expect(await options.evaluate(() => document.activeElement?.textContent)).toBe('Test observatory');
    await options.keyboard.press('Enter');
    await expect
      .poll(() => text(options, '#probe-result'), { timeout: 20_000 })
      .toMatch(/^Nothing answered at http:\/\/127\.0\.0\.1:8080\. To start an observatory, run “npm start”/);
    await options.screenshot({ path: shot('setup-2-observatory'), fullPage: true });
    expect(await seriousViolations(options)).toEqual([]);

    // Another observatory: the setup makes no privacy choice for the user, and Save asks for one.
    await fill(options, 'Observatory URL', 'https://observatory.example.org/');
    await options.focus('#observatory-url');
    await options.keyboard.press('Enter');
    await expect.poll(() => text(options, '[aria-current="step"]')).toBe('Step 3 of 3: Your privacy');
    const checked = () =>
      options.evaluate(() =>
        [...document.querySelectorAll('input[name="privacy"]:checked')].map((e) => e.id),
      );
    expect(await checked()).toEqual([]);
    await clickButton(options, 'Save and start');
    await expect.poll(() => text(options, '#privacy-error')).toBe('Choose one of the two before saving.');
    expect(await seriousViolations(options)).toEqual([]);

    // Back to the own observatory: asking it is preselected there.
    await clickButton(options, 'Back');
    await fill(options, 'Observatory URL', 'http://127.0.0.1:8080');
    await clickButton(options, 'Next');
    await expect.poll(checked).toEqual(['privacy-lookups']);
    expect(await text(options, '.setup .hint:not([id])')).toContain('runs on your own computer');
    await options.screenshot({ path: shot('setup-3-privacy'), fullPage: true });
    expect(await seriousViolations(options)).toEqual([]);

    // Keyboard: Tab from the heading to the checked radio, an arrow picks the other one.
    await expect.poll(focused).toBe('H2');
    await options.keyboard.press('Tab');
    expect(await focused()).toBe('privacy-lookups');
    await options.keyboard.press('ArrowDown');
    await expect.poll(checked).toEqual(['privacy-download']);
    // Nothing is stored before the last step.
    const before = await withApi(options, (api) => api.storage.local.get(null), null);
    expect(before.settings).toBeUndefined();
    await options.keyboard.press('Tab'); // Back
    await options.keyboard.press('Tab'); // Save and start
    expect(await options.evaluate(() => document.activeElement?.textContent)).toBe('Save and start');
    await options.keyboard.press('Enter');
    await expect.poll(() => text(options, '.setup-done')).toMatch(/^Setup saved/);
    const stored = await withApi(options, (api) => api.storage.local.get(null), null);
    expect(stored.settings).toEqual({
      jid: 'alice@good.test',
      endpoint: { mode: 'auto' },
      transport: 'websocket',
      observatoryUrl: 'http://127.0.0.1:8080',
      privacyMode: true,
      checkIntervalMinutes: 60,
      notifications: true,
    });
    await options.screenshot({ path: shot('setup-done'), fullPage: true });
    expect(await seriousViolations(options)).toEqual([]);
    await options.close();
  });

  it('validates the settings form with messages beside the fields', async () => {
    const options = await ext.openPage('options.html');
    await expect.poll(() => hasLabel(options, 'Check every (minutes)')).toBe(true);
    expect(await seriousViolations(options)).toEqual([]);

    await fill(options, 'XMPP address', 'alice');
    await fill(options, 'Check every (minutes)', '1');
    await clickButton(options, 'Save');
    await expect.poll(() => text(options, '[role="status"]')).toBe('Not saved: 2 fields need fixing.');
    expect(await options.$eval('#jid', (e) => e.getAttribute('aria-invalid'))).toBe('true');
    expect(await text(options, '#jid-error')).toContain('user name and a server');
    expect(await text(options, '#check-interval-error')).toContain('5 to 1440 minutes');
    // Focus moves to the first field to fix.
    expect(await options.evaluate(() => document.activeElement?.id)).toBe('jid');
    await options.screenshot({ path: shot('options-invalid'), fullPage: true });
    expect(await seriousViolations(options)).toEqual([]);

    // Nothing was stored.
    const popup = await ext.openPage('popup.html');
    expect(await sendMessage(popup, { type: 'getSettings' })).toMatchObject({
      ok: true,
      value: { jid: 'alice@good.test' },
    });
    await popup.close();
    await options.close();
  });

  it('saves settings through the background and shows them in a reopened popup', async () => {
    const options = await ext.openPage('options.html');
    await expect.poll(() => hasLabel(options, 'XMPP address')).toBe(true);
    await check(options, 'Use this URL');
    await fill(options, 'Connection URL', 'ws://127.0.2.2:5280/xmpp-websocket');
    await fill(options, 'Check every (minutes)', '15');
    await check(options, /Privacy mode/);
    await clickButton(options, 'Save');
    await expect.poll(() => text(options, '[role="status"]')).toBe('Settings saved.');
    await options.screenshot({ path: shot('options-saved'), fullPage: true });

    const stored = await withApi(options, (api) => api.storage.local.get(null), null);
    expect(stored.settings).toEqual({
      jid: 'alice@good.test',
      endpoint: { mode: 'url', url: 'ws://127.0.2.2:5280/xmpp-websocket' },
      transport: 'websocket',
      observatoryUrl: 'http://127.0.0.1:8080',
      privacyMode: true,
      checkIntervalMinutes: 15,
      notifications: true,
    });
    expect(await withApi(options, (api) => api.storage.sync.get(null), null)).toEqual({});
    const alarm = await withApi(options, (api) => api.alarms.get('hoplight-check'), null);
    expect(alarm?.periodInMinutes).toBe(15);
    if (browserName === 'firefox') {
      // Privacy mode sends no contact data: Save asked for none.
      const permissions = await withApi(options, (api) => api.permissions.getAll(), null);
      expect(permissions.data_collection ?? []).toEqual([]);
    }
    await options.close();

    const popup = await ext.openPage('popup.html');
    await expect.poll(() => text(popup, 'body')).toContain('alice@good.test');
    expect(await popup.evaluate(() => document.body.textContent)).toContain('Last check: never');
    expect(await popup.evaluate(() => document.body.textContent)).toContain('No results yet.');
    await popup.setViewport({ width: 360, height: 280 });
    await popup.screenshot({ path: shot('popup-configured') });
    expect(await seriousViolations(popup)).toEqual([]);
    await popup.close();

    // The options page shows what was saved when opened again.
    const again = await ext.openPage('options.html');
    await expect.poll(() => inputValue(again, 'XMPP address')).toBe('alice@good.test');
    expect(await inputValue(again, 'Connection URL')).toBe('ws://127.0.2.2:5280/xmpp-websocket');
    await again.close();
  });

  it('keeps the settings and the alarm across a background restart', async () => {
    await ext.stopBackground();
    const popup = await ext.openPage('popup.html');
    expect(await sendMessage(popup, { type: 'getStatus' })).toMatchObject({
      ok: true,
      value: { configured: true, account: 'alice@good.test', lastCheck: null, resultCount: 0, problem: null },
    });
    const alarm = await withApi(popup, (api) => api.alarms.get('hoplight-check'), null);
    expect(alarm?.periodInMinutes).toBe(15);
    expect(ext.consoleErrors()).toEqual([]);
    await popup.close();
  });

  it('has an axe check that does report a violation when there is one', async () => {
    const page = await ext.openPage('popup.html');
    await page.evaluate(() => document.body.append(document.createElement('input')));
    expect((await seriousViolations(page)).join('\n')).toMatch(/^critical label:/m);
    await page.close();
  });

  it('answers bad requests with a clear refusal and ignores messages that are not ours', async () => {
    const page: Page = await ext.openPage('popup.html');
    const refused = (await sendMessage(page, { type: 'saveSettings', settings: 'garbage' })) as {
      ok: boolean;
      value: { saved: boolean; errors: { message: string }[] };
    };
    expect(refused.ok).toBe(true);
    expect(refused.value.saved).toBe(false);
    expect(refused.value.errors[0]?.message).toBe('The settings are damaged. Set them again.');

    // No listener answers: the browser settles the call instead of leaving the page waiting.
    const ignored = await withApi(
      page,
      async (api) => {
        try {
          return { answer: (await api.runtime.sendMessage({ type: 'deleteEverything' })) ?? null };
        } catch (error) {
          return { error: String(error) };
        }
      },
      null,
    );
    expect(ignored).not.toHaveProperty('answer.ok');
    await page.close();
  });
});
