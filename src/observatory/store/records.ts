// What the store hands out and takes in: plain records of domains, scans and reports.
import type { Kysely, Transaction } from 'kysely';
import type { DomainReport, Grade } from '../../core/report.ts';
import type { DomainSummary } from '../../core/summary.ts';
import type { ScanStatus, Schema } from './schema.ts';

export type Db = Kysely<Schema> | Transaction<Schema>;

export interface ScanInfo {
  id: string;
  domain: string;
  status: ScanStatus;
  requestedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  attempts: number;
  error: string | null;
}

export interface DomainState {
  domain: string;
  summary: DomainSummary | null;
  scannedAt: string | null;
  reportId: string | null;
  lastScan: ScanInfo | null;
  lastRequestedAt: string | null;
}

/** DomainState with the summary as the JSON text stored for it. */
export interface StoredDomainState extends Omit<DomainState, 'summary'> {
  summaryJson: string | null;
}

export interface ScanView extends ScanInfo {
  report: DomainReport | null;
}

/** A report as it is stored: graded already, with the summary made from it (the store grades nothing). */
export interface GradedReport {
  report: DomainReport;
  summary: DomainSummary;
}

export type CooldownResult = { ok: true } | { ok: false; retryAfterMs: number };

/** One line of a domain's scan history. Grades are those stored with the report (null until done). */
export interface ScanHistoryEntry {
  id: string;
  status: ScanStatus;
  requestedAt: string;
  finishedAt: string | null;
  error: string | null;
  c2sGrade: Grade | null;
  s2sGrade: Grade | null;
}

export interface StoreStats {
  domains: number;
  scanned: number;
  grades: { c2s: Record<string, number>; s2s: Record<string, number> };
  scans: Record<ScanStatus, number>;
}
