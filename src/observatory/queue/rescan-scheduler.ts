// Scheduled rescans: known domains whose report is getting old are rescanned through the same queue and
// limits as a person's request (cooldown, queue bound), at a bounded number per hour, oldest first.
import { errorText } from '../../core/error-text.ts';
import type { Store } from '../store/store.ts';
import { requestScan, type ScanLimits } from './request-scan.ts';
import type { ScanQueue } from './types.ts';

export interface RescanOptions {
  /** Most scans this process requests per hour; 0 turns scheduled rescans off. */
  perHour: number;
  /** A report older than this is due for a rescan. */
  olderThanMs: number;
  /** How often the scheduler wakes (default 60 s). */
  tickMs?: number;
}

export interface RescanScheduler {
  /** One round now: requests what the budget allows; returns how many scans it queued. */
  tick(now?: Date): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The budget as credit that grows by `perHour` per hour: `take` whole scans now, keep the rest. Credit
 * never exceeds one tick's worth plus one, so a pause (a full queue, a stopped process) is not followed
 * by a burst.
 */
export function rescanBudget(
  credit: number,
  perHour: number,
  elapsedMs: number,
  tickMs: number,
): { take: number; credit: number } {
  const perTick = (perHour * tickMs) / 3_600_000;
  const grown = Math.min(credit + (perHour * Math.max(0, elapsedMs)) / 3_600_000, perTick + 1);
  const take = Math.floor(grown);
  return { take, credit: grown - take };
}

export function startRescans(
  store: Store,
  queue: ScanQueue,
  limits: ScanLimits,
  opts: RescanOptions,
): RescanScheduler {
  const tickMs = opts.tickMs ?? 60_000;
  let credit = 0;
  let last: number | null = null;
  let running: Promise<number> = Promise.resolve(0);

  const round = async (now: Date): Promise<number> => {
    const budget = rescanBudget(credit, opts.perHour, last === null ? tickMs : now.getTime() - last, tickMs);
    last = now.getTime();
    credit = budget.credit;
    if (budget.take === 0) return 0;
    // People's requests come first: scheduled work leaves half of the queue free for them.
    if ((await queue.depth()) >= limits.maxQueued / 2) return 0;
    const due = new Date(now.getTime() - opts.olderThanMs).toISOString();
    let queued = 0;
    for (const domain of await store.staleDomains(due, budget.take)) {
      const outcome = await requestScan(store, queue, domain, limits, now);
      if (outcome.kind === 'queued') queued++;
      if (outcome.kind === 'queue-full') break;
    }
    return queued;
  };
  const tick = (now = new Date()) => {
    running = running.then(
      () => round(now),
      () => round(now),
    );
    return running;
  };
  const timer =
    opts.perHour > 0
      ? setInterval(() => {
          tick().catch((error: unknown) => process.emitWarning(`scheduled rescan: ${errorText(error)}`));
        }, tickMs)
      : null;
  timer?.unref();
  return {
    tick,
    async stop() {
      if (timer) clearInterval(timer);
      await running.catch(() => {});
    },
  };
}
