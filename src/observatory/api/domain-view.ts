// What the API answers about one domain, from its stored state: pure.
import type { DomainSummary } from '../../core/summary.ts';
import { type DomainStatus, domainStatus } from '../store/domain-status.ts';
import type { DomainState, ScanInfo } from '../store/store.ts';

export interface DomainView {
  domain: string;
  status: DomainStatus;
  scannedAt: string | null;
  summary: DomainSummary | null;
  lastScan: Omit<ScanInfo, 'domain' | 'attempts'> | null;
}

export function toDomainView(
  domain: string,
  state: DomainState | null,
  now: Date,
  freshForMs: number,
): DomainView {
  const lastScan = state?.lastScan ?? null;
  return {
    domain,
    status: domainStatus({ scannedAt: state?.scannedAt ?? null, lastScan, now, freshForMs }),
    scannedAt: state?.scannedAt ?? null,
    summary: state?.summary ?? null,
    lastScan:
      lastScan === null
        ? null
        : {
            id: lastScan.id,
            status: lastScan.status,
            requestedAt: lastScan.requestedAt,
            startedAt: lastScan.startedAt,
            finishedAt: lastScan.finishedAt,
            error: lastScan.error,
          },
  };
}
