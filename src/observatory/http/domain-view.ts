// What the API answers about one domain, from its stored state: pure.
import type { DomainView } from '../../core/observatory-api.ts';
import type { DomainState, StoredDomainState } from '../store/store.ts';
import { domainStatus } from './domain-status.ts';

export type { DomainView };

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

/**
 * The same view as JSON text, with the stored summary text spliced in as it is: the hot API routes
 * send this, so a summary is neither parsed nor re-serialised per request.
 */
export function domainViewJson(
  domain: string,
  state: StoredDomainState | null,
  now: Date,
  freshForMs: number,
  /** Members placed first (e.g. a lookup's `"input":"…",`), so callers need not cut the text open. */
  lead = '',
): string {
  const { summary: _none, ...view } = toDomainView(
    domain,
    state === null ? null : { ...state, summary: null },
    now,
    freshForMs,
  );
  const rest = JSON.stringify(view);
  return `{${lead}${rest.slice(1, -1)},"summary":${state?.summaryJson ?? 'null'}}`;
}
