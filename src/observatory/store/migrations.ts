// One migration list for SQLite and PostgreSQL: only column types both understand (text, integer).

import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { errorText } from '../../core/error-text.ts';
import { createDomainFactsTable, dropDomainFactsTable } from './domain-facts-migration.ts';

const migrations: Record<string, Migration> = {
  '0001-initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('reports')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('domain', 'text', (c) => c.notNull())
        .addColumn('scanned_at', 'text', (c) => c.notNull())
        .addColumn('rubric_version', 'integer', (c) => c.notNull())
        .addColumn('report_version', 'integer', (c) => c.notNull())
        .addColumn('c2s_grade', 'text')
        .addColumn('s2s_grade', 'text')
        .addColumn('report', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('reports_domain_scanned')
        .on('reports')
        .columns(['domain', 'scanned_at'])
        .execute();
      await db.schema.createIndex('reports_rubric').on('reports').column('rubric_version').execute();

      await db.schema
        .createTable('scans')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('domain', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('requested_at', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('finished_at', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('error', 'text')
        .addColumn('report_id', 'text')
        .execute();
      await db.schema.createIndex('scans_domain').on('scans').columns(['domain', 'requested_at']).execute();
      await db.schema.createIndex('scans_status').on('scans').column('status').execute();

      await db.schema
        .createTable('domains')
        .addColumn('domain', 'text', (c) => c.primaryKey())
        .addColumn('report_id', 'text')
        .addColumn('scanned_at', 'text')
        .addColumn('rubric_version', 'integer')
        .addColumn('c2s_grade', 'text')
        .addColumn('s2s_grade', 'text')
        .addColumn('summary', 'text')
        .addColumn('last_scan_id', 'text')
        .addColumn('last_requested_at', 'text')
        .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('domains_rubric').on('domains').column('rubric_version').execute();

      await db.schema
        .createTable('scan_jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('domain', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('scan_jobs_state')
        .on('scan_jobs')
        .columns(['state', 'created_at'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['scan_jobs', 'domains', 'scans', 'reports'])
        await db.schema.dropTable(table).execute();
    },
  },
  // One counter bumped with every summary change: the snapshot's ETag reads one row instead of summing
  // a column over every domain on each request.
  '0002-counters': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('counters')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'integer', (c) => c.notNull())
        .execute();
      await sql`insert into counters (name, value) select 'snapshot', coalesce(sum(revision), 0) from domains`.execute(
        db,
      );
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('counters').execute();
    },
  },
  '0003-directory-and-stats': {
    async up(db: Kysely<unknown>) {
      await createDomainFactsTable(db);
    },
    async down(db: Kysely<unknown>) {
      await dropDomainFactsTable(db);
    },
  },
  // Who asked for each scan (a client key, for the per-client share of the queue) and when a domain last
  // had a reachable server (retention drops domains that never had one).
  '0004-clients-and-retention': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('scans').addColumn('requested_by', 'text').execute();
      await db.schema
        .createIndex('scans_requested_by')
        .on('scans')
        .columns(['requested_by', 'requested_at'])
        .execute();
      await db.schema.alterTable('domains').addColumn('reachable_at', 'text').execute();
      await sql`update domains set reachable_at = scanned_at where summary like '%"availability":"served"%'`.execute(
        db,
      );
      await db.schema.createIndex('domains_scanned').on('domains').column('scanned_at').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('domains_scanned').execute();
      await db.schema.alterTable('domains').dropColumn('reachable_at').execute();
      await db.schema.dropIndex('scans_requested_by').execute();
      await db.schema.alterTable('scans').dropColumn('requested_by').execute();
    },
  },
};

// Migrations live in code rather than files so the same list ships in any bundle and runs on both dialects.
const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema to the latest migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Database migration ${failed} failed: ${errorText(error)}`);
  }
}
