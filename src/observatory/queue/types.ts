// The queue's contract, the same for the SQLite job table and for pg-boss on PostgreSQL.
import type { DomainReport } from '../../core/report.ts';
import type { GradedReport } from '../store/records.ts';

/** The scanner as the queue sees it: injected, so the queue knows nothing of how a scan works. */
export type ScanFn = (domain: string) => Promise<DomainReport>;

export interface ScanJob {
  /** The public scan id (also the job id). */
  id: string;
  domain: string;
}

/** What running one job came to; the backend commits it together with the job's own state. */
export type JobOutcome =
  /** The report graded for storage (../regrade.ts): the store grades nothing. */
  | { kind: 'done'; graded: GradedReport }
  | { kind: 'failed'; error: string }
  /** The scan had already finished (e.g. a retry after the commit): nothing to do. */
  | { kind: 'skipped' };

export type JobHandler = (job: ScanJob) => Promise<JobOutcome>;

export interface Consumer {
  /** Takes no new job, waits for the running ones to be committed. */
  stop(): Promise<void>;
}

export interface ScanQueue {
  readonly backend: 'sqlite' | 'pg-boss';
  /**
   * Records a queued scan for an already normalised domain and hands it to the workers; `requestedBy`
   * is the asking client's key (../http/client-key.ts), counted for its share of the queue.
   */
  enqueue(domain: string, now?: Date, requestedBy?: string | null): Promise<string>;
  /** Scans waiting to start. */
  depth(): Promise<number>;
  /** Runs `handler` on jobs, `concurrency` at a time, until stopped. */
  consume(handler: JobHandler, opts: { concurrency: number }): Promise<Consumer>;
  /** Stops consumers and releases connections the queue opened (not the store). */
  close(): Promise<void>;
}
