// The directory's and statistics' row of a domain, written with the domain's latest report (in the same
// transaction) and read by directory.ts and network-stats.ts. The facts come from report-facts.ts.
import type { DomainReport } from '../../core/report.ts';
import { type DomainFacts, domainFacts, type ServiceFacts } from '../report-facts.ts';
import type { Db } from './records.ts';
import type { DomainFactsTable } from './schema.ts';

const bit = (value: boolean) => (value ? 1 : 0);

function serviceColumns<P extends 'c2s' | 's2s'>(prefix: P, facts: ServiceFacts) {
  return {
    [`${prefix}_grade`]: facts.grade,
    [`${prefix}_grade_rank`]: facts.gradeRank,
    [`${prefix}_encryption`]: facts.encryption,
    [`${prefix}_authentication`]: facts.authentication,
    [`${prefix}_availability`]: facts.availability,
    [`${prefix}_sslv3`]: bit(facts.sslv3),
    [`${prefix}_tls10`]: bit(facts.tls10),
    [`${prefix}_tls11`]: bit(facts.tls11),
    [`${prefix}_tls12`]: bit(facts.tls12),
    [`${prefix}_tls13`]: bit(facts.tls13),
    [`${prefix}_dnssec`]: bit(facts.dnssec),
    [`${prefix}_dane`]: facts.dane,
    [`${prefix}_posh`]: facts.posh,
    [`${prefix}_key_type`]: facts.keyType,
    [`${prefix}_key_bits`]: facts.keyBits,
    [`${prefix}_issuer`]: facts.issuer,
    [`${prefix}_mlkem`]: facts.mlkem === null ? null : bit(facts.mlkem),
  };
}

export function factsRow(facts: DomainFacts): DomainFactsTable {
  return {
    domain: facts.domain,
    scanned_at: facts.scannedAt,
    ...serviceColumns('c2s', facts.c2s),
    ...serviceColumns('s2s', facts.s2s),
  } as DomainFactsTable;
}

/** Writes (or replaces) the row of the report's domain; callers run it where the domain's latest report changes. */
export async function upsertDomainFacts(db: Db, report: DomainReport): Promise<void> {
  const row = factsRow(domainFacts(report));
  const { domain: _domain, ...columns } = row;
  await db
    .insertInto('domain_facts')
    .values(row)
    .onConflict((oc) => oc.column('domain').doUpdateSet(columns))
    .execute();
}

/** Up to `limit` domains with a latest report but no facts row yet (stored before migration 0003). */
export async function selectDomainsWithoutFacts(
  db: Db,
  limit: number,
): Promise<{ domain: string; report: DomainReport }[]> {
  const rows = await db
    .selectFrom('domains')
    .innerJoin('reports', 'reports.id', 'domains.report_id')
    .leftJoin('domain_facts', 'domain_facts.domain', 'domains.domain')
    .select(['domains.domain', 'reports.report'])
    .where('domain_facts.domain', 'is', null)
    .orderBy('domains.domain')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ domain: r.domain, report: JSON.parse(r.report) as DomainReport }));
}
