// How much of one kind of response each client got in the current window (an hour, say), with a cap:
// for responses whose cost is their size, not their count (a full snapshot body is 100+ MB without
// gzip, the compact one 1 MB with it; the request rate limit lets one client take hundreds a minute).
// Counted in any unit (bytes here). Pure: the caller gives the time.
/** A per-client limit's answer: go ahead, or how long until the client may. */
export type LimitAnswer = { ok: true } | { ok: false; retryAfterMs: number };

export class CountPerClientWindow {
  readonly max: number;
  readonly windowMs: number;
  /** Per client: when its window began and how much it took in it. */
  readonly #windows = new Map<string, { start: number; count: number }>();
  #nextSweep = 0;

  constructor(max: number, windowMs: number) {
    if (!(Number.isInteger(max) && max >= 1))
      throw new RangeError(`the cap must be a whole number ≥ 1, got ${max}`);
    if (!(windowMs > 0)) throw new RangeError(`the window must be longer than 0 ms, got ${windowMs}`);
    this.max = max;
    this.windowMs = windowMs;
  }

  /**
   * Counts `amount` for `client` at `nowMs` while it is under the cap (the last take may go past it:
   * a body is sent whole or not at all), or says how long until its window lets it take more.
   */
  tryTake(client: string, nowMs: number, amount = 1): LimitAnswer {
    // NaN would make every later comparison false: a cap that never refuses.
    if (!(Number.isFinite(amount) && amount >= 0))
      throw new RangeError(`the amount must be a finite number ≥ 0, got ${amount}`);
    this.#sweep(nowMs);
    let window = this.#windows.get(client);
    if (window === undefined || nowMs - window.start >= this.windowMs) {
      window = { start: nowMs, count: 0 };
      this.#windows.set(client, window);
    }
    if (window.count >= this.max) return { ok: false, retryAfterMs: window.start + this.windowMs - nowMs };
    window.count += amount;
    return { ok: true };
  }

  /** Clients with a window still open. */
  get clients(): number {
    return this.#windows.size;
  }

  /** Forgets windows that have ended, once a window: memory follows the clients of the last window only. */
  #sweep(nowMs: number): void {
    if (nowMs < this.#nextSweep) return;
    for (const [client, window] of this.#windows) {
      if (nowMs - window.start >= this.windowMs) this.#windows.delete(client);
    }
    this.#nextSweep = nowMs + this.windowMs;
  }
}
