// The queue on PostgreSQL: pg-boss, so any number of `worker` processes on any machines take jobs
// (FOR UPDATE SKIP LOCKED) and `serve` only enqueues. A job whose worker died expires and is retried.

import { randomUUID } from 'node:crypto';
import { CompiledQuery } from 'kysely';
import PgBoss from 'pg-boss';
import { errorText } from '../../core/error-text.ts';
import type { Store } from '../store/store.ts';
import type { Consumer, JobHandler, JobOutcome, ScanJob, ScanQueue } from './types.ts';

export const SCAN_QUEUE_NAME = 'hoplight-scan';
/** Jobs abandoned more often than the retry limit land here, so their scan is marked failed, not left running. */
export const SCAN_DEAD_LETTER_QUEUE = 'hoplight-scan-abandoned';

export interface PgBossQueueOptions {
  /**
   * A scan still running after this long counts as dead and is retried; must exceed the longest scan
   * (default 900 s). Set by the process that enqueues (`serve`), carried by each job.
   */
  expireInSeconds?: number;
  /** Retries after a worker died mid-scan (default 2). */
  retryLimit?: number;
  /** How often pg-boss looks for expired jobs (default 60 s). */
  maintenanceIntervalSeconds?: number;
  /** How often an idle worker polls (default 2 s). */
  pollingIntervalSeconds?: number;
}

interface JobData {
  domain: string;
  /** Also the job id; repeated here because a dead-letter copy gets an id of its own. */
  scanId: string;
}

export class PgBossScanQueue implements ScanQueue {
  readonly backend = 'pg-boss' as const;
  readonly #store: Store;
  readonly #boss: PgBoss;
  readonly #pollingIntervalSeconds: number;
  readonly #jobOptions: {
    expireInSeconds: number;
    retryLimit: number;
    retryDelay: number;
    deadLetter: string;
  };
  readonly #consumers = new Set<Consumer>();

  private constructor(store: Store, boss: PgBoss, opts: Required<PgBossQueueOptions>) {
    this.#store = store;
    this.#boss = boss;
    this.#pollingIntervalSeconds = opts.pollingIntervalSeconds;
    this.#jobOptions = {
      expireInSeconds: opts.expireInSeconds,
      retryLimit: opts.retryLimit,
      retryDelay: 0,
      deadLetter: SCAN_DEAD_LETTER_QUEUE,
    };
  }

  static async start(store: Store, opts: PgBossQueueOptions = {}): Promise<PgBossScanQueue> {
    if (store.databaseUrl === null)
      throw new Error('The pg-boss queue needs a PostgreSQL store (DATABASE_URL).');
    const settings: Required<PgBossQueueOptions> = {
      expireInSeconds: opts.expireInSeconds ?? 900,
      retryLimit: opts.retryLimit ?? 2,
      maintenanceIntervalSeconds: opts.maintenanceIntervalSeconds ?? 60,
      pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 2,
    };
    const boss = new PgBoss({
      connectionString: store.databaseUrl,
      max: 4,
      maintenanceIntervalSeconds: settings.maintenanceIntervalSeconds,
      schedule: false,
    });
    boss.on('error', (error: Error) => process.emitWarning(`pg-boss: ${error.message}`));
    await boss.start();
    await boss.createQueue(SCAN_DEAD_LETTER_QUEUE, { name: SCAN_DEAD_LETTER_QUEUE, policy: 'standard' });
    await boss.createQueue(SCAN_QUEUE_NAME, {
      name: SCAN_QUEUE_NAME,
      policy: 'standard',
      deadLetter: SCAN_DEAD_LETTER_QUEUE,
    });
    return new PgBossScanQueue(store, boss, settings);
  }

  async enqueue(domain: string, now = new Date(), requestedBy: string | null = null): Promise<string> {
    const id = randomUUID();
    // The history row and the pg-boss job are written in one transaction: never one without the other.
    await this.#store.db.transaction().execute(async (trx) => {
      await this.#store.insertScan(trx, { id, domain, requestedAt: now, requestedBy });
      const db = {
        executeSql: async (text: string, values: unknown[]) => ({
          rows: (await trx.executeQuery(CompiledQuery.raw(text, values))).rows as unknown[],
        }),
      };
      // The scan id is the job id, so a job and its history row can always be matched. Expiry and
      // retries go with each job, so the enqueuing process's settings apply to it.
      await this.#boss.send(SCAN_QUEUE_NAME, { domain, scanId: id } satisfies JobData, {
        id,
        ...this.#jobOptions,
        db,
      });
    });
    return id;
  }

  depth(): Promise<number> {
    return this.#store.countScans('queued');
  }

  async consume(handler: JobHandler, opts: { concurrency: number }): Promise<Consumer> {
    if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1)
      throw new RangeError('concurrency must be a positive integer');
    const inFlight = new Set<Promise<unknown>>();
    const workerIds: string[] = [];
    // pg-boss 10 has no team size: one `work` registration per concurrent slot.
    for (let i = 0; i < opts.concurrency; i++) {
      const workerId = await this.#boss.work<JobData>(
        SCAN_QUEUE_NAME,
        { batchSize: 1, pollingIntervalSeconds: this.#pollingIntervalSeconds },
        async (jobs) => {
          for (const job of jobs) {
            const run = this.#run({ id: job.data.scanId ?? job.id, domain: job.data.domain }, handler);
            inFlight.add(run);
            try {
              await run;
            } finally {
              inFlight.delete(run);
            }
          }
        },
      );
      workerIds.push(workerId);
    }
    workerIds.push(
      await this.#boss.work<JobData>(
        SCAN_DEAD_LETTER_QUEUE,
        { batchSize: 10, pollingIntervalSeconds: this.#pollingIntervalSeconds, includeMetadata: true },
        async (jobs) => {
          for (const job of jobs) {
            // The dead-letter copy keeps the original's retry limit: it ran that many times plus one.
            const runs = job.retryLimit + 1;
            const error = `The scan was abandoned ${runs} time${runs === 1 ? '' : 's'}: its worker stopped mid-scan each time.`;
            await this.#store.failScan(job.data.scanId, error, new Date());
          }
        },
      ),
    );
    const consumer: Consumer = {
      stop: async () => {
        for (const id of workerIds) await this.#boss.offWork({ id });
        await Promise.allSettled([...inFlight]);
        this.#consumers.delete(consumer);
      },
    };
    this.#consumers.add(consumer);
    return consumer;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#consumers].map((c) => c.stop()));
    await this.#boss.stop({ graceful: true, wait: true, timeout: 5_000 });
  }

  /** Commits the outcome to the store; pg-boss then marks the job completed when this resolves. */
  async #run(job: ScanJob, handler: JobHandler): Promise<void> {
    let outcome: JobOutcome;
    try {
      outcome = await handler(job);
    } catch (error) {
      outcome = { kind: 'failed', error: errorText(error) };
    }
    if (outcome.kind === 'done') await this.#store.completeScan(job.id, outcome.graded, new Date());
    else if (outcome.kind === 'failed') await this.#store.failScan(job.id, outcome.error, new Date());
  }
}
