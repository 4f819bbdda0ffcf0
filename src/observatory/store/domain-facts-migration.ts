// Migration 0003: the directory's and the statistics' table (one row per domain, see schema.ts
// DomainFactsTable) with the indexes their queries sort and range on, and the index the grade history
// reads reports through. Rows are filled as reports are stored; existing reports by backfillDomainFacts.
import type { Kysely } from 'kysely';

const SERVICE_COLUMNS = [
  ['grade', 'text', false],
  ['grade_rank', 'integer', true],
  ['encryption', 'text', true],
  ['authentication', 'text', true],
  ['availability', 'text', true],
  ['sslv3', 'integer', true],
  ['tls10', 'integer', true],
  ['tls11', 'integer', true],
  ['tls12', 'integer', true],
  ['tls13', 'integer', true],
  ['dnssec', 'integer', true],
  ['dane', 'text', true],
  ['posh', 'text', true],
  ['key_type', 'text', false],
  ['key_bits', 'integer', false],
  ['issuer', 'text', false],
  ['mlkem', 'integer', false],
] as const;

export async function createDomainFactsTable(db: Kysely<unknown>): Promise<void> {
  let table = db.schema
    .createTable('domain_facts')
    .addColumn('domain', 'text', (c) => c.primaryKey())
    .addColumn('scanned_at', 'text', (c) => c.notNull());
  for (const service of ['c2s', 's2s'])
    for (const [name, type, notNull] of SERVICE_COLUMNS)
      table = table.addColumn(`${service}_${name}`, type, (c) => (notNull ? c.notNull() : c));
  await table.execute();
  // The directory sorts by either grade or by age, a page at a time, ties broken by domain.
  for (const [name, columns] of [
    ['domain_facts_c2s_grade', ['c2s_grade_rank', 'domain']],
    ['domain_facts_s2s_grade', ['s2s_grade_rank', 'domain']],
    ['domain_facts_scanned', ['scanned_at', 'domain']],
  ] as const) {
    await db.schema
      .createIndex(name)
      .on('domain_facts')
      .columns([...columns])
      .execute();
  }
  // The grade history counts reports per month and grade from this index alone, never the report text.
  await db.schema
    .createIndex('reports_scanned_grades')
    .on('reports')
    .columns(['scanned_at', 'c2s_grade', 's2s_grade'])
    .execute();
}

export async function dropDomainFactsTable(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('reports_scanned_grades').execute();
  await db.schema.dropTable('domain_facts').execute();
}
