// Words and choices for the popup, kept out of the components so they are tested with plain values.
import type { HopName } from '../../core/path.ts';
import type { CheckFailure, CheckPhase, ContactResult, FailureKind } from '../shared/check-types.ts';
import { type MessageKey, t } from '../shared/i18n.ts';
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

const HOP_KEYS: Record<HopName, MessageKey> = {
  'c2s-local': 'hop_c2sLocal',
  s2s: 'hop_s2s',
  'c2s-remote': 'hop_c2sRemote',
};

export function hopLabel(hop: HopName): string {
  return t(HOP_KEYS[hop]);
}

export function progressText(progress: CheckPhase): string {
  switch (progress.phase) {
    case 'starting':
      return t('progress_starting');
    case 'discovery':
      return t('progress_discovery');
    case 'login':
      return t('progress_login');
    case 'roster':
      return t('progress_roster');
    case 'omemo':
      return t('progress_omemo', progress.done, progress.total);
    case 'grades':
      return t('progress_grades');
    case 'saving':
      return t('progress_saving');
  }
}

export interface FailureView {
  title: string;
  /** What happened and what to do, in plain words (background/failure.ts wrote it). */
  detail: string;
  /** What helps: the settings (password, URL) or simply trying again. */
  action: 'settings' | 'retry';
  /** Without an observatory the contacts are still listed: a banner, not an error. */
  banner: boolean;
}

const TITLES: Record<FailureKind, MessageKey> = {
  'no-password': 'failureTitle_noPassword',
  'wrong-password': 'failureTitle_wrongPassword',
  'server-unreachable': 'failureTitle_serverUnreachable',
  timeout: 'failureTitle_timeout',
  protocol: 'failureTitle_protocol',
  insecure: 'failureTitle_insecure',
  'invalid-settings': 'failureTitle_invalidSettings',
  'observatory-unreachable': 'failureTitle_observatoryUnreachable',
  interrupted: 'failureTitle_interrupted',
  internal: 'failureTitle_internal',
};

const SETTINGS_KINDS: readonly FailureKind[] = [
  'no-password',
  'wrong-password',
  'insecure',
  'invalid-settings',
  'observatory-unreachable',
];

export function failureView(failure: CheckFailure): FailureView {
  return {
    title: t(TITLES[failure.kind]),
    detail: failure.message,
    action: SETTINGS_KINDS.includes(failure.kind) ? 'settings' : 'retry',
    banner: failure.kind === 'observatory-unreachable',
  };
}
