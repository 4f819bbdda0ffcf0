// A counting semaphore for connections open at once, whose waiters go by priority. A few dozen lines:
// not worth a dependency.

/** Runs `task` when a slot is free; waiting tasks of higher `priority` go first, equal ones in order. */
export type Limiter = <T>(task: () => Promise<T>, priority?: number) => Promise<T>;

export function createLimiter(concurrency: number): Limiter {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }
  let active = 0;
  const waiting: { priority: number; go: () => void }[] = [];
  return async <T>(task: () => Promise<T>, priority = 0): Promise<T> => {
    // A finishing task hands its slot straight to the next waiter, so `active` never overshoots.
    if (active >= concurrency) {
      await new Promise<void>((go) => {
        const at = waiting.findIndex((w) => w.priority < priority);
        waiting.splice(at < 0 ? waiting.length : at, 0, { priority, go });
      });
    } else active++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next.go();
      else active--;
    }
  };
}
