// What the store forgets, so that junk requests cannot grow it without bound: each domain keeps its
// newest scans only, and a domain where no scan ever found a server leaves the store (and with it the
// snapshot every extension downloads) once its last scan is old enough. Nothing in use is removed: a
// domain's latest report, its last scan and any queued or running scan stay.
import { sql } from 'kysely';
import type { Db } from './records.ts';
import { bumpSnapshotCounter } from './snapshot.ts';

export interface RetentionPolicy {
  /** Finished scans kept per domain, newest first (default 20; the latest report is always kept). */
  scansPerDomain: number;
  /** A domain that never had a reachable server is dropped this long after its last scan (default 7 days). */
  unreachableForMs: number;
  /** Finished SQLite queue jobs are kept this long for inspection (default 1 day). */
  finishedJobsForMs: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  scansPerDomain: 20,
  unreachableForMs: 7 * 86_400_000,
  finishedJobsForMs: 86_400_000,
};

export interface PruneResult {
  scansDeleted: number;
  domainsDropped: number;
}

const BATCH = 500;

/** Applies `policy` as of `now`, in batches (each its own transaction when `db` is not one). */
export async function pruneStore(db: Db, now: Date, policy: RetentionPolicy): Promise<PruneResult> {
  const result: PruneResult = { scansDeleted: 0, domainsDropped: 0 };
  for (;;) {
    const dropped = await inTransaction(db, (trx) =>
      dropUnreachableDomains(trx, now, policy.unreachableForMs),
    );
    result.domainsDropped += dropped;
    if (dropped < BATCH) break;
  }
  for (;;) {
    const deleted = await inTransaction(db, (trx) => deleteOldScans(trx, policy.scansPerDomain));
    result.scansDeleted += deleted;
    if (deleted < BATCH) break;
  }
  const jobsBefore = new Date(now.getTime() - policy.finishedJobsForMs).toISOString();
  await db
    .deleteFrom('scan_jobs')
    .where('state', 'in', ['done', 'failed'])
    .where('updated_at', '<', jobsBefore)
    .execute();
  return result;
}

function inTransaction<T>(db: Db, run: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/**
 * Domains no scan ever found reachable, whose last scan (or last request, for domains never scanned)
 * is older than the limit and none of whose scans is waiting or running: dropped with their history.
 */
async function dropUnreachableDomains(trx: Db, now: Date, unreachableForMs: number): Promise<number> {
  const before = new Date(now.getTime() - unreachableForMs).toISOString();
  const rows = await trx
    .selectFrom('domains')
    .select(['domain', 'summary'])
    .where('reachable_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('scanned_at', '<', before),
        eb.and([eb('scanned_at', 'is', null), eb('last_requested_at', '<', before)]),
      ]),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('scans')
            .select('scans.id')
            .whereRef('scans.domain', '=', 'domains.domain')
            .where('scans.status', 'in', ['queued', 'running']),
        ),
      ),
    )
    .orderBy('domain')
    .limit(BATCH)
    .execute();
  if (rows.length === 0) return 0;
  const domains = rows.map((r) => r.domain);
  await trx.deleteFrom('reports').where('domain', 'in', domains).execute();
  await trx.deleteFrom('scan_jobs').where('domain', 'in', domains).execute();
  await trx.deleteFrom('scans').where('domain', 'in', domains).execute();
  await trx.deleteFrom('domains').where('domain', 'in', domains).execute();
  if (rows.some((r) => r.summary !== null)) await bumpSnapshotCounter(trx);
  return rows.length;
}

/** Finished scans beyond the newest `keep` of their domain, other than the domain's latest report and scan. */
async function deleteOldScans(trx: Db, keep: number): Promise<number> {
  const { rows } = await sql<{ id: string }>`
    select id from (
      select s.id, row_number() over (partition by s.domain order by s.requested_at desc, s.id desc) as n
      from scans s
      where s.status in ('done', 'failed')
    ) ranked
    where n > ${Math.max(1, keep)}
      and id not in (select report_id from domains where report_id is not null)
      and id not in (select last_scan_id from domains where last_scan_id is not null)
    limit ${BATCH}`.execute(trx);
  if (rows.length === 0) return 0;
  const ids = rows.map((r) => r.id);
  await trx.deleteFrom('reports').where('id', 'in', ids).execute();
  await trx.deleteFrom('scan_jobs').where('id', 'in', ids).execute();
  await trx.deleteFrom('scans').where('id', 'in', ids).execute();
  return ids.length;
}
