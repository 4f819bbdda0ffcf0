import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { checkBaseManifest, GECKO_ID, type Manifest, manifestFor } from './manifest-variants.ts';

const base = checkBaseManifest(
  JSON.parse(await readFile(new URL('../../../manifest.json', import.meta.url), 'utf8')),
);

describe('the base manifest.json', () => {
  it('asks only for storage, alarms and notifications, and for hosts only at run time', () => {
    expect(base.permissions).toEqual(['storage', 'alarms', 'notifications']);
    expect(base).not.toHaveProperty('host_permissions');
    expect(base.optional_host_permissions).toEqual(expect.arrayContaining(['https://*/*', 'wss://*/*']));
  });
  it('starts with the grey light as the toolbar icon', () => {
    expect(base).toHaveProperty('action.default_icon.16', 'icons/grey-16.png');
  });
});

describe('manifestFor', () => {
  it('gives Chrome a service worker and no Firefox settings', () => {
    const chrome = manifestFor('chrome', base);
    expect(chrome.background).toEqual({ service_worker: 'background.js' });
    expect(chrome).not.toHaveProperty('browser_specific_settings');
    expect(chrome.minimum_chrome_version).toBe('121');
  });

  it('gives Firefox background scripts, a gecko id and data collection permissions', () => {
    const firefox = manifestFor('firefox', base);
    expect(firefox.background).toEqual({ scripts: ['background.js'] });
    expect(firefox).not.toHaveProperty('minimum_chrome_version');
    expect(firefox).toHaveProperty('browser_specific_settings.gecko.id', GECKO_ID);
    // Privacy mode sends no contact data: nothing is required; lookups ask for it when chosen.
    expect(firefox).toHaveProperty('browser_specific_settings.gecko.data_collection_permissions', {
      required: ['none'],
      optional: ['personalCommunications'],
    });
  });

  it('keeps everything else and leaves the base untouched', () => {
    const before = structuredClone(base);
    for (const browser of ['chrome', 'firefox'] as const) {
      const variant = manifestFor(browser, base);
      expect(variant.permissions).toEqual(base.permissions);
      expect(variant.action).toEqual(base.action);
      expect(variant.version).toBe(base.version);
    }
    expect(base).toEqual(before);
  });

  it.each([
    [null, 'must hold a JSON object'],
    [[], 'must hold a JSON object'],
    [{ manifest_version: 2, name: 'x', version: '1' }, 'Manifest V3'],
    [{ manifest_version: 3, version: '1' }, '"name" and "version"'],
    [{ manifest_version: 3, name: 'x', version: '1' }, 'background.service_worker'],
  ])('refuses a broken base %j with a clear error', (broken, message) => {
    expect(() => manifestFor('chrome', broken as unknown as Manifest)).toThrow(message);
  });
});
