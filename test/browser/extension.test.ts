// The built extension in Debian's Chromium and Firefox ESR: the background starts cleanly, the popup and
// options render and are accessible, and settings saved in the options reach a reopened popup.
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

  it('starts its background without errors and shows the grey light', async () => {
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
    expect(await withApi(popup, (api) => api.action.getTitle({}), null)).toBe('Hoplight: Unknown');
    const manifest = await withApi(popup, (api) => api.runtime.getManifest(), null);
    expect(manifest.permissions).toEqual(['storage', 'alarms', 'notifications']);
    // No host access at install (Firefox's normalised manifest says [], Chromium's has no key).
    expect(manifest.host_permissions ?? []).toEqual([]);
    expect(ext.consoleErrors()).toEqual([]);
    await popup.close();
  });

  it('shows "not configured" in the popup, keyboard-usable and without serious axe violations', async () => {
    const popup = await ext.openPage('popup.html');
    await expect.poll(() => text(popup, 'h2')).toBe('Not configured');
    await popup.setViewport({ width: 360, height: 240 });
    await popup.screenshot({ path: shot('popup-not-configured') });
    expect(await seriousViolations(popup)).toEqual([]);

    // The first Tab stop is the way to the settings, and Enter opens them.
    await popup.keyboard.press('Tab');
    expect(await popup.evaluate(() => document.activeElement?.textContent)).toBe('Open settings');
    // The popup closes itself once the options are open, possibly before the key is released.
    await popup.keyboard.press('Enter').catch(() => {});
    const options = await ext.waitForPage('/options.html');
    await options.close();
    if (!popup.isClosed()) await popup.close().catch(() => {});
  });

  it('validates the options form with messages beside the fields', async () => {
    const options = await ext.openPage('options.html');
    await expect.poll(() => hasLabel(options, 'XMPP address')).toBe(true);
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
    expect(await sendMessage(popup, { type: 'getSettings' })).toMatchObject({ ok: true, value: { jid: '' } });
    await popup.close();
    await options.close();
  });

  it('saves settings through the background and shows them in a reopened popup', async () => {
    const options = await ext.openPage('options.html');
    await expect.poll(() => hasLabel(options, 'XMPP address')).toBe(true);
    await fill(options, 'XMPP address', 'alice@good.test');
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
      observatoryUrl: 'https://observatory.hoplight.example/',
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
    expect(refused.value.errors[0]?.message).toBe('The settings are not an object.');

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
