// The durable queue on SQLite: a job table with leases. A job taken by a process that dies is taken
// again once its lease expires; a job committed as done is never taken again.

import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorText } from '../../core/error-text.ts';
import type { Store } from '../store/store.ts';
import type { Consumer, JobHandler, JobOutcome, ScanJob, ScanQueue } from './types.ts';

export interface SqliteQueueOptions {
  /** How long a taken job stays reserved without a heartbeat (default 60 s). */
  leaseMs?: number;
  /** A job whose worker died this many times is failed instead of retried (default 3). */
  maxAttempts?: number;
  /** How often an idle worker looks for jobs another process queued (default 1 s). */
  pollMs?: number;
}

export class SqliteScanQueue implements ScanQueue {
  readonly backend = 'sqlite' as const;
  readonly #store: Store;
  readonly #leaseMs: number;
  readonly #maxAttempts: number;
  readonly #pollMs: number;
  readonly #owner = randomUUID();
  readonly #consumers = new Set<Consumer>();
  #wake: (() => void)[] = [];

  constructor(store: Store, opts: SqliteQueueOptions = {}) {
    this.#store = store;
    this.#leaseMs = opts.leaseMs ?? 60_000;
    this.#maxAttempts = opts.maxAttempts ?? 3;
    this.#pollMs = opts.pollMs ?? 1_000;
  }

  async enqueue(domain: string, now = new Date(), requestedBy: string | null = null): Promise<string> {
    const id = randomUUID();
    await this.#store.db.transaction().execute(async (trx) => {
      await this.#store.insertScan(trx, { id, domain, requestedAt: now, requestedBy });
      const at = now.toISOString();
      await trx
        .insertInto('scan_jobs')
        .values({ id, domain, state: 'queued', created_at: at, updated_at: at })
        .execute();
    });
    for (const wake of this.#wake.splice(0)) wake();
    return id;
  }

  depth(): Promise<number> {
    return this.#store.countScans('queued');
  }

  async consume(handler: JobHandler, opts: { concurrency: number }): Promise<Consumer> {
    if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1)
      throw new RangeError('concurrency must be a positive integer');
    let stopping = false;
    const stopSignal = new AbortController();
    const slot = async () => {
      while (!stopping) {
        const job = await this.#take(new Date());
        if (job) await this.#run(job, handler);
        else await this.#idle(stopSignal.signal);
      }
    };
    const slots = Array.from({ length: opts.concurrency }, slot);
    const consumer: Consumer = {
      stop: async () => {
        stopping = true;
        stopSignal.abort();
        await Promise.allSettled(slots);
        this.#consumers.delete(consumer);
      },
    };
    this.#consumers.add(consumer);
    return consumer;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#consumers].map((c) => c.stop()));
  }

  /** Reserves the oldest queued job, or one whose lease expired, in one atomic UPDATE. */
  async #take(now: Date): Promise<(ScanJob & { attempts: number }) | null> {
    const at = now.toISOString();
    const taken = await this.#store.db
      .updateTable('scan_jobs')
      .set((eb) => ({
        state: 'running',
        attempts: eb('attempts', '+', 1),
        lease_owner: this.#owner,
        lease_until: new Date(now.getTime() + this.#leaseMs).toISOString(),
        updated_at: at,
      }))
      .where('id', '=', (eb) =>
        eb
          .selectFrom('scan_jobs')
          .select('id')
          .where((w) =>
            w.or([w('state', '=', 'queued'), w.and([w('state', '=', 'running'), w('lease_until', '<', at)])]),
          )
          .orderBy('created_at')
          .orderBy('id')
          .limit(1),
      )
      .returning(['id', 'domain', 'attempts'])
      .executeTakeFirst();
    if (!taken) return null;
    if (taken.attempts > this.#maxAttempts) {
      await this.#commit(taken.id, {
        kind: 'failed',
        error: `Gave up after ${this.#maxAttempts} attempts: the worker stopped mid-scan each time.`,
      });
      return this.#take(now);
    }
    return { id: taken.id, domain: taken.domain, attempts: Number(taken.attempts) };
  }

  async #run(job: ScanJob, handler: JobHandler): Promise<void> {
    // The heartbeat keeps a long scan's lease alive, so only a dead process's jobs are taken over.
    const heartbeat = setInterval(
      () => {
        this.#store.db
          .updateTable('scan_jobs')
          .set({ lease_until: new Date(Date.now() + this.#leaseMs).toISOString() })
          .where('id', '=', job.id)
          .where('lease_owner', '=', this.#owner)
          .where('state', '=', 'running')
          .execute()
          .catch(() => {});
      },
      Math.max(50, Math.floor(this.#leaseMs / 3)),
    );
    let outcome: JobOutcome;
    try {
      outcome = await handler(job);
    } catch (error) {
      outcome = { kind: 'failed', error: errorText(error) };
    } finally {
      clearInterval(heartbeat);
    }
    await this.#commit(job.id, outcome);
  }

  /** The scan's result and the job's end are one transaction: never "stored but still queued". */
  async #commit(id: string, outcome: JobOutcome): Promise<void> {
    const now = new Date();
    await this.#store.db.transaction().execute(async (trx) => {
      if (outcome.kind === 'done') await this.#store.completeScan(id, outcome.graded, now, trx);
      else if (outcome.kind === 'failed') await this.#store.failScan(id, outcome.error, now, trx);
      const state = outcome.kind === 'failed' ? 'failed' : 'done';
      await trx
        .updateTable('scan_jobs')
        .set({ state, lease_owner: null, lease_until: null, updated_at: now.toISOString() })
        .where('id', '=', id)
        .execute();
    });
  }

  /** Waits for an enqueue in this process, the poll interval (for other processes), or stop. */
  async #idle(stopSignal: AbortSignal): Promise<void> {
    const done = new AbortController();
    const signal = AbortSignal.any([stopSignal, done.signal]);
    let wake = () => {};
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    this.#wake.push(wake);
    await Promise.race([woken, sleep(this.#pollMs, undefined, { signal }).catch(() => {})]);
    done.abort();
    this.#wake = this.#wake.filter((w) => w !== wake);
  }
}
