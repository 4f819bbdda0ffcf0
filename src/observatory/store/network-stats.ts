// The network's statistics as a handful of aggregate queries: one pass over domain_facts for every
// yes/no fact, a GROUP BY per distribution, and the grade history from the reports' covering index.
import { sql } from 'kysely';
import type { Db } from './records.ts';

/** A count per service. */
export interface ServiceCounts {
  c2s: number;
  s2s: number;
}

/** Label → counts per service. */
export type Distribution = Record<string, ServiceCounts>;

export interface NetworkStats {
  /** Domains with a report. */
  domains: number;
  /** Domains whose service some target answered: the denominator of every share below. */
  served: ServiceCounts;
  grades: Distribution;
  /** Domains offering each version (SSLv3 counts SSLv2 too). */
  versions: Distribution;
  encryption: Distribution;
  /** DNSSEC-validated targets, valid DANE, valid POSH. */
  adoption: Distribution;
  /** `RSA 2048`, `EC 256`, … of the primary leaf. */
  keys: Distribution;
  /** The most frequent certificate issuers (organisation), at most `topIssuers`. */
  issuers: Distribution;
  /** Domains that accept an ML-KEM hybrid group, and those whose scan recorded groups at all. */
  mlkem: { offered: ServiceCounts; recorded: ServiceCounts };
  /** Reports made per month (`YYYY-MM`) by grade, oldest month first. */
  history: { month: string; c2s: Record<string, number>; s2s: Record<string, number> }[];
}

const FLAGS = ['sslv3', 'tls10', 'tls11', 'tls12', 'tls13', 'dnssec'] as const;

export async function selectNetworkStats(
  db: Db,
  opts: { historySince: string; topIssuers: number },
): Promise<NetworkStats> {
  // Every yes/no fact of both services in one pass.
  const sums = await db
    .selectFrom('domain_facts')
    .select((eb) => [
      eb.fn.countAll().as('domains'),
      ...(['c2s', 's2s'] as const).flatMap((s) => [
        sql<number>`sum(case when ${sql.ref(`${s}_availability`)} = 'served' then 1 else 0 end)`.as(
          `${s}_served`,
        ),
        sql<number>`sum(case when ${sql.ref(`${s}_dane`)} = 'valid' then 1 else 0 end)`.as(`${s}_dane`),
        sql<number>`sum(case when ${sql.ref(`${s}_posh`)} = 'valid' then 1 else 0 end)`.as(`${s}_posh`),
        sql<number>`sum(case when ${sql.ref(`${s}_mlkem`)} = 1 then 1 else 0 end)`.as(`${s}_mlkem`),
        sql<number>`sum(case when ${sql.ref(`${s}_mlkem`)} is not null then 1 else 0 end)`.as(`${s}_groups`),
        ...FLAGS.map((flag) => sql<number>`sum(${sql.ref(`${s}_${flag}`)})`.as(`${s}_${flag}`)),
      ]),
    ])
    .executeTakeFirstOrThrow();
  const n = (key: string) => Number((sums as Record<string, unknown>)[key] ?? 0);
  const both = (key: string): ServiceCounts => ({ c2s: n(`c2s_${key}`), s2s: n(`s2s_${key}`) });

  const grades = await distribution(db, 'grade', null);
  const encryption = await distribution(db, 'encryption', null);
  const keys = await distribution(db, 'key', null);
  const issuers = await distribution(db, 'issuer', opts.topIssuers);
  return {
    domains: n('domains'),
    served: both('served'),
    grades,
    versions: {
      'SSLv3 or older': both('sslv3'),
      'TLS 1.0': both('tls10'),
      'TLS 1.1': both('tls11'),
      'TLS 1.2': both('tls12'),
      'TLS 1.3': both('tls13'),
    },
    encryption,
    adoption: { DNSSEC: both('dnssec'), DANE: both('dane'), POSH: both('posh') },
    keys,
    issuers,
    mlkem: { offered: both('mlkem'), recorded: both('groups') },
    history: await gradeHistory(db, opts.historySince),
  };
}

/** Counts per value of one fact for both services; `limit` keeps the most frequent values. */
async function distribution(
  db: Db,
  fact: 'grade' | 'encryption' | 'key' | 'issuer',
  limit: number | null,
): Promise<Distribution> {
  const result: Distribution = {};
  for (const service of ['c2s', 's2s'] as const) {
    // The key's label is its type and size; every other fact is one column.
    const label =
      fact === 'key'
        ? sql<string | null>`${sql.ref(`${service}_key_type`)} || ' ' || ${sql.ref(`${service}_key_bits`)}`
        : sql<string | null>`${sql.ref(`${service}_${fact}`)}`;
    const rows = await db
      .selectFrom('domain_facts')
      .select([label.as('label'), (eb) => eb.fn.countAll().as('n')])
      .where(sql.ref(`${service}_availability`), '=', 'served')
      .groupBy(sql.ref('label'))
      .execute();
    for (const row of rows) {
      const key = row.label ?? 'none';
      result[key] ??= { c2s: 0, s2s: 0 };
      result[key][service] += Number(row.n);
    }
  }
  if (limit === null) return result;
  const top = Object.entries(result)
    .filter(([key]) => key !== 'none')
    .sort(([, a], [, b]) => b.c2s + b.s2s - (a.c2s + a.s2s))
    .slice(0, limit);
  return Object.fromEntries(top);
}

/** Reports per month and grade since `since`, read from the reports_scanned_grades index alone. */
async function gradeHistory(db: Db, since: string): Promise<NetworkStats['history']> {
  const months = new Map<string, { c2s: Record<string, number>; s2s: Record<string, number> }>();
  for (const service of ['c2s', 's2s'] as const) {
    const grade = sql.ref(`${service}_grade`);
    const rows = await db
      .selectFrom('reports')
      .select([
        sql<string>`substr(scanned_at, 1, 7)`.as('month'),
        sql<string | null>`${grade}`.as('grade'),
        (eb) => eb.fn.countAll().as('n'),
      ])
      .where('scanned_at', '>=', since)
      .groupBy([sql.ref('month'), grade])
      .execute();
    for (const row of rows) {
      const entry = months.get(row.month) ?? { c2s: {}, s2s: {} };
      entry[service][row.grade ?? 'none'] = Number(row.n);
      months.set(row.month, entry);
    }
  }
  return [...months.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([month, v]) => ({ month, ...v }));
}
