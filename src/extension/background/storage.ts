// The background's persistent state in storage.local (never storage.sync: DESIGN §5). Secrets are not
// here: credentials.ts keeps them apart, in storage.session unless the user asked to be remembered.
import type { S2sObservation, SoftwareVersion } from '../../core/observation.ts';
import type { CheckFailure, ContactResult, CycleState } from '../shared/check-types.ts';
import { worstKnownLight } from '../shared/known-light.ts';
import type { Light } from '../shared/lights.ts';
import { isContactResult, type PackedResults, packResults, unpackResults } from '../shared/packed-results.ts';
import { type Settings, settingsFromStorage } from '../shared/settings.ts';

/** The part of `storage.StorageArea` we use; `browser.storage.local` and `.session` satisfy it. */
export interface StorageArea {
  get(keys: string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string[]): Promise<void>;
}

const SETTINGS_KEY = 'settings';
const LAST_CHECK_KEY = 'lastCheck';
/** Results as versions before the packed form stored them: one object per contact (~1.2 KB each). */
const LEGACY_RESULTS_KEY = 'results';
const PACKED_RESULTS_KEY = 'packedResults';
const RESULTS_SUMMARY_KEY = 'resultsSummary';
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

/** What the status message says of the stored results without reading them. */
export interface ResultsSummary {
  count: number;
  /** The toolbar light: the worst over all results, grey when there are none. */
  light: Light;
}

/** The last check's outcome, written by the check cycle; empty before the first check. */
export async function readCheckResults(area: StorageArea): Promise<CheckResults> {
  const { lastCheck, packed } = await readPackedResults(area);
  return { lastCheck, results: unpackResults(packed) };
}

/**
 * The stored results in their packed form, as the popup gets them, with the time of their check; an empty
 * set before the first check. One read, so the time always belongs to the results. Results of a version
 * before the packed form are packed here until `migrateResults` has run.
 */
export async function readPackedResults(
  area: StorageArea,
): Promise<{ lastCheck: string | null; packed: PackedResults }> {
  const stored = await area.get([LAST_CHECK_KEY, PACKED_RESULTS_KEY, LEGACY_RESULTS_KEY]);
  const lastCheck = typeof stored[LAST_CHECK_KEY] === 'string' ? stored[LAST_CHECK_KEY] : null;
  const packed = stored[PACKED_RESULTS_KEY] ?? packResults(legacyResults(stored[LEGACY_RESULTS_KEY]));
  return { lastCheck, packed: packed as PackedResults };
}

/** Count and light of the stored results, from a small key (computed once for results not yet migrated). */
export async function readResultsSummary(area: StorageArea): Promise<ResultsSummary> {
  const summary = (await area.get([RESULTS_SUMMARY_KEY]))[RESULTS_SUMMARY_KEY] as
    | Partial<ResultsSummary>
    | undefined;
  if (typeof summary?.count === 'number' && typeof summary.light === 'string')
    return { count: summary.count, light: summary.light };
  return summarize(unpackResults((await readPackedResults(area)).packed));
}

/**
 * At start-up: results stored by a version before the packed form are rewritten packed, then the old
 * key goes (in that order, so a stop between the two loses nothing). Does nothing when there are none.
 */
export async function migrateResults(area: StorageArea): Promise<void> {
  const stored = await area.get([LEGACY_RESULTS_KEY, PACKED_RESULTS_KEY]);
  if (stored[LEGACY_RESULTS_KEY] === undefined) return;
  if (stored[PACKED_RESULTS_KEY] === undefined) {
    const results = legacyResults(stored[LEGACY_RESULTS_KEY]);
    await area.set({ [PACKED_RESULTS_KEY]: packResults(results), [RESULTS_SUMMARY_KEY]: summarize(results) });
  }
  await area.remove([LEGACY_RESULTS_KEY]);
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
    [PACKED_RESULTS_KEY]: packResults(checked.results),
    [RESULTS_SUMMARY_KEY]: summarize(checked.results),
    [OBSERVED_KEY]: checked.observed,
  });
  // Results an older version stored are replaced by these (migrateResults usually removed them already).
  await area.remove([LEGACY_RESULTS_KEY]);
  if (failure) await area.set({ [FAILURE_KEY]: failure });
  else await area.remove([FAILURE_KEY]);
}

/** Another account was set: its results, observations and last failure are not this one's. */
export async function forgetResults(area: StorageArea): Promise<void> {
  await area.remove([
    LAST_CHECK_KEY,
    LEGACY_RESULTS_KEY,
    PACKED_RESULTS_KEY,
    RESULTS_SUMMARY_KEY,
    OBSERVED_KEY,
    FAILURE_KEY,
  ]);
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

function summarize(results: readonly ContactResult[]): ResultsSummary {
  return { count: results.length, light: worstKnownLight(results) };
}

/**
 * Results of an older version (before hops were stored, or with reasons as English sentences rather
 * than phrases) are dropped rather than shown half.
 */
function legacyResults(value: unknown): ContactResult[] {
  return Array.isArray(value) ? value.filter(isContactResult) : [];
}
