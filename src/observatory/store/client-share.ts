// What one client has asked of the scan queue: its scans still waiting, and every scan it asked for
// since a moment (the per-client share and hourly budget in ../queue/request-scan.ts).
import type { Db } from './records.ts';

export interface ClientUsage {
  /** Its scans not started yet. */
  queued: number;
  /** Its scans requested at or after `since`, whatever became of them. */
  requestedSince: number;
  /** The oldest of those (ISO), to tell it when the hourly budget frees up; null when none. */
  oldestSince: string | null;
}

export async function selectClientUsage(db: Db, client: string, since: Date): Promise<ClientUsage> {
  const recent = await db
    .selectFrom('scans')
    .select((eb) => [eb.fn.countAll().as('n'), eb.fn.min('requested_at').as('oldest')])
    .where('requested_by', '=', client)
    .where('requested_at', '>=', since.toISOString())
    .executeTakeFirstOrThrow();
  const queued = await db
    .selectFrom('scans')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('requested_by', '=', client)
    .where('status', '=', 'queued')
    .executeTakeFirstOrThrow();
  return {
    queued: Number(queued.n),
    requestedSince: Number(recent.n),
    oldestSince: (recent.oldest as string | null) ?? null,
  };
}
