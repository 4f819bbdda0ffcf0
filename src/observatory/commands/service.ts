// `serve` and `worker`: open the store (SQLite by default, PostgreSQL with DATABASE_URL), the queue that
// fits it, and the API, a worker pool, or both. On SQLite `serve` runs its own bounded worker pool; on
// PostgreSQL it only enqueues and `worker` processes (any number, anywhere) take the jobs.

import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { errorText } from '../../core/error-text.ts';
import { backfillDomainFacts } from '../domain-facts-backfill.ts';
import { buildServer, DEFAULT_SNAPSHOT_BYTES_PER_HOUR } from '../http/server.ts';
import { parseTrustProxy, type TrustProxy } from '../http/trust-proxy.ts';
import { warmUp } from '../http/warm-up.ts';
import { createQueue } from '../queue/create-queue.ts';
import { DEFAULT_SCAN_LIMITS } from '../queue/request-scan.ts';
import { type RescanScheduler, startRescans } from '../queue/rescan-scheduler.ts';
import type { ScanQueue } from '../queue/types.ts';
import { startWorker, type Worker } from '../queue/worker.ts';
import { regradeStored } from '../regrade.ts';
import { type RetentionTimer, startRetention } from '../retention.ts';
import { scanDomain } from '../scan/scan-domain.ts';
import { openStore } from '../store/open-store.ts';
import { DEFAULT_RETENTION, type RetentionPolicy } from '../store/retention.ts';
import type { Store } from '../store/store.ts';
import { buildScanOptions, SCAN_OPTION_SPEC, UsageError } from './scan.ts';

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_RATE_LIMIT = 300;
/** Scheduled rescans per hour per process with scan workers; 0 turns them off. */
export const DEFAULT_RESCAN_PER_HOUR = 60;
/** A report this old is due for a scheduled rescan: a day before it turns stale (7 days). */
export const DEFAULT_RESCAN_AFTER_HOURS = 144;

export interface RunningService {
  store: Store;
  queue: ScanQueue;
  app: FastifyInstance | null;
  worker: Worker | null;
  /** `http://host:port` when serving. */
  url: string | null;
  stop(): Promise<void>;
}

export interface ServiceArgs {
  mode: 'serve' | 'worker';
  port: number;
  host: string;
  sqlitePath?: string;
  databaseUrl?: string;
  /** Scans at once in this process; 0 on `serve` with PostgreSQL. */
  workers: number;
  /** API requests per client (IP) per minute. */
  rateLimit: number;
  /** Snapshot body bytes (not 304s) per client per hour. */
  snapshotBytesPerHour: number;
  /** Scheduled rescans of known domains, in processes with scan workers. */
  rescan: { perHour: number; olderThanMs: number };
  /** Proxies whose X-Forwarded-For names the client (`--trust-proxy`, TRUST_PROXY). */
  trustProxy: TrustProxy;
  /** What the store forgets (`--keep-scans`, `--drop-unreachable-days`). */
  retention: RetentionPolicy;
  scan: Awaited<ReturnType<typeof buildScanOptions>>;
}

function parseServiceArgs(mode: 'serve' | 'worker', argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        db: { type: 'string' },
        workers: { type: 'string' },
        'rate-limit': { type: 'string' },
        'snapshot-mb-per-hour': { type: 'string' },
        'rescan-per-hour': { type: 'string' },
        'rescan-after': { type: 'string' },
        'trust-proxy': { type: 'string' },
        'keep-scans': { type: 'string' },
        'drop-unreachable-days': { type: 'string' },
        ...SCAN_OPTION_SPEC,
      },
    }).values;
  } catch (err) {
    throw new UsageError(`${mode}: ${errorText(err)}`);
  }
}

