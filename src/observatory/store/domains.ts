// Per-domain state: the latest report's summary and grades, the last scan, and the rescan cooldown.
import type { CompiledQuery, InferResult } from 'kysely';
import { cooldownRemainingMs } from './cooldown.ts';
import { upsertDomainFacts } from './domain-facts.ts';
import type { CooldownResult, Db, GradedReport, StoredDomainState } from './records.ts';
import type { ScanStatus } from './schema.ts';
import { bumpSnapshotCounter } from './snapshot.ts';

function domainStatesQuery(db: Db, domains: readonly string[]) {
  // One query for the domain rows and their last scans (a join, rather than two round trips).
  return db
    .selectFrom('domains')
    .leftJoin('scans', 'scans.id', 'domains.last_scan_id')
    .select([
      'domains.domain',
      'domains.summary',
      'domains.scanned_at',
      'domains.report_id',
      'domains.last_requested_at',
      'scans.id as scan_id',
      'scans.status as scan_status',
      'scans.requested_at as scan_requested_at',
      'scans.started_at as scan_started_at',
      'scans.finished_at as scan_finished_at',
      'scans.attempts as scan_attempts',
      'scans.error as scan_error',
    ])
    .where('domains.domain', 'in', domains);
}
type DomainStateRow = InferResult<ReturnType<typeof domainStatesQuery>>[number];

/**
 * The hottest query of the API (every GET and lookup), compiled once per database and list length:
 * building and compiling it through kysely cost more CPU than SQLite's answer for one domain.
 */
const compiledStates = new WeakMap<Db, Map<number, CompiledQuery<DomainStateRow>>>();
const MAX_COMPILED_LENGTHS = 600;

function compiledDomainStates(db: Db, domains: readonly string[]): CompiledQuery<DomainStateRow> {
  let byLength = compiledStates.get(db);
  if (byLength === undefined) {
    byLength = new Map();
    compiledStates.set(db, byLength);
  }
  let compiled = byLength.get(domains.length);
  if (compiled === undefined) {
    compiled = domainStatesQuery(db, domains).compile();
    if (compiled.parameters.length !== domains.length)
      throw new Error('The domain state query binds more than its list of domains.');
    if (byLength.size >= MAX_COMPILED_LENGTHS) byLength.clear();
    byLength.set(domains.length, compiled);
  }
  // The list is the query's only parameter set: the same SQL text with this call's names bound.
  return { ...compiled, parameters: domains };
}

/** Known domains among `domains`, each summary as its stored JSON text, as stored (reads never write). */
export async function selectDomainStates(
  db: Db,
  domains: readonly string[],
): Promise<Map<string, StoredDomainState>> {
  const result = new Map<string, StoredDomainState>();
  if (domains.length === 0) return result;
  const { rows } = await db.executeQuery(compiledDomainStates(db, [...new Set(domains)]));
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

/** Milliseconds before `domain` may be rescanned (0: now), without claiming anything. */
export async function cooldownRemaining(db: Db, domain: string, now: Date, cooldownMs: number) {
  const row = await db
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
export async function claimCooldown(
  db: Db,
  domain: string,
  now: Date,
  cooldownMs: number,
): Promise<CooldownResult> {
  await ensureDomain(db, domain);
  const threshold = new Date(now.getTime() - cooldownMs).toISOString();
  const updated = await db
    .updateTable('domains')
    .set({ last_requested_at: now.toISOString() })
    .where('domain', '=', domain)
    .where((eb) => eb.or([eb('last_requested_at', 'is', null), eb('last_requested_at', '<=', threshold)]))
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 1) return { ok: true };
  return { ok: false, retryAfterMs: Math.max(1, await cooldownRemaining(db, domain, now, cooldownMs)) };
}

export async function ensureDomain(db: Db, domain: string): Promise<void> {
  await db
    .insertInto('domains')
    .values({ domain })
    .onConflict((oc) => oc.column('domain').doNothing())
    .execute();
}

/**
 * Makes report `id` the domain's latest, with its grades and summary. Unless `force`, an older report
 * finishing late does not replace a newer one.
 */
export async function pointDomainAt(db: Db, id: string, graded: GradedReport, force = false): Promise<void> {
  const { report, summary } = graded;
  const served =
    summary.services.c2s.availability === 'served' || summary.services.s2s.availability === 'served';
  await ensureDomain(db, report.domain);
  let update = db
    .updateTable('domains')
    .set((eb) => ({
      report_id: id,
      scanned_at: report.scannedAt,
      rubric_version: report.rubricVersion,
      c2s_grade: report.services.c2s.grade,
      s2s_grade: report.services.s2s.grade,
      summary: JSON.stringify(summary),
      revision: eb('revision', '+', 1),
      reachable_at: served ? report.scannedAt : eb.ref('reachable_at'),
    }))
    .where('domain', '=', report.domain);
  if (!force)
    update = update.where((eb) =>
      eb.or([eb('scanned_at', 'is', null), eb('scanned_at', '<=', report.scannedAt)]),
    );
  const updated = await update.executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return;
  await bumpSnapshotCounter(db);
  await upsertDomainFacts(db, report);
}
