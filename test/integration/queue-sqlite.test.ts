// The SQLite queue's durability: a stop mid-queue, a restart and a killed worker lose no job, and a
// job whose result was committed never runs again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createQueue } from '../../src/observatory/queue/create-queue.ts';
import type { ScanFn } from '../../src/observatory/queue/types.ts';
import { startWorker } from '../../src/observatory/queue/worker.ts';
import { openStore } from '../../src/observatory/store/open-store.ts';
import type { Store } from '../../src/observatory/store/store.ts';
import { scannedCounts, spawnWorker, type WorkerProcess } from '../support/observatory-processes.ts';
import { counting, labScan } from '../support/observatory-scan.ts';

const dir = mkdtempSync(join(tmpdir(), 'hoplight-queue-'));
const children: WorkerProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) await c.kill('SIGKILL');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const QUEUE = { leaseMs: 1_000, pollMs: 50 };
// The real scanner against the lab; the test domains do not exist there, so each scan ends fast.
let SCANNER: ScanFn;
beforeAll(async () => {
  SCANNER = await labScan();
});

async function untilScans(
  store: Store,
  test: (done: number, open: number) => boolean,
  rounds = 600,
): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    const stats = await store.stats();
    if (test(stats.scans.done + stats.scans.failed, stats.scans.queued + stats.scans.running)) return;
    await sleep(50);
  }
  throw new Error('the queue did not reach the expected state');
}

async function jobStates(store: Store): Promise<Record<string, string>> {
  const rows = await store.db.selectFrom('scan_jobs').select(['domain', 'state']).execute();
  return Object.fromEntries(rows.map((r) => [r.domain, r.state]));
}

describe('SQLite queue', () => {
  it('stopping mid-queue and restarting loses no job and runs none twice', async () => {
    const path = join(dir, 'stop.sqlite');
    const domains = Array.from({ length: 30 }, (_, i) => `stop${i}.test`);
    let store = await openStore({ sqlitePath: path });
    let queue = await createQueue(store, QUEUE);
    for (const d of domains) await queue.enqueue(d);
    const scans = counting(SCANNER);
    const first = await startWorker(store, queue, scans.scan, { concurrency: 3 });
    await untilScans(store, (done) => done >= 10);
    await first.stop();
    await queue.close();
    await store.close();
    const ranBeforeRestart = scans.total();
    expect(ranBeforeRestart).toBeLessThan(domains.length);

    store = await openStore({ sqlitePath: path });
    queue = await createQueue(store, QUEUE);
    const second = await startWorker(store, queue, scans.scan, { concurrency: 3 });
    await untilScans(store, (_done, open) => open === 0);
    // A marker queued last is taken after every older runnable job; once it is done, nothing old is left to rerun.
    await queue.enqueue('marker.test');
    await untilScans(store, (_done, open) => open === 0);
    await second.stop();
    await queue.close();

    for (const d of domains) expect(scans.calls.get(d), d).toBe(1);
    expect(Object.values(await jobStates(store)).every((s) => s === 'done')).toBe(true);
    const stats = await store.stats();
    expect(stats.scans).toEqual({ queued: 0, running: 0, done: domains.length + 1, failed: 0 });
    await store.close();
  });

  it('a restart with nothing running keeps every queued job', async () => {
    const path = join(dir, 'restart.sqlite');
    let store = await openStore({ sqlitePath: path });
    let queue = await createQueue(store, QUEUE);
    for (let i = 0; i < 5; i++) await queue.enqueue(`restart${i}.test`);
    await queue.close();
    await store.close();

    store = await openStore({ sqlitePath: path });
    queue = await createQueue(store, QUEUE);
    expect(await queue.depth()).toBe(5);
    const scans = counting(SCANNER);
    const worker = await startWorker(store, queue, scans.scan, { concurrency: 2 });
    await untilScans(store, (_done, open) => open === 0);
    await worker.stop();
    expect([...scans.calls.entries()].sort()).toEqual([0, 1, 2, 3, 4].map((i) => [`restart${i}.test`, 1]));
    await store.close();
  });

  it('a worker killed mid-scan has its job retried after the lease, by another process', async () => {
    const path = join(dir, 'kill.sqlite');
    const store = await openStore({ sqlitePath: path });
    const queue = await createQueue(store, QUEUE);
    const domains = ['hang.test', ...Array.from({ length: 9 }, (_, i) => `kill${i}.test`)];
    for (const d of domains) await queue.enqueue(d);

    const doomed = spawnWorker([
      '--sqlite',
      path,
      '--hang',
      'hang.test',
      '--marker',
      join(dir, 'hang.marker'),
    ]);
    children.push(doomed);
    await doomed.waitFor((e) => e.event === 'start' && e.domain === 'hang.test');
    await doomed.kill('SIGKILL');
    expect(await jobStates(store)).toMatchObject({ 'hang.test': 'running' });

    const scans = counting(SCANNER);
    const survivor = await startWorker(store, queue, scans.scan, { concurrency: 2 });
    await untilScans(store, (_done, open) => open === 0);
    await survivor.stop();
    await queue.close();

    const completed = scannedCounts(doomed.events);
    for (const [d, n] of scans.calls) completed.set(d, (completed.get(d) ?? 0) + n);
    for (const d of domains) expect(completed.get(d), d).toBe(1);
    const hang = await store.db
      .selectFrom('scans')
      .selectAll()
      .where('domain', '=', 'hang.test')
      .executeTakeFirstOrThrow();
    expect(hang.status).toBe('done');
    expect(Number(hang.attempts)).toBe(2);
    expect(Object.values(await jobStates(store)).every((s) => s === 'done')).toBe(true);
    await store.close();
  });

  it('gives up on a job whose worker died at every attempt', async () => {
    const path = join(dir, 'poison.sqlite');
    const store = await openStore({ sqlitePath: path });
    const queue = await createQueue(store, { ...QUEUE, maxAttempts: 1 });
    const id = await queue.enqueue('poison.test');
    // A job taken once by a process that died: its lease has run out.
    await store.db
      .updateTable('scan_jobs')
      .set({ state: 'running', attempts: 1, lease_owner: 'dead', lease_until: '2000-01-01T00:00:00.000Z' })
      .execute();
    const scans = counting(SCANNER);
    const worker = await startWorker(store, queue, scans.scan, { concurrency: 1 });
    await untilScans(store, (done) => done === 1);
    await worker.stop();
    expect(scans.total()).toBe(0);
    const scan = await store.getScan(id);
    expect(scan).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/Gave up after 1 attempts/),
    });
    await store.close();
  });
});
