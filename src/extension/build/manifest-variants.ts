// Per-browser manifests from the one base manifest.json (DESIGN §5): Chrome runs the background as a
// service worker, Firefox MV3 as an event page (`background.scripts`) and wants its gecko settings.

export type Browser = 'chrome' | 'firefox';
export const BROWSERS: readonly Browser[] = ['chrome', 'firefox'];

/** A manifest as JSON; only the fields the build touches are typed. */
export interface Manifest {
  manifest_version: number;
  name: string;
  version: string;
  background?: { service_worker?: string; scripts?: string[]; type?: string };
  browser_specific_settings?: unknown;
  minimum_chrome_version?: string;
  [key: string]: unknown;
}

/** Gecko id: stable, so Firefox keeps the add-on's storage across updates. */
export const GECKO_ID = 'hoplight@hoplight.example';
/** Firefox 140 is the first to read `data_collection_permissions` (web-ext lint asks for it from there). */
export const GECKO_MIN_VERSION = '140.0';
/** The same key arrived in Firefox for Android 142. */
export const GECKO_ANDROID_MIN_VERSION = '142.0';
/** `background` and the MV3 service worker module rules Chrome needs. */
export const CHROME_MIN_VERSION = '121';

/**
 * What Firefox should tell the user at install. Without privacy mode, contacts' server domains go to
 * the observatory to look up grades: metadata of the user's communications.
 */
export const DATA_COLLECTION = { required: ['personalCommunications'], optional: [] as string[] };

export function checkBaseManifest(base: unknown): Manifest {
  if (typeof base !== 'object' || base === null || Array.isArray(base)) {
    throw new Error('manifest.json must hold a JSON object.');
  }
  const m = base as Partial<Manifest>;
  if (m.manifest_version !== 3) throw new Error('manifest.json must be Manifest V3 ("manifest_version": 3).');
  if (typeof m.name !== 'string' || typeof m.version !== 'string') {
    throw new Error('manifest.json needs "name" and "version" strings.');
  }
  const worker = m.background?.service_worker;
  if (typeof worker !== 'string' || worker === '') {
    throw new Error('manifest.json needs "background.service_worker" (the bundled background script).');
  }
  return m as Manifest;
}

/** The manifest for one browser. Pure: returns a new object and leaves `base` as it was. */
export function manifestFor(browser: Browser, base: Manifest): Manifest {
  const checked = checkBaseManifest(base);
  // checkBaseManifest refused a manifest without it.
  const script = checked.background?.service_worker ?? '';
  const { background: _background, browser_specific_settings: _settings, ...rest } = checked;
  if (browser === 'chrome') {
    return {
      ...rest,
      minimum_chrome_version: CHROME_MIN_VERSION,
      background: { service_worker: script },
    };
  }
  const { minimum_chrome_version: _minChrome, ...firefoxRest } = rest;
  return {
    ...firefoxRest,
    background: { scripts: [script] },
    browser_specific_settings: {
      gecko: {
        id: GECKO_ID,
        strict_min_version: GECKO_MIN_VERSION,
        data_collection_permissions: DATA_COLLECTION,
      },
      gecko_android: { strict_min_version: GECKO_ANDROID_MIN_VERSION },
    },
  };
}
