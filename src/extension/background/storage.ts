// The background's persistent state in storage.local (never storage.sync: DESIGN §5).
import type { ContactResult } from '../shared/messages.ts';
import { type Settings, settingsFromStorage } from '../shared/settings.ts';

/** The part of `storage.StorageArea` we use; `browser.storage.local` satisfies it. */
export interface StorageArea {
  get(keys: string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

const SETTINGS_KEY = 'settings';
const LAST_CHECK_KEY = 'lastCheck';
const RESULTS_KEY = 'results';

export async function readSettings(area: StorageArea): Promise<Settings> {
  const stored = await area.get([SETTINGS_KEY]);
  return settingsFromStorage(stored[SETTINGS_KEY]);
}

export async function writeSettings(area: StorageArea, settings: Settings): Promise<void> {
  await area.set({ [SETTINGS_KEY]: settings });
}

export interface CheckResults {
  lastCheck: string | null;
  results: ContactResult[];
}

/** The last check's outcome, written by the check cycle; empty before the first check. */
export async function readCheckResults(area: StorageArea): Promise<CheckResults> {
  const stored = await area.get([LAST_CHECK_KEY, RESULTS_KEY]);
  const lastCheck = stored[LAST_CHECK_KEY];
  const results = stored[RESULTS_KEY];
  return {
    lastCheck: typeof lastCheck === 'string' ? lastCheck : null,
    results: Array.isArray(results) ? (results as ContactResult[]) : [],
  };
}
