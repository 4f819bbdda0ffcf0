// Store upkeep on a timer: `serve` and `worker` prune the store at start-up and then every interval
// (../store/retention.ts says what is forgotten). Several processes may prune at once: deletes are
// idempotent.
import { errorText } from '../core/error-text.ts';
import type { RetentionPolicy } from './store/retention.ts';
import type { Store } from './store/store.ts';

export interface RetentionTimer {
  stop(): Promise<void>;
}

export function startRetention(
  store: Store,
  policy: RetentionPolicy,
  opts: { intervalMs?: number; onError?: (message: string) => void; now?: () => Date } = {},
): RetentionTimer {
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    running = running
      .then(() => store.prune(opts.now?.() ?? new Date(), policy))
      .catch((error: unknown) => opts.onError?.(`Pruning the store failed: ${errorText(error)}`));
  };
  run();
  const timer = setInterval(run, opts.intervalMs ?? 3_600_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
