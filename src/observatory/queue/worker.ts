// A scan worker: takes jobs from the queue, runs the injected scanner, grades the report for storage
// and lets the queue commit it, or the failure, together with the job.
import { errorText } from '../../core/error-text.ts';
import { gradedForStorage } from '../regrade.ts';
import type { Store } from '../store/store.ts';
import type { Consumer, JobOutcome, ScanFn, ScanJob, ScanQueue } from './types.ts';

export interface WorkerOptions {
  /** Scans at once in this process (default 4). */
  concurrency?: number;
  /** Told about every job's end, for logs and tests. */
  onJob?: (job: ScanJob, outcome: JobOutcome) => void;
}

export type Worker = Consumer;

export async function startWorker(
  store: Store,
  queue: ScanQueue,
  scan: ScanFn,
  opts: WorkerOptions = {},
): Promise<Worker> {
  return queue.consume(
    async (job) => {
      const outcome = await runScan(store, scan, job);
      opts.onJob?.(job, outcome);
      return outcome;
    },
    { concurrency: opts.concurrency ?? 4 },
  );
}

async function runScan(store: Store, scan: ScanFn, job: ScanJob): Promise<JobOutcome> {
  // A job retried after its result was committed (a crash between commit and ack) is not run again.
  if (!(await store.startScan(job.id, new Date()))) return { kind: 'skipped' };
  try {
    const report = await scan(job.domain);
    if (report.domain !== job.domain) {
      return {
        kind: 'failed',
        error: `The scanner returned a report for ${report.domain}, not ${job.domain}.`,
      };
    }
    return { kind: 'done', graded: gradedForStorage(report) };
  } catch (error) {
    return { kind: 'failed', error: errorText(error) };
  }
}
