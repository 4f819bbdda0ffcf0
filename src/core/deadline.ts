// One way to bound the time of any asynchronous step, observatory and extension alike: the step gets
// an AbortSignal that fires at the deadline (or when the caller aborts), so it can close its socket.

/** A step did not finish within its budget. `what` names the step for people. */
export class DeadlineError extends Error {
  readonly what: string;
  readonly ms: number;
  constructor(what: string, ms: number) {
    super(`${what} took longer than ${ms} ms`);
    this.name = 'DeadlineError';
    this.what = what;
    this.ms = ms;
  }
}

export interface DeadlineOptions {
  /** Budget in milliseconds. */
  ms: number;
  /** Names the step in the error, e.g. "the TLS handshake with example.org:5222". */
  what: string;
  /** The caller's own cancellation; its reason is what the step rejects with. */
  signal?: AbortSignal;
  /** The error to reject with at the deadline instead of a DeadlineError. */
  onTimeout?: () => unknown;
}

/**
 * Runs `work` with a signal that aborts at the deadline or with the caller's signal, and settles with
 * whichever comes first: the work's own outcome, the deadline's error or the caller's abort reason.
 */
export function withDeadline<T>(
  work: Promise<T> | ((signal: AbortSignal) => Promise<T>),
  options: DeadlineOptions,
): Promise<T> {
  const controller = new AbortController();
  const timeoutError = () => options.onTimeout?.() ?? new DeadlineError(options.what, options.ms);
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const fail = (reason: unknown) => {
      finish(() => reject(reason));
      controller.abort(reason);
    };
    const onAbort = () => fail(options.signal?.reason);
    const timer = setTimeout(() => fail(timeoutError()), Math.max(0, options.ms));
    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let promise: Promise<T>;
    try {
      promise = typeof work === 'function' ? work(controller.signal) : work;
    } catch (error) {
      fail(error);
      return;
    }
    promise.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}
