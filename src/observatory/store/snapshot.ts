// Everything at once: the snapshot of every summary, its revision counter, and the statistics.
import type { Db, StoreStats } from './records.ts';
import type { ScanStatus } from './schema.ts';

/** A number that changes whenever any summary in the snapshot does (one row read). */
export async function snapshotRevision(db: Db): Promise<number> {
  const row = await db
    .selectFrom('counters')
    .select('value')
    .where('name', '=', 'snapshot')
    .executeTakeFirstOrThrow();
  return Number(row.value);
}

/** Marks the snapshot as changed; callers run it in the transaction that changed a summary. */
export async function bumpSnapshotCounter(db: Db): Promise<void> {
  await db
    .updateTable('counters')
    .set((eb) => ({ value: eb('value', '+', 1) }))
    .where('name', '=', 'snapshot')
    .execute();
}

/** Every known summary as its stored JSON text, ordered by domain, `pageSize` at a time. */
export async function* summaryPages(
  db: Db,
  pageSize: number,
): AsyncGenerator<{ domain: string; summary: string }[]> {
  let after = '';
  for (;;) {
    const rows = await db
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

export async function selectStats(db: Db): Promise<StoreStats> {
  const domainRows = await db.selectFrom('domains').select(['c2s_grade', 's2s_grade', 'report_id']).execute();
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
  const scanRows = await db
    .selectFrom('scans')
    .select((eb) => ['status', eb.fn.countAll().as('n')])
    .groupBy('status')
    .execute();
  const scans: Record<ScanStatus, number> = { queued: 0, running: 0, done: 0, failed: 0 };
  for (const row of scanRows) scans[row.status] = Number(row.n);
  return { domains: domainRows.length, scanned, grades, scans };
}
