// The background's persistent state in storage.local (never storage.sync: DESIGN §5). Secrets are not
// here: credentials.ts keeps them apart, in storage.session unless the user asked to be remembered.
import type { S2sObservation, SoftwareVersion } from '../../core/observation.ts';
import type { CheckFailure, ContactResult, CycleState } from '../shared/check-types.ts';
import { type Settings, settingsFromStorage } from '../shared/settings.ts';

/** The part of `storage.StorageArea` we use; `browser.storage.local` and `.session` satisfy it. */
export interface StorageArea {
  get(keys: string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string[]): Promise<void>;
}

const SETTINGS_KEY = 'settings';
const LAST_CHECK_KEY = 'lastCheck';
const RESULTS_KEY = 'results';
const CYCLE_KEY = 'cycle';
const FAILURE_KEY = 'failure';
const OBSERVED_KEY = 'observed';

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
    results: Array.isArray(results) ? (results as ContactResult[]).filter(isContactResult) : [],
  };
}

/** Only the time of the last check: cheaper than the results, which may be thousands of rows. */
export async function readLastCheck(area: StorageArea): Promise<string | null> {
  const lastCheck = (await area.get([LAST_CHECK_KEY]))[LAST_CHECK_KEY];
  return typeof lastCheck === 'string' ? lastCheck : null;
}

/** What the user's server said about each contact domain in the last check, kept until the next one. */
export interface Observed {
  observations: S2sObservation[];
  userSoftware: SoftwareVersion | null;
}

/**
 * A completed check: results, time and observations replace the old ones. The failure is the one
 * reported beside these results (the observatory could not be reached), else the last one is cleared.
 */
export async function writeCheckResults(
  area: StorageArea,
  checked: CheckResults & { observed: Observed },
  failure: CheckFailure | null = null,
): Promise<void> {
  await area.set({
    [LAST_CHECK_KEY]: checked.lastCheck,
    [RESULTS_KEY]: checked.results,
    [OBSERVED_KEY]: checked.observed,
  });
  if (failure) await area.set({ [FAILURE_KEY]: failure });
  else await area.remove([FAILURE_KEY]);
}

/** Another account was set: its results, observations and last failure are not this one's. */
export async function forgetResults(area: StorageArea): Promise<void> {
  await area.remove([LAST_CHECK_KEY, RESULTS_KEY, OBSERVED_KEY, FAILURE_KEY]);
}

/** The last check's observations; empty before the first check or after one of an older version. */
export async function readObserved(area: StorageArea): Promise<Observed> {
  const stored = (await area.get([OBSERVED_KEY]))[OBSERVED_KEY] as Partial<Observed> | undefined;
  return {
    observations: Array.isArray(stored?.observations)
      ? stored.observations.filter((o) => typeof o?.domain === 'string' && typeof o.outcome === 'string')
      : [],
    userSoftware: typeof stored?.userSoftware?.name === 'string' ? stored.userSoftware : null,
  };
}

export async function readFailure(area: StorageArea): Promise<CheckFailure | null> {
  const stored = (await area.get([FAILURE_KEY]))[FAILURE_KEY] as CheckFailure | undefined;
  return stored && typeof stored.kind === 'string' && typeof stored.message === 'string' ? stored : null;
}

/** A failed attempt: the previous results stay, and the popup marks them stale. */
export async function writeFailure(area: StorageArea, failure: CheckFailure): Promise<void> {
  await area.set({ [FAILURE_KEY]: failure });
}

export async function readCycle(area: StorageArea): Promise<CycleState> {
  const stored = (await area.get([CYCLE_KEY]))[CYCLE_KEY] as CycleState | undefined;
  if (stored?.state === 'running' || stored?.state === 'interrupted') return stored;
  return { state: 'idle' };
}

export async function writeCycle(area: StorageArea, cycle: CycleState): Promise<void> {
  await area.set({ [CYCLE_KEY]: cycle });
}

/**
 * Results of an older version (before hops were stored, or with reasons as English sentences rather
 * than phrases) are dropped rather than shown half.
 */
function isContactResult(value: unknown): boolean {
  const r = value as ContactResult | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.jid === 'string' &&
    typeof r.light === 'string' &&
    Array.isArray(r.reasons) &&
    r.reasons.every((reason: unknown) => typeof reason === 'object' && reason !== null) &&
    Array.isArray(r.hops) &&
    typeof r.e2e === 'object' &&
    r.e2e !== null &&
    typeof r.e2e.label === 'object'
  );
}
