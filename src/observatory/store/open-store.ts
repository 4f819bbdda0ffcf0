// Opens the store on PostgreSQL (when a database URL is given) or on a SQLite file, migrated to the latest schema.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { migrateToLatest } from './migrations.ts';
import type { Schema } from './schema.ts';
import { openSqliteDatabase } from './sqlite-adapter.ts';
import { Store } from './store.ts';

export const DEFAULT_SQLITE_PATH = './data/hoplight.sqlite';

export interface OpenStoreOptions {
  /** `postgres://…`; wins over `sqlitePath` when set. */
  databaseUrl?: string;
  /** SQLite file, or `:memory:`; default `./data/hoplight.sqlite`. */
  sqlitePath?: string;
}

export async function openStore(opts: OpenStoreOptions = {}): Promise<Store> {
  if (opts.databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(opts.databaseUrl)) {
      throw new Error('DATABASE_URL must be a postgres:// or postgresql:// URL');
    }
    // Loaded only for PostgreSQL: a SQLite `serve` keeps the client's memory (about 12 MB) to itself.
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10 });
    // An idle connection dropped by the server must not crash the process; the pool reconnects.
    pool.on('error', (error) => process.emitWarning(`PostgreSQL connection lost: ${error.message}`));
    const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
    return migrated(new Store('postgres', db, opts.databaseUrl));
  }
  const path = opts.sqlitePath ?? DEFAULT_SQLITE_PATH;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Kysely<Schema>({
    dialect: new SqliteDialect({ database: async () => openSqliteDatabase(path) }),
  });
  return migrated(new Store('sqlite', db, null));
}

async function migrated(store: Store): Promise<Store> {
  try {
    await migrateToLatest(store.db as Kysely<unknown>);
    return store;
  } catch (error) {
    await store.db.destroy();
    throw error;
  }
}
