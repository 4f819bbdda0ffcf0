// The observatory's HTTP API v1 as both sides see it: the lookup limit and the response shapes, used by
// the API's JSON schemas and by the extension's client, so neither can drift from the other.
import type { DomainSummary } from './summary.ts';

/** Most domains one POST /api/v1/lookup may carry. */
export const MAX_LOOKUP_DOMAINS = 500;

export const DOMAIN_STATUSES = ['fresh', 'stale', 'pending', 'failed', 'unknown'] as const;
/** fresh/stale: a report exists; pending: none yet, a scan is queued or running; failed; unknown. */
export type DomainStatus = (typeof DOMAIN_STATUSES)[number];

export const SCAN_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type ScanStatus = (typeof SCAN_STATUSES)[number];

/** A scan request as the API shows it. */
export interface ScanState {
  id: string;
  status: ScanStatus;
  requestedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

/** GET /api/v1/domains/{domain}, and one lookup result for a valid name. */
export interface DomainView {
  domain: string;
  status: DomainStatus;
  scannedAt: string | null;
  summary: DomainSummary | null;
  lastScan: ScanState | null;
}

/** POST /api/v1/lookup body. */
export interface LookupRequest {
  domains: string[];
  scanUnknown?: boolean;
}

/** One lookup result: a domain's view, or `invalid` with the reason for a name that is not a domain. */
export type LookupResult =
  | ({ input: string } & DomainView)
  | { input: string; domain: null; status: 'invalid'; error: string };

/** POST /api/v1/lookup answer: one result per input, in input order. */
export interface LookupResponse {
  results: LookupResult[];
  /** Scans queued by this call. */
  queued: number;
  /** Some unknown domains were not queued because the queue is full. */
  queueFull: boolean;
}

/** GET /api/v1/snapshot (full format). */
export interface SnapshotResponse {
  rubricVersion: number;
  domains: DomainSummary[];
}
