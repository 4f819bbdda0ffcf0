// The observatory's storage over kysely, the same queries on SQLite and PostgreSQL. It stores and reads
// what it is given and grades nothing: reports arrive graded (see ../regrade.ts). The queries live by
// what they hold: domains.ts, scans.ts, snapshot.ts.
import type { Kysely } from 'kysely';
import type { DomainReport } from '../../core/report.ts';
import type { DomainSummary } from '../../core/summary.ts';
import { type ClientUsage, selectClientUsage } from './client-share.ts';
import {
  countDirectory,
  type DirectoryFilters,
  type DirectoryPage,
  type DirectoryQuery,
  type DirectoryRow,
  selectDirectoryPage,
  selectDirectoryRows,
  selectStaleDomains,
} from './directory.ts';
import { selectDomainsWithoutFacts, upsertDomainFacts } from './domain-facts.ts';
import { claimCooldown, cooldownRemaining, selectDomainStates } from './domains.ts';
import { type NetworkStats, selectNetworkStats } from './network-stats.ts';
import type {
  CooldownResult,
  Db,
  DomainState,
  GradedReport,
  ScanHistoryEntry,
  ScanView,
  StoredDomainState,
  StoreStats,
} from './records.ts';
import { type PruneResult, pruneStore, type RetentionPolicy } from './retention.ts';
import {
  completeScan,
  countScans,
  failScan,
  insertScan,
  replaceReport,
  selectReport,
  selectReportsGradedBefore,
  selectScan,
  selectScanHistory,
  startScan,
} from './scans.ts';
import type { ScanStatus, Schema } from './schema.ts';
import { bumpSnapshotCounter, selectStats, snapshotRevision, summaryPages } from './snapshot.ts';

export type * from './directory.ts';
export type * from './network-stats.ts';
export type * from './records.ts';
export type StoreKind = 'sqlite' | 'postgres';

export class Store {
  readonly kind: StoreKind;
  /** Set for PostgreSQL: the queue (pg-boss) connects to the same database. */
  readonly databaseUrl: string | null;
  readonly db: Kysely<Schema>;

