// The pages at the size of the real network: the seeded data set of bench/real-world-dataset.ts (10,000
// domains by default, full reports and some history) stored through the store's own writes, then the
// real `serve` answering 50 concurrent clients on /directory pages, /stats and /domain/{d}, each
// figure's p99 beside the 200 ms target. Printed, never asserted.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gradedForStorage } from '../src/observatory/regrade.ts';
import { openStore } from '../src/observatory/store/open-store.ts';
import { datasetDomain } from './real-world-dataset.ts';
import { autocannon, type Row, row, startServer, stopServer } from './support/bench-server.ts';

/** Reports are dated back from here, so every run stores the same data. */
const DATASET_NOW = new Date('2026-12-01T00:00:00.000Z');
const P99_TARGET_MS = 200;

/** Stores the data set through the store's own writes (scan rows, reports, summaries, directory rows). */
export async function seedDataset(
  path: string,
  count: number,
): Promise<{ domains: string[]; reports: number }> {
  const store = await openStore({ sqlitePath: path });
  const domains: string[] = [];
  let reports = 0;
  try {
    for (let start = 0; start < count; start += 500) {
      const batch = Array.from({ length: Math.min(500, count - start) }, (_, j) =>
        datasetDomain(start + j, DATASET_NOW),
      );
      const graded = batch.map((entry) => entry.reports.map(gradedForStorage));
      await store.db.transaction().execute(async (trx) => {
        for (const entry of graded) {
          for (const g of entry) {
            const id = crypto.randomUUID();
            const at = new Date(g.report.scannedAt);
            await store.insertScan(trx, { id, domain: g.report.domain, requestedAt: at });
            await store.completeScan(id, g, at, trx);
            reports++;
          }
        }
      });
      domains.push(...batch.map((entry) => entry.reports[0]?.domain ?? ''));
    }
  } finally {
    await store.close();
  }
  return { domains, reports };
}

export async function benchPages(opts: {
  domains: number;
  seconds: number;
  serverNodeOptions: string;
}): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hoplight-bench-pages-'));
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  try {
    const db = join(dir, 'pages.sqlite');
    const seedStart = performance.now();
    const seeded = await seedDataset(db, opts.domains);
    console.log(
      `stored the real-world-shaped data set: ${opts.domains.toLocaleString('en')} domains, ${seeded.reports.toLocaleString('en')} full reports, in ${Math.round((performance.now() - seedStart) / 1000)} s`,
    );
    server = await startServer(db, opts.serverNodeOptions);
    const { url } = server;
    // Latency under 50 clients is service time × queue length: a busy machine shows in every figure.
    console.log(
      `(machine: ${availableParallelism()} cores, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} before the page runs)`,
    );
    const names = seeded.domains;
    const random = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)] as T;
    const pages = Math.ceil(opts.domains / 50);
    const sorts = ['', 'sort=c2s&', 'sort=s2s&', 'sort=age&', 'sort=domain&order=desc&'];
    const filters = ['', 'encryption=optional&', 's2s=T&', 'auth=none&', 'c2s=A&', 'prefix=jabber&'];
    const figures: { name: string; path: () => string }[] = [
      {
        name: `/directory, random page of ${pages} and sort`,
        path: () => `/directory?${random(sorts)}page=${1 + Math.floor(Math.random() * pages)}`,
      },
      {
        name: '/directory, random filter and sort, first page',
        path: () => `/directory?${random(sorts)}${random(filters)}`,
      },
      { name: '/stats', path: () => '/stats' },
      { name: '/domain/{d}, random domain (full report)', path: () => `/domain/${random(names)}` },
    ];
    const rows: Row[] = [];
    for (const figure of figures) {
      // Warm once (the statistics are computed once per store revision), then 50 clients.
      await fetch(`${url}${figure.path()}`).then((r) => r.arrayBuffer());
      // One client first: its latency is the page's service time, which a loaded machine inflates far
      // less than the 50-client queue (the budget is about 3 ms a page for 50 clients on 2 cores).
      const alone = await autocannon({
        url,
        connections: 1,
        duration: Math.max(2, Math.round(opts.seconds / 3)),
        requests: [{ setupRequest: (req) => ({ ...req, path: figure.path() }) }],
      });
      console.log(
        `(${figure.name}, one client: service time p50 ${alone.latency.p50} ms, p99 ${alone.latency.p99} ms, load average ${loadavg()[0]?.toFixed(1)})`,
      );
      const result = await autocannon({
        url,
        connections: 50,
        duration: opts.seconds,
        requests: [{ setupRequest: (req) => ({ ...req, path: figure.path() }) }],
      });
      if (result.non2xx > 0 || result.errors > 0)
        console.log(`(${figure.name}: ${result.non2xx} non-2xx, ${result.errors} errors)`);
      rows.push(row(`${figure.name}, 50 clients, p99`, result.latency.p99, 'ms', P99_TARGET_MS, 'below'));
      console.log(
        `(${figure.name}: p50 ${result.latency.p50} ms, ${Math.round(result.requests.average).toLocaleString('en')} req/s)`,
      );
    }
    return rows;
  } finally {
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
}
