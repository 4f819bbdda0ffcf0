export { createQueue, type QueueOptions } from './create-queue.ts';
export { SCAN_QUEUE_NAME } from './pgboss-queue.ts';
export { DEFAULT_SCAN_LIMITS, requestScan, type ScanLimits, type ScanRequestResult } from './request-scan.ts';
export type { JobOutcome, ScanFn, ScanJob, ScanQueue } from './types.ts';
export { startWorker, type Worker, type WorkerOptions } from './worker.ts';
