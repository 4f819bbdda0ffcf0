// pg-boss on a private PostgreSQL: two `worker` processes share the queue, a killed worker's job is
// retried by the other, and a restart of the enqueuing side loses no job.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createQueue } from '../../src/observatory/queue/create-queue.ts';
import { openStore } from '../../src/observatory/store/open-store.ts';
import type { Store } from '../../src/observatory/store/store.ts';
import { scannedCounts, spawnWorker, type WorkerProcess } from '../support/observatory-processes.ts';
import { type PostgresCluster, startPostgres } from '../support/postgres.ts';

const dir = mkdtempSync(join(tmpdir(), 'hoplight-pgqueue-'));
let cluster: PostgresCluster;
const children: WorkerProcess[] = [];

beforeAll(async () => {
  cluster = await startPostgres();
});
afterEach(async () => {
  for (const c of children.splice(0)) await c.kill('SIGKILL');
});
afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function untilSettled(store: Store, expected: number, rounds = 1200): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    const { scans } = await store.stats();
    if (scans.done + scans.failed === expected) return;
    await sleep(50);
  }
  throw new Error(
    `the queue did not settle at ${expected} finished scans: ${JSON.stringify((await store.stats()).scans)}`,
  );
}

async function workers(url: string, n: number, extra: string[] = []): Promise<WorkerProcess[]> {
  const started = Array.from({ length: n }, () => spawnWorker(['--database-url', url, ...extra]));
  children.push(...started);
  await Promise.all(started.map((w) => w.waitFor((e) => e.event === 'ready')));
  return started;
}

describe('pg-boss queue', () => {
  it('two workers scan 50 queued domains exactly once each', async () => {
    const url = await cluster.createDatabase('twoworkers');
    const store = await openStore({ databaseUrl: url });
    const queue = await createQueue(store, { pollingIntervalSeconds: 0.5 });
    const domains = Array.from({ length: 50 }, (_, i) => `w${i}.test`);
    for (const d of domains) await queue.enqueue(d);
    const pool = await workers(url, 2, ['--concurrency', '2']);
    await untilSettled(store, domains.length);

    const counts = scannedCounts(pool.flatMap((w) => w.events));
    for (const d of domains) expect(counts.get(d), d).toBe(1);
    expect((await store.stats()).scans).toEqual({ queued: 0, running: 0, done: 50, failed: 0 });
    await queue.close();
    await store.close();
  });

  it('a worker killed mid-scan has its job retried by the other', async () => {
    const url = await cluster.createDatabase('killed');
    const store = await openStore({ databaseUrl: url });
    // Jobs carry the enqueuer's expiry: a dead worker's job is retried 3 s after it started.
    const queue = await createQueue(store, { expireInSeconds: 3 });
    const domains = ['hang.test', ...Array.from({ length: 9 }, (_, i) => `k${i}.test`)];
    for (const d of domains) await queue.enqueue(d);
    const pool = await workers(url, 2, ['--hang', 'hang.test', '--marker', join(dir, 'hang.marker')]);
    const start = await Promise.race(
      pool.map((w) => w.waitFor((e) => e.event === 'start' && e.domain === 'hang.test')),
    );
    const doomed = pool.find((w) => w.child.pid === start.pid) as WorkerProcess;
    const survivor = pool.find((w) => w !== doomed) as WorkerProcess;
    await doomed.kill('SIGKILL');
    await untilSettled(store, domains.length);

    const counts = scannedCounts(pool.flatMap((w) => w.events));
    for (const d of domains) expect(counts.get(d), d).toBe(1);
    expect(scannedCounts(survivor.events).get('hang.test')).toBe(1);
    const hang = await store.db
      .selectFrom('scans')
      .selectAll()
      .where('domain', '=', 'hang.test')
      .executeTakeFirstOrThrow();
    expect(hang.status).toBe('done');
    expect(Number(hang.attempts)).toBe(2);
    await queue.close();
    await store.close();
  });

  it('a job abandoned more often than the retry limit is marked failed, not left running', async () => {
    const url = await cluster.createDatabase('abandoned');
    const store = await openStore({ databaseUrl: url });
    const queue = await createQueue(store, { expireInSeconds: 2, retryLimit: 0 });
    const id = await queue.enqueue('abandoned.test');
    const [doomed] = await workers(url, 1, [
      '--hang',
      'abandoned.test',
      '--marker',
      join(dir, 'abandoned.marker'),
    ]);
    await doomed?.waitFor((e) => e.event === 'start' && e.domain === 'abandoned.test');
    await doomed?.kill('SIGKILL');
    const [survivor] = await workers(url, 1);
    await untilSettled(store, 1);

    expect(await store.getScan(id)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/abandoned 1 time:/),
    });
    expect(scannedCounts(survivor?.events ?? []).size).toBe(0);
    await queue.close();
    await store.close();
  });

  it('a restart of the enqueuing side loses no queued job', async () => {
    const url = await cluster.createDatabase('restart');
    let store = await openStore({ databaseUrl: url });
    let queue = await createQueue(store);
    const domains = Array.from({ length: 10 }, (_, i) => `r${i}.test`);
    for (const d of domains) await queue.enqueue(d);
    await queue.close();
    await store.close();

    store = await openStore({ databaseUrl: url });
    queue = await createQueue(store);
    expect(await queue.depth()).toBe(10);
    const pool = await workers(url, 1, ['--concurrency', '3']);
    await untilSettled(store, domains.length);
    const counts = scannedCounts(pool[0]?.events ?? []);
    for (const d of domains) expect(counts.get(d), d).toBe(1);
    await queue.close();
    await store.close();
  });
});
