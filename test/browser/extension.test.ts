// The built Chrome extension in Debian's Chromium: the service worker starts cleanly, the popup and
// options render and are accessible, and settings saved in the options reach a reopened popup.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../support/axe.ts';
import { type ExtensionBrowser, launchExtension } from '../support/browser.ts';
import { ensureBuilt, SCREENSHOTS } from './build-once.ts';

/** Sends a raw message from an extension page, as the popup would. */
function sendFrom(page: Page, message: unknown): Promise<unknown> {
  return page.evaluate((m) => chrome.runtime.sendMessage(m), message);
}

declare const chrome: {
  runtime: { sendMessage(message: unknown): Promise<unknown>; getManifest(): Record<string, unknown> };
  storage: {
    local: { get(keys: null): Promise<Record<string, unknown>> };
    sync: typeof chrome.storage.local;
  };
  alarms: { get(name: string): Promise<{ name: string; periodInMinutes?: number } | undefined> };
  action: { getTitle(details: object): Promise<string> };
};

describe('the Chrome extension', () => {
  let ext: ExtensionBrowser;

  beforeAll(async () => {
    await ensureBuilt();
    ext = await launchExtension();
  });
  afterAll(async () => {
    await ext?.close();
  });

  it('starts its service worker without errors and shows the grey light', async () => {
    expect(ext.extensionId).toMatch(/^[a-p]{32}$/);
    const worker = await ext.restartWorker();
    expect(worker.url()).toBe(`chrome-extension://${ext.extensionId}/background.js`);

    const popup = await ext.openPage('popup.html');
    const status = (await sendFrom(popup, { type: 'getStatus' })) as {
      ok: boolean;
      value: { problem: unknown };
    };
    expect(status).toMatchObject({ ok: true, value: { configured: false, light: 'grey', problem: null } });
    expect(await worker.evaluate(() => chrome.action.getTitle({}))).toBe('Hoplight: Unknown');
    const manifest = await worker.evaluate(() => chrome.runtime.getManifest());
    expect(manifest.permissions).toEqual(['storage', 'alarms', 'notifications']);
    expect(manifest.host_permissions).toBeUndefined();
    expect(ext.workerErrors).toEqual([]);
    await popup.close();
  });

  it('shows "not configured" in the popup, keyboard-usable and without serious axe violations', async () => {
    const popup = await ext.openPage('popup.html');
    await expect.poll(() => popup.getByRole('heading', { name: 'Not configured' }).isVisible()).toBe(true);
    await popup.setViewportSize({ width: 360, height: 240 });
    await popup.screenshot({ path: `${SCREENSHOTS}/popup-not-configured.png` });
    expect(await seriousViolations(popup)).toEqual([]);

    // The first Tab stop is the way to the settings, and Enter opens them.
    await popup.keyboard.press('Tab');
    expect(await popup.evaluate(() => document.activeElement?.textContent)).toBe('Open settings');
    const optionsOpened = ext.context.waitForEvent('page', {
      predicate: (p) => p.url().endsWith('/options.html'),
    });
    // The popup closes itself once the options are open, possibly before the key is released.
    await popup.keyboard.press('Enter').catch((error: unknown) => {
      if (!popup.isClosed()) throw error;
    });
    const options = await optionsOpened;
    await options.close();
    if (!popup.isClosed()) await popup.close();
  });

  it('validates the options form with messages beside the fields', async () => {
    const options = await ext.openPage('options.html');
    const jid = options.getByLabel('XMPP address');
    await expect.poll(() => jid.isVisible()).toBe(true);
    expect(await seriousViolations(options)).toEqual([]);

    await jid.fill('alice');
    await options.getByLabel('Check every (minutes)').fill('1');
    await options.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => options.getByRole('status').textContent())
      .toBe('Not saved: 2 fields need fixing.');
    expect(await jid.getAttribute('aria-invalid')).toBe('true');
    expect(await options.locator('#jid-error').textContent()).toContain('user name and a server');
    expect(await options.locator('#check-interval-error').textContent()).toContain('5 to 1440 minutes');
    // Focus moves to the first field to fix.
    expect(await options.evaluate(() => document.activeElement?.id)).toBe('jid');
    await options.screenshot({ path: `${SCREENSHOTS}/options-invalid.png`, fullPage: true });
    expect(await seriousViolations(options)).toEqual([]);

    // Nothing was stored.
    const popup = await ext.openPage('popup.html');
    expect(await sendFrom(popup, { type: 'getSettings' })).toMatchObject({ ok: true, value: { jid: '' } });
    await popup.close();
    await options.close();
  });

  it('saves settings through the background and shows them in a reopened popup', async () => {
    const options = await ext.openPage('options.html');
    await expect.poll(() => options.getByLabel('XMPP address').isVisible()).toBe(true);
    await options.getByLabel('XMPP address').fill('alice@good.test');
    await options.getByLabel('Use this URL').check();
    await options.getByLabel('Connection URL').fill('ws://127.0.2.2:5280/xmpp-websocket');
    await options.getByLabel('Check every (minutes)').fill('15');
    await options.getByLabel(/Privacy mode/).check();
    await options.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => options.getByRole('status').textContent()).toBe('Settings saved.');
    await options.screenshot({ path: `${SCREENSHOTS}/options-saved.png`, fullPage: true });
    await options.close();

    const stored = await ext.worker.evaluate(() => chrome.storage.local.get(null));
    expect(stored.settings).toEqual({
      jid: 'alice@good.test',
      endpoint: { mode: 'url', url: 'ws://127.0.2.2:5280/xmpp-websocket' },
      transport: 'websocket',
      observatoryUrl: 'https://observatory.hoplight.example/',
      privacyMode: true,
      checkIntervalMinutes: 15,
      notifications: true,
    });
    expect(await ext.worker.evaluate(() => chrome.storage.sync.get(null))).toEqual({});
    const alarm = await ext.worker.evaluate(() => chrome.alarms.get('hoplight-check'));
    expect(alarm?.periodInMinutes).toBe(15);

    const popup = await ext.openPage('popup.html');
    await expect.poll(() => popup.getByText('alice@good.test').isVisible()).toBe(true);
    expect(await popup.getByText('Last check:').textContent()).toBe('Last check: never');
    expect(await popup.getByText('No results yet.', { exact: false }).isVisible()).toBe(true);
    await popup.setViewportSize({ width: 360, height: 280 });
    await popup.screenshot({ path: `${SCREENSHOTS}/popup-configured.png` });
    expect(await seriousViolations(popup)).toEqual([]);
    await popup.close();

    // The options page shows what was saved when opened again.
    const again = await ext.openPage('options.html');
    await expect.poll(() => again.getByLabel('XMPP address').inputValue()).toBe('alice@good.test');
    expect(await again.getByLabel('Connection URL').inputValue()).toBe('ws://127.0.2.2:5280/xmpp-websocket');
    await again.close();
  });

  it('keeps the settings and the alarm across a service worker restart', async () => {
    await ext.restartWorker();
    const popup = await ext.openPage('popup.html');
    expect(await sendFrom(popup, { type: 'getStatus' })).toMatchObject({
      ok: true,
      value: { configured: true, account: 'alice@good.test', lastCheck: null, results: [], problem: null },
    });
    const alarm = await ext.worker.evaluate(() => chrome.alarms.get('hoplight-check'));
    expect(alarm?.periodInMinutes).toBe(15);
    expect(ext.workerErrors).toEqual([]);
    await popup.close();
  });

  it('has an axe check that does report a violation when there is one', async () => {
    const page = await ext.openPage('popup.html');
    await page.evaluate(() => document.body.append(document.createElement('input')));
    expect((await seriousViolations(page)).join('\n')).toMatch(/^critical label:/m);
    await page.close();
  });

  it('answers bad requests with a clear refusal and ignores messages that are not ours', async () => {
    const page = await ext.openPage('popup.html');
    const refused = (await sendFrom(page, { type: 'saveSettings', settings: 'garbage' })) as {
      ok: boolean;
      value: { saved: boolean; errors: { message: string }[] };
    };
    expect(refused.ok).toBe(true);
    expect(refused.value.saved).toBe(false);
    expect(refused.value.errors[0]?.message).toBe('The settings are not an object.');

    // No listener answers: Chrome settles the call instead of leaving the page waiting.
    const ignored = await page.evaluate(async () => {
      try {
        return { answer: (await chrome.runtime.sendMessage({ type: 'deleteEverything' })) ?? null };
      } catch (error) {
        return { error: String(error) };
      }
    });
    expect(ignored).not.toHaveProperty('answer.ok');
    await page.close();
  });
});
