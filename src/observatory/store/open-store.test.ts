import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from './open-store.ts';
import { openSqliteDatabase } from './sqlite-adapter.ts';

const dir = mkdtempSync(join(tmpdir(), 'hoplight-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openStore', () => {
  it('creates the folder and migrates a new SQLite file; reopening migrates nothing twice', async () => {
    const path = join(dir, 'nested', 'store.sqlite');
    const first = await openStore({ sqlitePath: path });
    expect(first.kind).toBe('sqlite');
    await first.close();
    const second = await openStore({ sqlitePath: path });
    const migrations = await second.db
      .selectFrom('kysely_migration' as never)
      .select('name' as never)
      .execute();
    expect(migrations).toEqual([
      { name: '0001-initial' },
      { name: '0002-counters' },
      { name: '0003-directory-and-stats' },
      { name: '0004-clients-and-retention' },
    ]);
    await second.close();
  });

  it('refuses a database URL that is not PostgreSQL', async () => {
    await expect(openStore({ databaseUrl: 'mysql://localhost/hoplight' })).rejects.toThrow(/postgres:\/\//);
  });

  it('fails with the SQLite error when the path is a folder', async () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    await expect(openStore({ sqlitePath: folder })).rejects.toThrow(/unable to open database file/);
  });
});

describe('openSqliteDatabase', () => {
  it('binds booleans and undefined as SQLite does not, and refuses objects', () => {
    const db = openSqliteDatabase(':memory:');
    db.prepare('CREATE TABLE t (a, b)').run([]);
    db.prepare('INSERT INTO t VALUES (?, ?)').run([true, undefined]);
    expect(db.prepare('SELECT a, b FROM t').all([])).toEqual([{ a: 1, b: null }]);
    expect(() => db.prepare('INSERT INTO t VALUES (?, ?)').run([{}, 1])).toThrow(/Cannot bind a object/);
    db.close();
  });

  it('tells readers from writers', () => {
    const db = openSqliteDatabase(':memory:');
    expect(db.prepare('SELECT 1 AS x').reader).toBe(true);
    expect(db.prepare('CREATE TABLE u (a)').reader).toBe(false);
    db.close();
  });
});