  constructor(kind: StoreKind, db: Kysely<Schema>, databaseUrl: string | null) {
    this.kind = kind;
    this.db = db;
    this.databaseUrl = databaseUrl;
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  // Domains.

  async getDomain(domain: string): Promise<DomainState | null> {
    return (await this.getDomains([domain])).get(domain) ?? null;
  }

  /** Known domains among `domains`. */
  async getDomains(domains: readonly string[]): Promise<Map<string, DomainState>> {
    const result = new Map<string, DomainState>();
    for (const [domain, { summaryJson, ...state }] of await this.getDomainRows(domains)) {
      result.set(domain, {
        ...state,
        summary: summaryJson === null ? null : (JSON.parse(summaryJson) as DomainSummary),
      });
    }
    return result;
  }

  /**
   * As getDomains, with each summary as its stored JSON text: the API sends it as it is, without
   * parsing and re-serialising it on every request.
   */
  getDomainRows(domains: readonly string[]): Promise<Map<string, StoredDomainState>> {
    return selectDomainStates(this.db, domains);
  }

  /** Milliseconds before `domain` may be rescanned (0: now), without claiming anything. */
  cooldownRemaining(domain: string, now: Date, cooldownMs: number): Promise<number> {
    return cooldownRemaining(this.db, domain, now, cooldownMs);
  }

  /** Claims the right to scan `domain` now; two concurrent requests cannot both pass the cooldown. */
  claimCooldown(domain: string, now: Date, cooldownMs: number): Promise<CooldownResult> {
    return claimCooldown(this.db, domain, now, cooldownMs);
  }

  /** A client's queued scans and its scans asked for since `since` (its share of the queue). */
  clientUsage(client: string, since: Date): Promise<ClientUsage> {
    return selectClientUsage(this.db, client, since);
  }

  // Scans and reports.

  /** A scan with its full report. */
  getScan(id: string): Promise<ScanView | null> {
    return selectScan(this.db, id);
  }

  /** A report by its id (a domain's `reportId`). */
  getReport(id: string): Promise<DomainReport | null> {
    return selectReport(this.db, id);
  }

  /** The domain's scans, newest first, with each finished scan's grades. */
  scanHistory(domain: string, limit = 20): Promise<ScanHistoryEntry[]> {
    return selectScanHistory(this.db, domain, limit);
  }

  /** Records a new queued scan and points the domain at it. */
  insertScan(
    db: Db,
    scan: { id: string; domain: string; requestedAt: Date; requestedBy?: string | null },
  ): Promise<void> {
    return insertScan(db, scan);
  }

  /** Marks a scan as running; false when it already finished (then it must not run again). */
  startScan(id: string, now: Date, db: Db = this.db): Promise<boolean> {
    return startScan(db, id, now);
  }

  /**
   * Stores a finished scan's graded report and makes it the domain's latest (unless a newer one is
   * there). False when the scan had already finished: nothing is written twice.
   */
  completeScan(id: string, graded: GradedReport, now: Date, db: Db = this.db): Promise<boolean> {
    const run = (trx: Db) => completeScan(trx, id, graded, now);
    return db.isTransaction ? run(db) : this.db.transaction().execute(run);
  }

  /** Records why a scan failed; false when it had already finished. */
  failScan(id: string, error: string, now: Date, db: Db = this.db): Promise<boolean> {
    return failScan(db, id, error, now);
  }

  countScans(status: ScanStatus): Promise<number> {
    return countScans(this.db, status);
  }

  /** Up to `limit` stored reports graded by a rubric older than `rubricVersion`, by id after `after`. */
  reportsGradedBefore(rubricVersion: number, after: string, limit: number) {
    return selectReportsGradedBefore(this.db, rubricVersion, after, limit);
  }

  /** Replaces a stored report by its re-graded form (and the domain's summary when it is the latest). */
  async replaceReport(id: string, graded: GradedReport): Promise<void> {
    await this.db.transaction().execute((trx) => replaceReport(trx, id, graded));
  }

  /** Forgets old history and never-reachable domains (./retention.ts). */
  prune(now: Date, policy: RetentionPolicy): Promise<PruneResult> {
    return pruneStore(this.db, now, policy);
  }

  // Snapshot and statistics.

  /** A number that changes whenever any summary in the snapshot does (one row read). */
  snapshotRevision(): Promise<number> {
    return snapshotRevision(this.db);
  }

  /**
   * Every known summary as its stored JSON text, ordered by domain, a page at a time: the snapshot is
   * built without holding every parsed summary in memory at once.
   */
  snapshotPages(pageSize = 100): AsyncGenerator<{ domain: string; summary: string }[]> {
    return summaryPages(this.db, pageSize);
  }

  stats(): Promise<StoreStats> {
    return selectStats(this.db);
  }

  /** Marks the snapshot as changed; callers run it in the transaction that changed a summary. */
  bumpSnapshotCounter(db: Db = this.db): Promise<void> {
    return bumpSnapshotCounter(db);
  }

  // Directory, network statistics and scheduled rescans (domain_facts).

  /** One page of the directory: the rows and how many match over every page. */
  directoryPage(query: DirectoryQuery): Promise<DirectoryPage> {
    return selectDirectoryPage(this.db, query);
  }

  /** One page of directory rows, without the count. */
  directoryRows(query: DirectoryQuery): Promise<DirectoryRow[]> {
    return selectDirectoryRows(this.db, query);
  }

  /** Directory rows matching the filters, over every page. */
  countDirectory(filters: DirectoryFilters): Promise<number> {
    return countDirectory(this.db, filters);
  }

  networkStats(opts: { historySince: string; topIssuers: number }): Promise<NetworkStats> {
    return selectNetworkStats(this.db, opts);
  }

  /** Domains whose latest report is older than `scannedBefore`, oldest first, none with a scan under way. */
  staleDomains(scannedBefore: string, limit: number): Promise<string[]> {
    return selectStaleDomains(this.db, scannedBefore, limit);
  }

  /** Domains whose latest report has no directory row yet (stored before the directory existed). */
  domainsWithoutFacts(limit: number): Promise<{ domain: string; report: DomainReport }[]> {
    return selectDomainsWithoutFacts(this.db, limit);
  }

  /** Writes the directory row of a report's domain (for reports stored before the directory existed). */
  writeDomainFacts(report: DomainReport): Promise<void> {
    return upsertDomainFacts(this.db, report);
  }
}
