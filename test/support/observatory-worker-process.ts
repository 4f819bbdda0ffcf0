// A scan worker in its own process, for the queue tests that kill one mid-scan. Prints one JSON line
// per event on stdout: ready, start (scan began), scanned (scan returned).
// Usage: node observatory-worker-process.ts (--sqlite FILE | --database-url URL) [--hang DOMAIN --marker FILE]
//        [--concurrency N]
// It scans with the real scanner against the running lab.
import { existsSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createQueue } from '../../src/observatory/queue/create-queue.ts';
import type { ScanFn } from '../../src/observatory/queue/types.ts';
import { startWorker } from '../../src/observatory/queue/worker.ts';
import { openStore } from '../../src/observatory/store/open-store.ts';
import { labScan } from './observatory-scan.ts';

const { values } = parseArgs({
  options: {
    sqlite: { type: 'string' },
    'database-url': { type: 'string' },
    hang: { type: 'string' },
    marker: { type: 'string' },
    concurrency: { type: 'string', default: '1' },
  },
});

const emit = (event: string, domain?: string) =>
  process.stdout.write(`${JSON.stringify({ event, domain, pid: process.pid })}\n`);
const inner = await labScan();

// The first process to reach the hang domain stays in its scan forever (until killed); a retry
// elsewhere finds the marker and scans normally.
const scan: ScanFn = async (domain) => {
  emit('start', domain);
  if (domain === values.hang && values.marker && !existsSync(values.marker)) {
    writeFileSync(values.marker, String(process.pid));
    await new Promise(() => {});
  }
  const report = await inner(domain);
  emit('scanned', domain);
  return report;
};

const store = await openStore(
  values['database-url'] ? { databaseUrl: values['database-url'] } : { sqlitePath: values.sqlite },
);
const queue = await createQueue(store, {
  leaseMs: 1_000,
  pollMs: 50,
  maintenanceIntervalSeconds: 1,
  pollingIntervalSeconds: 0.5,
});
const worker = await startWorker(store, queue, scan, { concurrency: Number(values.concurrency) });
process.once('SIGTERM', async () => {
  await worker.stop();
  await queue.close();
  await store.close();
  process.exit(0);
});
emit('ready');