export async function resolveServiceArgs(mode: 'serve' | 'worker', argv: string[]): Promise<ServiceArgs> {
  const values = parseServiceArgs(mode, argv);
  const port = Number(values.port ?? process.env.PORT ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port wants 0–65535, got "${values.port}".`);
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const workers = Number(values.workers ?? (mode === 'serve' && databaseUrl ? 0 : 4));
  if (!Number.isInteger(workers) || workers < 0)
    throw new UsageError(`--workers wants a whole number, got "${values.workers}".`);
  if (mode === 'worker' && workers === 0) throw new UsageError('worker: --workers must be at least 1.');
  const rateLimit = Number(values['rate-limit'] ?? DEFAULT_RATE_LIMIT);
  if (!Number.isInteger(rateLimit) || rateLimit < 1) {
    throw new UsageError(
      `--rate-limit wants requests per minute (1 or more), got "${values['rate-limit']}".`,
    );
  }
  const snapshotMbPerHour = Number(
    values['snapshot-mb-per-hour'] ?? DEFAULT_SNAPSHOT_BYTES_PER_HOUR / 1048576,
  );
  if (!Number.isInteger(snapshotMbPerHour) || snapshotMbPerHour < 1) {
    throw new UsageError(
      `--snapshot-mb-per-hour wants megabytes of snapshots per client per hour (1 or more), got "${values['snapshot-mb-per-hour']}".`,
    );
  }
  const perHour = Number(values['rescan-per-hour'] ?? DEFAULT_RESCAN_PER_HOUR);
  if (!Number.isInteger(perHour) || perHour < 0) {
    throw new UsageError(
      `--rescan-per-hour wants a whole number of scans (0 turns rescans off), got "${values['rescan-per-hour']}".`,
    );
  }
  const afterHours = Number(values['rescan-after'] ?? DEFAULT_RESCAN_AFTER_HOURS);
  if (!(afterHours > 0))
    throw new UsageError(`--rescan-after wants hours (more than 0), got "${values['rescan-after']}".`);
  let trustProxy: TrustProxy;
  try {
    trustProxy = parseTrustProxy(values['trust-proxy'] ?? process.env.TRUST_PROXY ?? '');
  } catch (err) {
    throw new UsageError(`--trust-proxy: ${(err as Error).message}`);
  }
  const keepScans = Number(values['keep-scans'] ?? DEFAULT_RETENTION.scansPerDomain);
  if (!Number.isInteger(keepScans) || keepScans < 1)
    throw new UsageError(`--keep-scans wants scans per domain (1 or more), got "${values['keep-scans']}".`);
  const dropDays = Number(values['drop-unreachable-days'] ?? DEFAULT_RETENTION.unreachableForMs / 86_400_000);
  if (!Number.isFinite(dropDays) || dropDays <= 0) {
    throw new UsageError(
      `--drop-unreachable-days wants a number of days above 0, got "${values['drop-unreachable-days']}".`,
    );
  }
  return {
    mode,
    port,
    trustProxy,
    retention: { ...DEFAULT_RETENTION, scansPerDomain: keepScans, unreachableForMs: dropDays * 86_400_000 },
    host: values.host ?? process.env.HOST ?? DEFAULT_HOST,
    sqlitePath: values.db,
    databaseUrl,
    workers,
    rateLimit,
    snapshotBytesPerHour: snapshotMbPerHour * 1048576,
    rescan: { perHour, olderThanMs: afterHours * 3_600_000 },
    scan: await buildScanOptions(values),
  };
}

/** Starts what `args` asks for; the caller stops it. */
export async function startService(args: ServiceArgs): Promise<RunningService> {
  const store = await openStore({ databaseUrl: args.databaseUrl, sqlitePath: args.sqlitePath });
  const queue = await createQueue(store);
  let app: FastifyInstance | null = null;
  let worker: Worker | null = null;
  let rescans: RescanScheduler | null = null;
  let retention: RetentionTimer | null = null;
  const stop = async () => {
    await app?.close();
    await rescans?.stop();
    await worker?.stop();
    await retention?.stop();
    await queue.close();
    await store.close();
  };
  try {
    // Reads never grade: reports stored under an older rubric are re-graded once, before anything is served.
    await regradeStored(store);
    await backfillDomainFacts(store);
    retention = startRetention(store, args.retention, {
      onError: (message) => process.stderr.write(`${args.mode}: ${message}\n`),
    });
    if (args.workers > 0) {
      worker = await startWorker(store, queue, (domain) => scanDomain(domain, args.scan), {
        concurrency: args.workers,
      });
      // Known domains stay fresh where scans run: through the queue, with the same limits as people's requests.
      if (args.rescan.perHour > 0) rescans = startRescans(store, queue, DEFAULT_SCAN_LIMITS, args.rescan);
    }
    let url: string | null = null;
    if (args.mode === 'serve') {
      app = await buildServer({
        store,
        queue,
        rateLimit: { max: args.rateLimit, timeWindowMs: 60_000 },
        snapshotBytesPerHour: args.snapshotBytesPerHour,
        trustProxy: args.trustProxy,
        refusalHold: { ms: 1_000, maxHeld: 512 },
      });
      await warmUp(app, (message) => process.stderr.write(`serve: ${message}\n`));
      url = await app.listen({ port: args.port, host: args.host });
    }
    return { store, queue, app, worker, url, stop };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}

export async function serviceCommand(mode: 'serve' | 'worker', argv: string[]): Promise<number> {
  let running: RunningService;
  try {
    const args = await resolveServiceArgs(mode, argv);
    running = await startService(args);
    const where = args.databaseUrl
      ? 'PostgreSQL (DATABASE_URL)'
      : `SQLite ${args.sqlitePath ?? './data/hoplight.sqlite'}`;
    if (running.url) {
      process.stdout.write(
        `Hoplight observatory on ${running.url}\n` +
          `  pages:  ${running.url}/\n  API:    ${running.url}/api/v1/  (OpenAPI: ${running.url}/api/v1/openapi.json)\n` +
          `  store:  ${where}; scan workers in this process: ${args.workers}\n`,
      );
    } else {
      process.stdout.write(`Hoplight scan worker: ${args.workers} at once, store ${where}\n`);
    }
  } catch (err) {
    process.stderr.write(`${mode}: ${errorText(err)}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      process.stdout.write(`${mode}: ${signal}, stopping (queued scans stay queued)\n`);
      running.stop().finally(resolve);
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
  return 0;
}
