// The observatory API on SQLite against the issue's targets, printed (never asserted): cached
// `GET /api/v1/domains/{d}` throughput, `POST /api/v1/lookup` of 500 domains p99, the compact snapshot
// of 100,000 synthetic domains, the server's RSS under load, and 500 clients for 30 s without a 5xx.
// The server is the real `hoplight-observatory serve` in a child process, so its RSS is its own.
// Then the pages at the real network's size (pages-at-scale.ts: /directory, /stats, /domain/{d} over
// 10,000 real-world-shaped domains, 50 clients, p99 < 200 ms each), and the load-and-abuse phase
// (api-abuse.ts) against a fresh `serve --trust-proxy` with default limits.
// Run: node bench/api.bench.ts [--domains 100000] [--seconds 10] [--soak-seconds 30] [--page-domains 10000] [--abuse-seconds 30]
//        [--server-node-options=FLAGS]  (V8 flags for the server process only; default: those `npm start` uses)
//        [--only-abuse]  (seed, then just the load-and-abuse phase: `npm run bench:api -- --only-abuse`
//                         does not pass through bench/run.ts; run `node bench/api.bench.ts --only-abuse`)

import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { errorText } from '../src/core/error-text.ts';
import { SERVE_V8_FLAGS } from '../src/observatory/commands/serve-flags.ts';
import { openStore } from '../src/observatory/store/open-store.ts';
import { fiveXxOf, HONEST_REQUESTS_PER_SECOND, responses, runAbuse } from './api-abuse.ts';
import { syntheticDomainRow, syntheticSummary } from './api-synthetic.ts';
import { benchPages } from './pages-at-scale.ts';
import { autocannon, RATE_LIMIT, type Row, row, startServer, stopServer } from './support/bench-server.ts';

/** Writes `count` synthetic domains straight into the store's tables, in batches (minutes faster than scanning). */
async function seed(path: string, count: number): Promise<string[]> {
  const store = await openStore({ sqlitePath: path });
  const names: string[] = [];
  try {
    for (let start = 0; start < count; start += 1000) {
      const batch = Array.from({ length: Math.min(1000, count - start) }, (_, j) =>
        syntheticSummary(start + j),
      );
      await store.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('scans')
          .values(
            batch.map((s) => ({
              id: crypto.randomUUID(),
              domain: s.domain,
              status: 'done' as const,
              requested_at: s.scannedAt,
              started_at: s.scannedAt,
              finished_at: s.scannedAt,
              attempts: 1,
              error: null,
              report_id: null,
            })),
          )
          .execute();
        const ids = await trx
          .selectFrom('scans')
          .select(['id', 'domain'])
          .where(
            'domain',
            'in',
            batch.map((s) => s.domain),
          )
          .execute();
        const idOf = new Map(ids.map((r) => [r.domain, r.id]));
        await trx
          .insertInto('domains')
          .values(batch.map((s) => syntheticDomainRow(s, idOf.get(s.domain) ?? null)))
          .execute();
      });
      names.push(...batch.map((s) => s.domain));
    }
    await store.bumpSnapshotCounter();
  } finally {
    await store.close();
  }
  return names;
}

/** Scans the given clients have waiting in the store (read after the run, from the same file). */
async function scansQueuedBy(path: string, clients: string[]): Promise<number> {
  const store = await openStore({ sqlitePath: path });
  try {
    const row = await store.db
      .selectFrom('scans')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('requested_by', 'in', clients)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  } finally {
    await store.close();
  }
}

/** Samples a process's resident set size (Linux /proc) until stopped; returns the largest, in MB. */
function sampleRss(pid: number): { stop(): number; peakSoFar(): number } {
  let max = 0;
  const read = () => {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      max = Math.max(max, kb / 1024);
    } catch {
      // The process is gone: keep what was seen.
    }
  };
  read();
  const timer = setInterval(read, 100);
  return {
    peakSoFar: () => Math.round(max),
    stop() {
      clearInterval(timer);
      read();
      return max;
    },
  };
}

