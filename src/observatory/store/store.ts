// The observatory's storage: reports, scan history and per-domain state, over kysely, the same
// queries on SQLite and PostgreSQL.
import { type Kysely, sql, type Transaction } from 'kysely';
import { summarize } from '../../core/grade-report.ts';
import type { DomainReport } from '../../core/report.ts';
import { RUBRIC_VERSION } from '../../core/rubric.ts';
import type { DomainSummary } from '../../core/summary.ts';
import { cooldownRemainingMs } from './domain-status.ts';
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

export interface ScanView extends ScanInfo {
  report: DomainReport | null;
}

export type CooldownResult = { ok: true } | { ok: false; retryAfterMs: number };

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
    if (domains.length === 0) return result;
    let rows = await this.db
      .selectFrom('domains')
      .selectAll()
      .where('domain', 'in', [...domains])
      .execute();
    // Only the requested domains are re-graded here; the snapshot re-grades everything.
    const stale = rows.filter(needsRegrade).flatMap((r) => (r.report_id === null ? [] : [r.report_id]));
    if (stale.length > 0) {
      await this.regradeReports(stale);
      rows = await this.db
        .selectFrom('domains')
        .selectAll()
        .where('domain', 'in', [...domains])
        .execute();
    }
    const scanIds = rows.map((r) => r.last_scan_id).filter((id): id is string => id !== null);
    const scans = scanIds.length
      ? await this.db.selectFrom('scans').selectAll().where('id', 'in', scanIds).execute()
      : [];
    const scansById = new Map(scans.map((s) => [s.id, toScanInfo(s)]));
    for (const row of rows) {
      result.set(row.domain, {
        domain: row.domain,
        summary: row.summary === null ? null : (JSON.parse(row.summary) as DomainSummary),
        scannedAt: row.scanned_at,
        reportId: row.report_id,
        lastScan: row.last_scan_id === null ? null : (scansById.get(row.last_scan_id) ?? null),
        lastRequestedAt: row.last_requested_at,
      });
    }
    return result;
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

  /** A validator that changes whenever any summary in the snapshot does. */
  async snapshotTag(): Promise<string> {
    if (await this.hasStaleGrades()) await this.regradeStale();
    const row = await this.db
      .selectFrom('domains')
      .select((eb) => [eb.fn.countAll().as('n'), eb.fn.coalesce(eb.fn.sum('revision'), sql.lit(0)).as('r')])
      .where('summary', 'is not', null)
      .executeTakeFirstOrThrow();
    return `"${RUBRIC_VERSION}-${Number(row.n)}-${Number(row.r)}"`;
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
    await update.execute();
  }
}

function needsRegrade(row: DomainRow): boolean {
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
