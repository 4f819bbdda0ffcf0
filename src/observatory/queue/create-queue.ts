// Picks the queue that fits the store: the SQLite job table, or pg-boss on PostgreSQL.
import type { Store } from '../store/store.ts';
import type { PgBossQueueOptions } from './pgboss-queue.ts';
import { type SqliteQueueOptions, SqliteScanQueue } from './sqlite-queue.ts';
import type { ScanQueue } from './types.ts';

export type QueueOptions = SqliteQueueOptions & PgBossQueueOptions;

export async function createQueue(store: Store, opts: QueueOptions = {}): Promise<ScanQueue> {
  if (store.kind === 'sqlite') return new SqliteScanQueue(store, opts);
  // pg-boss is loaded only when used (like the pg client), so a SQLite `serve` starts smaller.
  const { PgBossScanQueue } = await import('./pgboss-queue.ts');
  return PgBossScanQueue.start(store, opts);
}