/** GET with `accept-encoding: gzip`, counting the bytes on the wire (fetch would inflate them). */
async function rawGet(url: string): Promise<{ bytes: number; etag: string }> {
  const response = await new Promise<IncomingMessage>((resolve, reject) =>
    httpGet(url, { headers: { 'accept-encoding': 'gzip' } }, resolve).on('error', reject),
  );
  let bytes = 0;
  for await (const chunk of response) bytes += (chunk as Buffer).byteLength;
  if (response.statusCode !== 200 || response.headers['content-encoding'] !== 'gzip')
    throw new Error(
      `${url} answered ${response.statusCode} ${response.headers['content-encoding'] ?? 'plain'}`,
    );
  return { bytes, etag: String(response.headers.etag ?? '') };
}

/**
 * rawGet, asked once more after a hang-up: on a loaded machine the first build of the full snapshot
 * can outlast serve's 15 s idle timeout, which closes the connection; the build is cached by then.
 */
async function rawGetRetried(url: string): Promise<{ bytes: number; etag: string }> {
  try {
    return await rawGet(url);
  } catch (err) {
    console.log(`(${url} failed once: ${errorText(err)}; asking again)`);
    return await rawGet(url);
  }
}

export async function benchApi(opts: {
  domains: number;
  seconds: number;
  soakSeconds: number;
  abuseSeconds: number;
  /** V8 flags of the server process only, on its command line (the CLI default: the flags `npm start` gives `serve`). */
  serverNodeOptions: string;
}): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hoplight-bench-'));
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  try {
    const db = join(dir, 'bench.sqlite');
    const seedStart = performance.now();
    const names = await seed(db, opts.domains);
    console.log(
      `seeded ${names.length.toLocaleString('en')} synthetic domains in ${Math.round(performance.now() - seedStart)} ms`,
    );
    server = await startServer(db, opts.serverNodeOptions);
    const { url } = server;
    const rss = sampleRss(server.child.pid as number);
    console.log(`(serve RSS at start, before any request: ${rss.peakSoFar()} MB)`);
    const rows: Row[] = [];
    const random = () => names[Math.floor(Math.random() * names.length)] as string;

    // The snapshot first: its bodies are built once per tag, as every later client would find them.
    const compact = await rawGet(`${url}/api/v1/snapshot?format=compact`);
    rows.push(
      row(
        `snapshot ?format=compact, ${names.length.toLocaleString('en')} domains, gzip`,
        compact.bytes / 1e6,
        'MB',
        2,
        'below',
      ),
    );
    const full = await rawGet(`${url}/api/v1/snapshot`);
    console.log(`(full snapshot, same domains, gzip: ${(full.bytes / 1e6).toFixed(2)} MB)`);
    console.log(`(serve RSS peak after building both snapshots: ${rss.peakSoFar()} MB)`);
    const one = await autocannon({
      url: `${url}/api/v1/domains/${names[7]}`,
      // 50 clients: with fewer, autocannon on the other core is the bottleneck, not the server.
      connections: 50,
      duration: opts.seconds,
    });
    rows.push(
      row(
        'GET /api/v1/domains/{d}, same domain, 50 clients',
        Math.round(one.requests.average),
        'req/s',
        10_000,
        'above',
      ),
    );
    const many = await autocannon({
      url,
      connections: 50,
      duration: opts.seconds,
      requests: [{ setupRequest: (req) => ({ ...req, path: `/api/v1/domains/${random()}` }) }],
    });
    console.log(
      `(GET /api/v1/domains/{d}, random domains: ${Math.round(many.requests.average).toLocaleString('en')} req/s)`,
    );

    console.log(`(serve RSS peak after the GET runs: ${rss.peakSoFar()} MB)`);
    const lookupBody = JSON.stringify({ domains: Array.from({ length: 500 }, random) });
    const lookup = await autocannon({
      url: `${url}/api/v1/lookup`,
      connections: 1,
      duration: opts.seconds,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: lookupBody,
    });
    rows.push(row('POST /api/v1/lookup, 500 domains, p99 (1 client)', lookup.latency.p99, 'ms', 25, 'below'));
    console.log(
      `(lookup of 500: p50 ${lookup.latency.p50} ms, ${Math.round(lookup.requests.average)} req/s, non-2xx ${lookup.non2xx})`,
    );

    console.log(`(serve RSS peak after the lookup run: ${rss.peakSoFar()} MB)`);
    const soak = await autocannon({
      url,
      connections: 500,
      duration: opts.soakSeconds,
      requests: [
        { setupRequest: (req) => ({ ...req, path: `/api/v1/domains/${random()}` }) },
        {
          method: 'POST',
          path: '/api/v1/lookup',
          headers: { 'content-type': 'application/json' },
          setupRequest: (req) => ({
            ...req,
            body: JSON.stringify({ domains: Array.from({ length: 20 }, random) }),
          }),
        },
        // Extensions revalidate their copy of the snapshot: 304 unless it changed.
        {
          method: 'GET',
          path: '/api/v1/snapshot?format=compact',
          headers: { 'accept-encoding': 'gzip', 'if-none-match': compact.etag },
        },
      ],
    });
    rows.push(
      row(
        `500 clients × ${opts.soakSeconds} s (domain, lookup of 20, snapshot 304): 5xx`,
        soak['5xx'],
        'responses',
        1,
        'below',
      ),
    );
    console.log(
      `(soak: ${soak.requests.total.toLocaleString('en')} requests, ${Math.round(soak.requests.average)} req/s, p99 ${soak.latency.p99} ms, non-2xx (the 304s) ${soak.non2xx}, errors ${soak.errors}, timeouts ${soak.timeouts})`,
    );
    rows.push(row('serve RSS, peak under all of the above', Math.round(rss.stop()), 'MB', 200, 'below'));

    server.child.kill('SIGTERM');
    await once(server.child, 'exit');
    server = null;
    rows.push(...(await benchAbuse(db, names, opts)));
    return rows;
  } finally {
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Load and abuse (api-abuse.ts): a fresh `serve` as deployed behind a proxy, with the default
 * per-client limits and the flags `npm start` uses.
 */
async function benchAbuse(
  db: string,
  names: string[],
  opts: { abuseSeconds: number; serverNodeOptions: string },
): Promise<Row[]> {
  const server = await startServer(db, opts.serverNodeOptions, ['--trust-proxy', '127.0.0.1']);
  try {
    const rows: Row[] = [];
    const abuseRss = sampleRss(server.child.pid as number);
    const fullEtag = (await rawGetRetried(`${server.url}/api/v1/snapshot`)).etag;
    const compactEtag = (await rawGetRetried(`${server.url}/api/v1/snapshot?format=compact`)).etag;
    const loadBefore = loadavg()[0] ?? 0;
    const abuse = await runAbuse({
      url: server.url,
      names,
      seconds: opts.abuseSeconds,
      etags: { compact: compactEtag, full: fullEtag },
    });
    const loadAfter = loadavg()[0] ?? 0;
    const honest = abuse.honest.all;
    const label = `500 honest clients + 2 abusers × ${opts.abuseSeconds} s`;
    rows.push(row(`${label}: 5xx`, abuse.fiveXx, 'responses', 1, 'below'));
    rows.push(row(`${label}: honest p99`, honest.p99, 'ms', 50, 'below'));
    rows.push(row(`${label}: honest answered 429`, honest.statuses['429'] ?? 0, 'responses', 1, 'below'));
    // Throttled: what the server did for the abusers (answers other than 429) stays within their
    // request limit, 300 a minute each. (They also ask far less often than they would: each 429
    // is held a second, so a closed loop of 10 connections asks about 10 times a second.)
    const abuserTotal = abuse.abusers.requests.total;
    const abuserServed = abuserTotal - responses(abuse.abusers, 429);
    rows.push(
      row(
        `${label}: abusers' requests served (not 429), per abuser-minute`,
        abuserServed / (2 * (opts.abuseSeconds / 60)),
        'requests',
        300,
        'below',
      ),
    );
    const queuedByAbusers = await scansQueuedBy(db, ['192.0.2.1', '192.0.2.2']);
    rows.push(
      row(`${label}: scans the abusers got queued (share 50 each)`, queuedByAbusers, 'scans', 101, 'below'),
    );
    rows.push(row(`${label}: serve RSS peak`, Math.round(abuseRss.stop()), 'MB', 200, 'below'));
    console.log(
      `(honest, open loop at ${HONEST_REQUESTS_PER_SECOND}/s each: ${abuse.honest.total.toLocaleString('en')} requests, ` +
        `p50 ${honest.p50} ms, p99 ${honest.p99} ms, max ${honest.max} ms, statuses ${JSON.stringify(honest.statuses)}, ` +
        `errors ${honest.errors}, timeouts ${honest.timeouts}; sent late by p50 ${abuse.honest.sendLag.p50} ms, ` +
        `p99 ${abuse.honest.sendLag.p99} ms (the load generator's own delay, included in the latencies))`,
    );
    console.log('(honest, by kind: requests, p50, p99, max, statuses)');
    for (const [kind, k] of Object.entries(abuse.honest.byKind))
      console.log(
        `(  ${kind.padEnd(38)} ${String(k.count).padStart(6)}  p50 ${String(k.p50).padStart(6)} ms  p99 ${String(k.p99).padStart(6)} ms  max ${String(k.max).padStart(6)} ms  ${JSON.stringify(k.statuses)}${k.errors + k.timeouts > 0 ? ` errors ${k.errors} timeouts ${k.timeouts}` : ''})`,
      );
    console.log(
      `(abusers, closed loop, ${abuse.abusers.requests.total.toLocaleString('en')} requests: ` +
        `statuses ${JSON.stringify(Object.fromEntries(Object.entries(abuse.abusers.statusCodeStats).map(([k, v]) => [k, v.count])))}, ` +
        `5xx ${fiveXxOf(abuse.abusers)}, errors ${abuse.abusers.errors}, timeouts ${abuse.abusers.timeouts}; ` +
        `load average ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after the run, on ${availableParallelism()} cores)`,
    );
    return rows;
  } finally {
    await stopServer(server);
  }
}

/** `--only-abuse`: seeds a store and runs just the load-and-abuse phase. */
async function benchAbuseOnly(opts: {
  domains: number;
  abuseSeconds: number;
  serverNodeOptions: string;
}): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hoplight-bench-'));
  try {
    const db = join(dir, 'bench.sqlite');
    const names = await seed(db, opts.domains);
    console.log(`seeded ${names.length.toLocaleString('en')} synthetic domains`);
    return await benchAbuse(db, names, opts);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  let values: {
    domains: string;
    seconds: string;
    'soak-seconds': string;
    'page-domains': string;
    'abuse-seconds': string;
    'server-node-options': string;
    'only-abuse': boolean;
  };
  try {
    ({ values } = parseArgs({
      options: {
        domains: { type: 'string', default: '100000' },
        seconds: { type: 'string', default: '10' },
        'soak-seconds': { type: 'string', default: '30' },
        'page-domains': { type: 'string', default: '10000' },
        'abuse-seconds': { type: 'string', default: '30' },
        'server-node-options': { type: 'string', default: SERVE_V8_FLAGS.join(' ') },
        'only-abuse': { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    console.error(
      `${errorText(error)}\nusage: node bench/api.bench.ts [--domains N] [--seconds N] [--soak-seconds N] [--page-domains N] [--abuse-seconds N] [--server-node-options=FLAGS] [--only-abuse]`,
    );
    process.exit(2);
  }
  for (const name of ['domains', 'seconds', 'soak-seconds', 'page-domains', 'abuse-seconds'] as const) {
    if (!(Number(values[name]) > 0)) {
      console.error(`--${name} wants a positive number, got "${values[name]}".`);
      process.exit(2);
    }
  }
  if (values['only-abuse']) {
    console.log(`Load-and-abuse phase only; server V8 flags: ${values['server-node-options'] || 'none'}.`);
    console.table(
      await benchAbuseOnly({
        domains: Number(values.domains),
        abuseSeconds: Number(values['abuse-seconds']),
        serverNodeOptions: values['server-node-options'],
      }),
    );
    process.exit(0);
  }
  console.log(
    `API benchmark on SQLite, server in a child process; per-client rate limit raised to ${RATE_LIMIT.toLocaleString('en')}/min ` +
      '(every benchmark client is 127.0.0.1; the default of 300/min would answer 429); ' +
      `server V8 flags: ${values['server-node-options'] || 'none'}.`,
  );
  const rows = await benchApi({
    domains: Number(values.domains),
    seconds: Number(values.seconds),
    soakSeconds: Number(values['soak-seconds']),
    abuseSeconds: Number(values['abuse-seconds']),
    serverNodeOptions: values['server-node-options'],
  });
  rows.push(
    ...(await benchPages({
      domains: Number(values['page-domains']),
      seconds: Number(values.seconds),
      serverNodeOptions: values['server-node-options'],
    })),
  );
  console.table(rows);
}
