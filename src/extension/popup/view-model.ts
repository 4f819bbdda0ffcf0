// Words and choices for the popup, kept out of the components so they are tested with plain values.
import type { HopName } from '../../core/path.ts';
import type { CheckFailure, CheckPhase, ContactResult } from '../shared/check-types.ts';
import type { Light } from '../shared/lights.ts';

export type LightFilter = Light | 'all';

/** Rows matching the search (name or JID, case-insensitive) and the light filter, order kept. */
export function filterResults(
  results: readonly ContactResult[],
  query: string,
  light: LightFilter,
): ContactResult[] {
  const needle = query.trim().toLowerCase();
  return results.filter(
    (r) =>
      (light === 'all' || r.light === light) &&
      (needle === '' ||
        r.jid.toLowerCase().includes(needle) ||
        (r.name ?? '').toLowerCase().includes(needle)),
  );
}

/** How many rows each light has, for the filter's option labels. */
export function countByLight(results: readonly ContactResult[]): Record<Light, number> {
  const counts: Record<Light, number> = { red: 0, grey: 0, yellow: 0, green: 0 };
  for (const r of results) counts[r.light] += 1;
  return counts;
}

/** A DOM id for a contact's details, one per JID: percent-encoding is reversible and leaves no spaces. */
export function detailsIdFor(jid: string): string {
  return `details-${encodeURIComponent(jid)}`;
}

export const HOP_LABELS: Record<HopName, string> = {
  'c2s-local': 'You → your server',
  s2s: 'Server → server',
  'c2s-remote': 'Their server → them',
};

export function progressText(progress: CheckPhase): string {
  switch (progress.phase) {
    case 'starting':
      return 'Starting the check…';
    case 'discovery':
      return 'Finding your server’s connection address…';
    case 'login':
      return 'Signing in to your server…';
    case 'roster':
      return 'Reading your contact list…';
    case 'omemo':
      return `Looking for OMEMO devices (${progress.done} of ${progress.total})…`;
    case 'grades':
      return 'Looking up the servers’ grades…';
    case 'saving':
      return 'Computing each contact’s path…';
  }
}

export interface FailureView {
  title: string;
  detail: string;
  /** What helps: the settings (password, URL) or simply trying again. */
  action: 'settings' | 'retry';
}

const TITLES: Record<CheckFailure['kind'], string> = {
  'no-password': 'Password needed',
  'wrong-password': 'Wrong password',
  'server-unreachable': 'Server unreachable',
  timeout: 'Server too slow',
  protocol: 'Server error',
  insecure: 'Connection not secure',
  'invalid-settings': 'Settings incomplete',
  'observatory-unreachable': 'Observatory unreachable',
  interrupted: 'Check interrupted',
  internal: 'Check failed',
};

export function failureView(failure: CheckFailure): FailureView {
  const settings = ['no-password', 'wrong-password', 'insecure', 'invalid-settings'].includes(failure.kind);
  return { title: TITLES[failure.kind], detail: failure.message, action: settings ? 'settings' : 'retry' };
}
