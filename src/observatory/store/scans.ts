// Scans and their reports: a scan request's life (queued, running, done or failed) and the report it made.
import type { DomainReport, Grade } from '../../core/report.ts';
import { ensureDomain, pointDomainAt } from './domains.ts';
import type { Db, GradedReport, ScanHistoryEntry, ScanInfo, ScanView } from './records.ts';
import type { ScanRow, ScanStatus } from './schema.ts';

/** A scan with its full report, as stored. */
export async function selectScan(db: Db, id: string): Promise<ScanView | null> {
  const row = await db.selectFrom('scans').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  const report = row.report_id === null ? null : await selectReport(db, row.report_id);
  return { ...toScanInfo(row), report };
}

/** A stored report by its id (a domain's `report_id`), without the scan around it. */
export async function selectReport(db: Db, id: string): Promise<DomainReport | null> {
  const stored = await db.selectFrom('reports').select('report').where('id', '=', id).executeTakeFirst();
  return stored ? (JSON.parse(stored.report) as DomainReport) : null;
}

/** The domain's scans, newest first, with each finished scan's grades (for the history on its page). */
export async function selectScanHistory(db: Db, domain: string, limit: number): Promise<ScanHistoryEntry[]> {
  const rows = await db
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

/** Records a new queued scan and points the domain at it. */
export async function insertScan(
  db: Db,
  scan: { id: string; domain: string; requestedAt: Date; requestedBy?: string | null },
) {
  await db
    .insertInto('scans')
    .values({
      id: scan.id,
      domain: scan.domain,
      status: 'queued',
      requested_at: scan.requestedAt.toISOString(),
      requested_by: scan.requestedBy ?? null,
    })
    .execute();
  await ensureDomain(db, scan.domain);
  await db.updateTable('domains').set({ last_scan_id: scan.id }).where('domain', '=', scan.domain).execute();
}

/** Marks a scan as running; false when it already finished (then it must not run again). */
export async function startScan(db: Db, id: string, now: Date): Promise<boolean> {
  const updated = await db
    .updateTable('scans')
    .set((eb) => ({ status: 'running', started_at: now.toISOString(), attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/**
 * Stores a finished scan's graded report and makes it the domain's latest (unless a newer one is
 * there), in the caller's transaction. False when the scan had already finished: nothing is written twice.
 */
export async function completeScan(trx: Db, id: string, graded: GradedReport, now: Date): Promise<boolean> {
  const updated = await trx
    .updateTable('scans')
    .set({ status: 'done', finished_at: now.toISOString(), report_id: id, error: null })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) return false;
  await trx.insertInto('reports').values(reportRow(id, graded.report)).execute();
  await pointDomainAt(trx, id, graded);
  return true;
}

/** Records why a scan failed; false when it had already finished. */
export async function failScan(db: Db, id: string, error: string, now: Date): Promise<boolean> {
  const updated = await db
    .updateTable('scans')
    .set({ status: 'failed', finished_at: now.toISOString(), error: error.slice(0, 2000) })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

export async function countScans(db: Db, status: ScanStatus): Promise<number> {
  const row = await db
    .selectFrom('scans')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('status', '=', status)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Up to `limit` stored reports graded by a rubric older than `rubricVersion`, by id after `after`. */
export async function selectReportsGradedBefore(
  db: Db,
  rubricVersion: number,
  after: string,
  limit: number,
): Promise<{ id: string; report: DomainReport }[]> {
  const rows = await db
    .selectFrom('reports')
    .select(['id', 'report'])
    .where('rubric_version', '<', rubricVersion)
    .where('id', '>', after)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, report: JSON.parse(r.report) as DomainReport }));
}

/** Replaces a stored report by its re-graded form, and the domain's summary when it is the latest. */
export async function replaceReport(trx: Db, id: string, graded: GradedReport): Promise<void> {
  const { id: _id, ...columns } = reportRow(id, graded.report);
  await trx.updateTable('reports').set(columns).where('id', '=', id).execute();
  const domain = await trx
    .selectFrom('domains')
    .select('report_id')
    .where('domain', '=', graded.report.domain)
    .executeTakeFirst();
  if (domain?.report_id === id) await pointDomainAt(trx, id, graded, true);
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
