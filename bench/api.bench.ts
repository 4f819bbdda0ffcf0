// Throughput of the observatory API on SQLite (and PostgreSQL with DATABASE_URL): one domain, a
// 100-domain lookup, the full snapshot (gzip) and its 304 revalidation, against N seeded domains.
// Run: node bench/api.bench.ts [--domains 1000] [--seconds 5]
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildServer } from '../src/observatory/api/server.ts';
import { createQueue } from '../src/observatory/queue/create-queue.ts';
import { openStore } from '../src/observatory/store/open-store.ts';
import { fixedReport } from '../test/support/observatory-scan.ts';

interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
// autocannon ships no types; this is the slice used here.
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  duration: number;
}) => Promise<AutocannonResult>;

export interface ApiBenchRow {
  name: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
}

export async function benchApi(opts: {
  domains: number;
  seconds: number;
  databaseUrl?: string;
}): Promise<ApiBenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hoplight-bench-'));
  const store = await openStore(
    opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : { sqlitePath: join(dir, 'bench.sqlite') },
  );
  const queue = await createQueue(store);
  try {
    const names = Array.from({ length: opts.domains }, (_, i) => `bench${i}.test`);
    for (const name of names) {
      const id = await queue.enqueue(name);
      await store.startScan(id, new Date());
      await store.completeScan(id, fixedReport(name), new Date());
    }
    const app = await buildServer({ store, queue, rateLimit: { max: 1e9, timeWindowMs: 60_000 } });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const etag = (await fetch(`${base}/api/v1/snapshot`)).headers.get('etag') ?? '';
    const lookupBody = JSON.stringify({ domains: names.slice(0, 100) });
    const cases: {
      name: string;
      url: string;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
    }[] = [
      { name: 'GET /domains/{d}', url: `${base}/api/v1/domains/bench7.test` },
      {
        name: 'POST /lookup (100)',
        url: `${base}/api/v1/lookup`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: lookupBody,
      },
      {
        name: `GET /snapshot (${opts.domains}, gzip)`,
        url: `${base}/api/v1/snapshot`,
        headers: { 'accept-encoding': 'gzip' },
      },
      { name: 'GET /snapshot 304', url: `${base}/api/v1/snapshot`, headers: { 'if-none-match': etag } },
    ];
    const rows: ApiBenchRow[] = [];
    for (const c of cases) {
      const r = await autocannon({ ...c, connections: 10, duration: opts.seconds });
      rows.push({
        name: c.name,
        requestsPerSecond: Math.round(r.requests.average),
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        non2xx: r.non2xx,
      });
    }
    await app.close();
    return rows;
  } finally {
    await queue.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { domains: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '5' } },
  });
  const rows = await benchApi({
    domains: Number(values.domains),
    seconds: Number(values.seconds),
    databaseUrl: process.env.DATABASE_URL,
  });
  console.table(rows);
}
