// Picks the queue that fits the store: the SQLite job table, or pg-boss on PostgreSQL.
import type { Store } from '../store/store.ts';
import { type PgBossQueueOptions, PgBossScanQueue } from './pgboss-queue.ts';
import { type SqliteQueueOptions, SqliteScanQueue } from './sqlite-queue.ts';
import type { ScanQueue } from './types.ts';

export type QueueOptions = SqliteQueueOptions & PgBossQueueOptions;

export async function createQueue(store: Store, opts: QueueOptions = {}): Promise<ScanQueue> {
  return store.kind === 'postgres' ? PgBossScanQueue.start(store, opts) : new SqliteScanQueue(store, opts);
}
