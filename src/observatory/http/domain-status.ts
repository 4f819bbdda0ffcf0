// What the API says about a domain's data: a pure function of the stored rows and the clock.
import type { DomainStatus, ScanStatus } from '../../core/observatory-api.ts';

export type { DomainStatus };

export interface DomainStatusInput {
  /** When the latest stored report was made; null when there is none. */
  scannedAt: string | null;
  /** State of the most recent scan request, if any. */
  lastScan: { status: ScanStatus } | null;
  now: Date;
  /** A report younger than this is fresh. */
  freshForMs: number;
}

/**
 * A stored report wins: it is fresh or stale by age, even while a rescan runs or after one failed,
 * so a client keeps showing the last grade. Without a report the last scan request decides.
 */
export function domainStatus(input: DomainStatusInput): DomainStatus {
  if (input.scannedAt !== null) {
    const age = input.now.getTime() - Date.parse(input.scannedAt);
    return age <= input.freshForMs ? 'fresh' : 'stale';
  }
  switch (input.lastScan?.status) {
    case 'queued':
    case 'running':
      return 'pending';
    case 'failed':
      return 'failed';
    default:
      return 'unknown';
  }
}
