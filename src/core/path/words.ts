// Words the path's reasons share. Pure.
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

export function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** "3 hours", "12 days": how old something is, for people. */
export function ageText(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  if (hours < 1) return 'less than an hour';
  if (hours < 48) return hours === 1 ? '1 hour' : `${hours} hours`;
  const days = Math.floor(hours / 24);
  return `${days} days`;
}
