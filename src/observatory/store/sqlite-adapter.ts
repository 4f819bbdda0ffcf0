// Kysely's SqliteDialect expects a better-sqlite3-like database; Node 24's built-in `node:sqlite`
// needs no native build, so this small adapter maps one onto the other.
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';

const MAX_CACHED_STATEMENTS = 500;

import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Opens a SQLite file (or `:memory:`) tuned for one writer and many readers across processes. */
export function openSqliteDatabase(path: string): SqliteDatabase {
  const db = new DatabaseSync(path);
  // WAL lets readers run beside the writer; busy_timeout makes a second process wait instead of failing.
  db.exec(
    'PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;',
  );
  // Kysely prepares every query it runs; compiling the same SQL again costs more than running it, so
  // statements are kept by their text (bounded: `in (…)` lists make one text per list length).
  // Whether it returns rows is kept beside it: columns() builds a description of every column per call.
  const statements = new Map<string, { statement: StatementSync; reader: boolean }>();
  const prepared = (sql: string) => {
    let entry = statements.get(sql);
    if (entry === undefined) {
      const statement = db.prepare(sql);
      entry = { statement, reader: statement.columns().length > 0 };
      if (statements.size >= MAX_CACHED_STATEMENTS)
        statements.delete(statements.keys().next().value as string);
      statements.set(sql, entry);
    }
    return entry;
  };
  return {
    close: () => db.close(),
    prepare(sql: string): SqliteStatement {
      const { statement, reader } = prepared(sql);
      const params = (parameters: ReadonlyArray<unknown>) => parameters.map(toSqlValue);
      return {
        reader,
        all: (parameters) => statement.all(...params(parameters)),
        run: (parameters) => statement.run(...params(parameters)),
        iterate: (parameters) => statement.iterate(...params(parameters)),
      };
    },
  };
}

// node:sqlite binds only null, numbers, bigints, strings and bytes; better-sqlite3 also took booleans.
function toSqlValue(value: unknown): SQLInputValue {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === null || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string')
    return value;
  if (value instanceof Uint8Array) return value;
  throw new TypeError(`Cannot bind a ${typeof value} to a SQLite parameter`);
}
