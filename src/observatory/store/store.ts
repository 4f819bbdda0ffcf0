// The observatory's storage: reports, scan history and per-domain state, over kysely, the same
// queries on SQLite and PostgreSQL.
import type { Kysely, Transaction } from 'kysely';
import { summarize } from '../../core/grade-report.ts';
import type { DomainReport, Grade } from '../../core/report.ts';
import { RUBRIC_VERSION } from '../../core/rubric.ts';
import type { DomainSummary } from '../../core/summary.ts';
import { cooldownRemainingMs } from './cooldown.ts';
import { withCurrentGrades } from './regrade.ts';
import type { DomainRow, ScanRow, ScanStatus, Schema } from './schema.ts';

export type StoreKind = 'sqlite' | 'postgres';
type Db = Kysely<Schema> | Transaction<Schema>;

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
  rubricVersion: number;
  grades: { c2s: Record<string, number>; s2s: Record<string, number> };
  scans: Record<ScanStatus, number>;
}

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

  async getDomain(domain: string): Promise<DomainState | null> {
    return (await this.getDomains([domain])).get(domain) ?? null;
  }

  /** Known domains among `domains`, re-graded first when the rubric changed since they were stored. */
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
  async getDomainRows(domains: readonly string[]): Promise<Map<string, StoredDomainState>> {
    const result = new Map<string, StoredDomainState>();
    if (domains.length === 0) return result;
    const unique = [...new Set(domains)];
    let rows = await this.selectDomainRows(unique);
    // Only the requested domains are re-graded here; the snapshot re-grades everything.
    const stale = rows.filter(needsRegrade).flatMap((r) => (r.report_id === null ? [] : [r.report_id]));
    if (stale.length > 0) {
      await this.regradeReports(stale);
      rows = await this.selectDomainRows(unique);
    }
    for (const row of rows) {
      result.set(row.domain, {
        domain: row.domain,
        summaryJson: row.summary,
        scannedAt: row.scanned_at,
        reportId: row.report_id,
        lastScan:
          row.scan_id === null
            ? null
            : {
                id: row.scan_id,
                domain: row.domain,
                status: row.scan_status as ScanStatus,
                requestedAt: row.scan_requested_at as string,
                startedAt: row.scan_started_at,
                finishedAt: row.scan_finished_at,
                attempts: Number(row.scan_attempts),
                error: row.scan_error,
              },
        lastRequestedAt: row.last_requested_at,
      });
    }
    return result;
  }

  // One query for the domain rows and their last scans (a join, rather than two round trips).
  private selectDomainRows(domains: string[]) {
    return this.db
      .selectFrom('domains')
      .leftJoin('scans', 'scans.id', 'domains.last_scan_id')
      .select([
        'domains.domain',
        'domains.summary',
        'domains.scanned_at',
        'domains.report_id',
        'domains.rubric_version',
        'domains.last_requested_at',
        'scans.id as scan_id',
        'scans.status as scan_status',
        'scans.requested_at as scan_requested_at',
        'scans.started_at as scan_started_at',
        'scans.finished_at as scan_finished_at',
        'scans.attempts as scan_attempts',
        'scans.error as scan_error',
      ])
      .where('domains.domain', 'in', domains)
      .execute();
  }

  /** A scan with its full report (re-graded and saved back when the rubric changed). */
  async getScan(id: string): Promise<ScanView | null> {
    const row = await this.db.selectFrom('scans').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    let report: DomainReport | null = null;
    if (row.report_id !== null) {
      const stored = await this.db
        .selectFrom('reports')
        .selectAll()
        .where('id', '=', row.report_id)
        .executeTakeFirst();
      if (stored) {
        report = JSON.parse(stored.report) as DomainReport;
        if (stored.rubric_version < RUBRIC_VERSION) {
          report = withCurrentGrades(report);
          await this.saveRegraded(stored.id, report);
        }
      }
    }
    return { ...toScanInfo(row), report };
  }

  /** The domain's scans, newest first, with each finished scan's grades (for the history on its page). */
  async scanHistory(domain: string, limit = 20): Promise<ScanHistoryEntry[]> {
    const rows = await this.db
      .selectFrom('scans')
      .leftJoin('reports', 'reports.id', 'scans.report_id')
      .select([
        'scans.id',
        'scans.status',
        'scans.requested_at',
        'scans.finished_at',
        'scans.error',
        'reports.c2s_grade',
        'reports.s2s_grade',
      ])
      .where('scans.domain', '=', domain)
      .orderBy('scans.requested_at', 'desc')
      .orderBy('scans.id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      status: r.status,
      requestedAt: r.requested_at,
      finishedAt: r.finished_at,
      error: r.error,
      c2sGrade: (r.c2s_grade ?? null) as Grade | null,
      s2sGrade: (r.s2s_grade ?? null) as Grade | null,
    }));
  }

  /** Milliseconds before `domain` may be rescanned (0: now), without claiming anything. */
  async cooldownRemaining(domain: string, now: Date, cooldownMs: number): Promise<number> {
    const row = await this.db
      .selectFrom('domains')
      .select('last_requested_at')
      .where('domain', '=', domain)
      .executeTakeFirst();
    return cooldownRemainingMs(row?.last_requested_at ?? null, now, cooldownMs);
  }

  /**
   * Claims the right to scan `domain` now: one conditional UPDATE, so two concurrent requests
   * (even from two `serve` processes) cannot both pass the cooldown.
   */
  async claimCooldown(domain: string, now: Date, cooldownMs: number): Promise<CooldownResult> {
    await this.db
      .insertInto('domains')
      .values({ domain })
      .onConflict((oc) => oc.column('domain').doNothing())
      .execute();
    const threshold = new Date(now.getTime() - cooldownMs).toISOString();
    const updated = await this.db
      .updateTable('domains')
      .set({ last_requested_at: now.toISOString() })
      .where('domain', '=', domain)
      .where((eb) => eb.or([eb('last_requested_at', 'is', null), eb('last_requested_at', '<=', threshold)]))
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 1) return { ok: true };
    return { ok: false, retryAfterMs: Math.max(1, await this.cooldownRemaining(domain, now, cooldownMs)) };
  }

  /** Records a new queued scan and points the domain at it. */
  async insertScan(db: Db, scan: { id: string; domain: string; requestedAt: Date }): Promise<void> {
    await db
      .insertInto('scans')
      .values({
        id: scan.id,
        domain: scan.domain,
        status: 'queued',
        requested_at: scan.requestedAt.toISOString(),
      })
      .execute();
    await db
      .insertInto('domains')
      .values({ domain: scan.domain })
      .onConflict((oc) => oc.column('domain').doNothing())
      .execute();
    await db
      .updateTable('domains')
      .set({ last_scan_id: scan.id })
      .where('domain', '=', scan.domain)
      .execute();
  }

  /** Marks a scan as running; false when it already finished (then it must not run again). */
  async startScan(id: string, now: Date, db: Db = this.db): Promise<boolean> {
    const updated = await db
      .updateTable('scans')
      .set((eb) => ({ status: 'running', started_at: now.toISOString(), attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .where('status', 'in', ['queued', 'running'])
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }

  /**
   * Stores a finished scan's report and makes it the domain's latest (unless a newer one is there).
   * False when the scan had already finished: nothing is written twice.
   */
  async completeScan(id: string, report: DomainReport, now: Date, db: Db = this.db): Promise<boolean> {
    const run = async (trx: Db) => {
      const updated = await trx
        .updateTable('scans')
        .set({ status: 'done', finished_at: now.toISOString(), report_id: id, error: null })
        .where('id', '=', id)
        .where('status', 'in', ['queued', 'running'])
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) return false;
      const graded = withCurrentGrades(report);
      await trx.insertInto('reports').values(reportRow(id, graded)).execute();
      await this.pointDomainAt(trx, id, graded);
      return true;
    };
    return db.isTransaction ? run(db) : this.db.transaction().execute(run);
  }

  /** Records why a scan failed; false when it had already finished. */
  async failScan(id: string, error: string, now: Date, db: Db = this.db): Promise<boolean> {
    const updated = await db
      .updateTable('scans')
      .set({ status: 'failed', finished_at: now.toISOString(), error: error.slice(0, 2000) })
      .where('id', '=', id)
      .where('status', 'in', ['queued', 'running'])
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }

  async countScans(status: ScanStatus): Promise<number> {
    const row = await this.db
      .selectFrom('scans')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('status', '=', status)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** A validator that changes whenever any summary in the snapshot does (one row read). */
  async snapshotTag(): Promise<string> {
    if (await this.hasStaleGrades()) await this.regradeStale();
    const row = await this.db
      .selectFrom('counters')
      .select('value')
      .where('name', '=', 'snapshot')
      .executeTakeFirstOrThrow();
    return `"${RUBRIC_VERSION}-${Number(row.value)}"`;
  }

  /** Every known summary, ordered by domain. */
  async snapshot(): Promise<DomainSummary[]> {
    if (await this.hasStaleGrades()) await this.regradeStale();
    const rows = await this.db
      .selectFrom('domains')
      .select('summary')
      .where('summary', 'is not', null)
      .orderBy('domain')
      .execute();
    return rows.map((r) => JSON.parse(r.summary as string) as DomainSummary);
  }

  /**
   * Every known summary as its stored JSON text, ordered by domain, a page at a time: the snapshot is
   * built without holding every parsed summary in memory at once.
   */
  async *snapshotPages(pageSize = 100): AsyncGenerator<{ domain: string; summary: string }[]> {
    if (await this.hasStaleGrades()) await this.regradeStale();
    let after = '';
    for (;;) {
      const rows = await this.db
        .selectFrom('domains')
        .select(['domain', 'summary'])
        .where('summary', 'is not', null)
        .where('domain', '>', after)
        .orderBy('domain')
        .limit(pageSize)
        .execute();
      if (rows.length === 0) return;
      yield rows as { domain: string; summary: string }[];
      after = rows[rows.length - 1]?.domain ?? after;
    }
  }

  async stats(): Promise<StoreStats> {
    const domainRows = await this.db
      .selectFrom('domains')
      .select(['c2s_grade', 's2s_grade', 'report_id'])
      .execute();
    const grades = { c2s: {} as Record<string, number>, s2s: {} as Record<string, number> };
    let scanned = 0;
    for (const row of domainRows) {
      if (row.report_id === null) continue;
      scanned++;
      const c2s = row.c2s_grade ?? 'none';
      const s2s = row.s2s_grade ?? 'none';
      grades.c2s[c2s] = (grades.c2s[c2s] ?? 0) + 1;
      grades.s2s[s2s] = (grades.s2s[s2s] ?? 0) + 1;
    }
    const scanRows = await this.db
      .selectFrom('scans')
      .select((eb) => ['status', eb.fn.countAll().as('n')])
      .groupBy('status')
      .execute();
    const scans: Record<ScanStatus, number> = { queued: 0, running: 0, done: 0, failed: 0 };
    for (const row of scanRows) scans[row.status] = Number(row.n);
    return { domains: domainRows.length, scanned, rubricVersion: RUBRIC_VERSION, grades, scans };
  }

  /** Re-grades every stored report made by an older rubric, in batches; returns how many changed. */
  async regradeStale(batchSize = 200): Promise<number> {
    let total = 0;
    // Keyset paging by id: each report is visited once even if re-grading left it behind.
    let after = '';
    for (;;) {
      const rows = await this.db
        .selectFrom('reports')
        .select(['id', 'report'])
        .where('rubric_version', '<', RUBRIC_VERSION)
        .where('id', '>', after)
        .orderBy('id')
        .limit(batchSize)
        .execute();
      if (rows.length === 0) return total;
      for (const row of rows) {
        await this.saveRegraded(row.id, withCurrentGrades(JSON.parse(row.report) as DomainReport));
        total++;
      }
      after = rows[rows.length - 1]?.id ?? after;
    }
  }

  private async regradeReports(ids: readonly string[]): Promise<void> {
    const rows = await this.db
      .selectFrom('reports')
      .select(['id', 'report'])
      .where('id', 'in', [...ids])
      .where('rubric_version', '<', RUBRIC_VERSION)
      .execute();
    for (const row of rows)
      await this.saveRegraded(row.id, withCurrentGrades(JSON.parse(row.report) as DomainReport));
  }

  private async hasStaleGrades(): Promise<boolean> {
    const row = await this.db
      .selectFrom('domains')
      .select('domain')
      .where('rubric_version', '<', RUBRIC_VERSION)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  private async saveRegraded(id: string, report: DomainReport): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const { id: _id, ...columns } = reportRow(id, report);
      await trx.updateTable('reports').set(columns).where('id', '=', id).execute();
      const domain = await trx
        .selectFrom('domains')
        .select('report_id')
        .where('domain', '=', report.domain)
        .executeTakeFirst();
      if (domain?.report_id === id) await this.pointDomainAt(trx, id, report, true);
    });
  }

  private async pointDomainAt(db: Db, id: string, report: DomainReport, force = false): Promise<void> {
    await db
      .insertInto('domains')
      .values({ domain: report.domain })
      .onConflict((oc) => oc.column('domain').doNothing())
      .execute();
    let update = db
      .updateTable('domains')
      .set((eb) => ({
        report_id: id,
        scanned_at: report.scannedAt,
        rubric_version: report.rubricVersion,
        c2s_grade: report.services.c2s.grade,
        s2s_grade: report.services.s2s.grade,
        summary: JSON.stringify(summarize(report)),
        revision: eb('revision', '+', 1),
      }))
      .where('domain', '=', report.domain);
    // An older report finishing late must not replace a newer one.
    if (!force)
      update = update.where((eb) =>
        eb.or([eb('scanned_at', 'is', null), eb('scanned_at', '<=', report.scannedAt)]),
      );
    const updated = await update.executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) await this.bumpSnapshotCounter(db);
  }

  /** Marks the snapshot as changed; callers run it in the transaction that changed a summary. */
  async bumpSnapshotCounter(db: Db = this.db): Promise<void> {
    await db
      .updateTable('counters')
      .set((eb) => ({ value: eb('value', '+', 1) }))
      .where('name', '=', 'snapshot')
      .execute();
  }
}

function needsRegrade(row: Pick<DomainRow, 'rubric_version'>): boolean {
  return row.rubric_version !== null && row.rubric_version < RUBRIC_VERSION;
}

function toScanInfo(row: ScanRow): ScanInfo {
  return {
    id: row.id,
    domain: row.domain,
    status: row.status,
    requestedAt: row.requested_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    attempts: Number(row.attempts),
    error: row.error,
  };
}

function reportRow(id: string, report: DomainReport) {
  return {
    id,
    domain: report.domain,
    scanned_at: report.scannedAt,
    rubric_version: report.rubricVersion,
    report_version: report.reportVersion,
    c2s_grade: report.services.c2s.grade,
    s2s_grade: report.services.s2s.grade,
    report: JSON.stringify(report),
  };
}
