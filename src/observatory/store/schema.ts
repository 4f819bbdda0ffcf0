// Table shapes shared by SQLite and PostgreSQL. Times are ISO-8601 UTC strings (always 24 characters),
// so they sort and compare the same way as text on both databases.
import type { Generated, Insertable, Selectable } from 'kysely';

export type { ScanStatus } from '../../core/observatory-api.ts';

import type { ScanStatus } from '../../core/observatory-api.ts';

/** One row per completed scan: the full report JSON, with the fields the API filters on. */
export interface ReportsTable {
  id: string;
  domain: string;
  scanned_at: string;
  rubric_version: number;
  report_version: number;
  c2s_grade: string | null;
  s2s_grade: string | null;
  report: string;
}

/** Scan history: every requested scan, whatever became of it. `id` is the public scan id. */
export interface ScansTable {
  id: string;
  domain: string;
  status: ScanStatus;
  requested_at: string;
  started_at: string | null;
  finished_at: string | null;
  attempts: Generated<number>;
  error: string | null;
  report_id: string | null;
  /** The client key (../http/client-key.ts) that asked for the scan; null for scans from the CLI. */
  requested_by: string | null;
}

/** The latest known state of each domain, so reads and the snapshot need no window queries. */
export interface DomainsTable {
  domain: string;
  report_id: string | null;
  scanned_at: string | null;
  rubric_version: number | null;
  c2s_grade: string | null;
  s2s_grade: string | null;
  /** `DomainSummary` JSON of the latest report. */
  summary: string | null;
  last_scan_id: string | null;
  last_requested_at: string | null;
  /** Bumped on every change; the snapshot's ETag is derived from the sum. */
  revision: Generated<number>;
  /** When a scan last found a served c2s or s2s; null when none ever did (retention drops those). */
  reachable_at: string | null;
}

/** The durable job queue used on SQLite (on PostgreSQL pg-boss keeps its own tables). */
export interface ScanJobsTable {
  id: string;
  domain: string;
  state: ScanStatus;
  attempts: Generated<number>;
  lease_owner: string | null;
  lease_until: string | null;
  created_at: string;
  updated_at: string;
}

/** Named counters; `snapshot` is bumped with every change to any domain's summary. */
export interface CountersTable {
  name: string;
  value: number;
}

export interface Schema {
  counters: CountersTable;
  domain_facts: DomainFactsTable;
  reports: ReportsTable;
  scans: ScansTable;
  domains: DomainsTable;
  scan_jobs: ScanJobsTable;
}

/**
 * What the directory lists and the statistics count, one row per domain with a report, written with
 * its latest report (see report-facts.ts). Booleans are integers 0/1 on both databases.
 */
export interface DomainFactsTable {
  domain: string;
  scanned_at: string;
  c2s_grade: string | null;
  c2s_grade_rank: number;
  c2s_encryption: string;
  c2s_authentication: string;
  c2s_availability: string;
  c2s_sslv3: number;
  c2s_tls10: number;
  c2s_tls11: number;
  c2s_tls12: number;
  c2s_tls13: number;
  c2s_dnssec: number;
  c2s_dane: string;
  c2s_posh: string;
  c2s_key_type: string | null;
  c2s_key_bits: number | null;
  c2s_issuer: string | null;
  c2s_mlkem: number | null;
  s2s_grade: string | null;
  s2s_grade_rank: number;
  s2s_encryption: string;
  s2s_authentication: string;
  s2s_availability: string;
  s2s_sslv3: number;
  s2s_tls10: number;
  s2s_tls11: number;
  s2s_tls12: number;
  s2s_tls13: number;
  s2s_dnssec: number;
  s2s_dane: string;
  s2s_posh: string;
  s2s_key_type: string | null;
  s2s_key_bits: number | null;
  s2s_issuer: string | null;
  s2s_mlkem: number | null;
}

export type ReportRow = Selectable<ReportsTable>;
export type ScanRow = Selectable<ScansTable>;
export type DomainRow = Selectable<DomainsTable>;
export type NewScan = Insertable<ScansTable>;
