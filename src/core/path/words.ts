// Words the path's reasons share. Pure.
import { type Phrase, phrase } from '../phrase.ts';
import type { TlsVersion } from '../report.ts';
import { TLS_VERSIONS } from '../report.ts';

const VERSION_LABELS: Record<TlsVersion, string> = {
  SSLv2: 'SSLv2',
  SSLv3: 'SSLv3',
  'TLSv1.0': 'TLS 1.0',
  'TLSv1.1': 'TLS 1.1',
  'TLSv1.2': 'TLS 1.2',
  'TLSv1.3': 'TLS 1.3',
};

export function versionLabel(version: TlsVersion): string {
  return VERSION_LABELS[version];
}

export function isModern(version: TlsVersion): boolean {
  return version === 'TLSv1.2' || version === 'TLSv1.3';
}

export function bestVersion(versions: readonly TlsVersion[]): TlsVersion | null {
  const offered = TLS_VERSIONS.filter((v) => versions.includes(v));
  return offered[offered.length - 1] ?? null;
}

/** "TLS 1.0, TLS 1.1": a list of protocol names, which read the same in every language. */
export function namesOf(items: readonly string[]): string {
  return items.join(', ');
}

/** "3 hours", "12 days": how old something is, for people. */
export function agePhrase(ms: number): Phrase {
  if (!Number.isFinite(ms)) return phrase('path_age_unknown');
  const hours = Math.floor(ms / 3_600_000);
  if (hours < 1) return phrase('path_age_under_hour');
  if (hours < 48) return hours === 1 ? phrase('path_age_hour') : phrase('path_age_hours', String(hours));
  return phrase('path_age_days', String(Math.floor(hours / 24)));
}
