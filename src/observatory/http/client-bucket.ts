// A token bucket per client: the pace of its requests, with room for a burst. The request rate limit
// (300 a minute, a fixed window) lets a client spend all 300 in its first second, and some requests
// cost far more than others (a lookup of 500 names is 25 of 20); a bucket refilled at 5 a second
// with room for 60 spreads that cost out, so one client's burst never takes the CPU from everyone
// else. Pure: the caller gives the time. (No maintained package keeps per-client buckets with
// weighted takes in memory without a store of its own; this is a few lines.)
import type { LimitAnswer } from './client-window.ts';

export class TokenBucketPerClient {
  readonly capacity: number;
  readonly perSecond: number;
  /** Clients whose bucket is not full; a full one is forgotten (it is what a new client gets). */
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  #nextSweep = 0;

  constructor(capacity: number, perSecond: number) {
    if (!(Number.isFinite(capacity) && capacity >= 1))
      throw new RangeError(`the bucket must hold 1 or more, got ${capacity}`);
    if (!(Number.isFinite(perSecond) && perSecond > 0))
      throw new RangeError(`the refill must be more than 0 a second, got ${perSecond}`);
    this.capacity = capacity;
    this.perSecond = perSecond;
  }

  /** Takes `cost` tokens from `client` at `nowMs`, or says how long until it has them (cost is capped at the capacity). */
  tryTake(client: string, nowMs: number, cost = 1): LimitAnswer {
    // NaN would make every comparison false: a bucket that never refuses.
    if (!(Number.isFinite(cost) && cost >= 0))
      throw new RangeError(`the cost must be a finite number ≥ 0, got ${cost}`);
    this.#sweep(nowMs);
    const want = Math.min(cost, this.capacity);
    const tokens = this.#tokens(client, nowMs);
    if (tokens < want) {
      this.#buckets.set(client, { tokens, at: nowMs });
      return { ok: false, retryAfterMs: Math.ceil(((want - tokens) / this.perSecond) * 1000) };
    }
    this.#buckets.set(client, { tokens: tokens - want, at: nowMs });
    return { ok: true };
  }

  /** Clients whose bucket is not full. */
  get clients(): number {
    return this.#buckets.size;
  }

  #tokens(client: string, nowMs: number): number {
    const b = this.#buckets.get(client);
    if (b === undefined) return this.capacity;
    return Math.min(this.capacity, b.tokens + (Math.max(0, nowMs - b.at) / 1000) * this.perSecond);
  }

  /** Forgets buckets that have refilled, every few seconds: memory follows the clients of the last moments. */
  #sweep(nowMs: number): void {
    if (nowMs < this.#nextSweep) return;
    for (const client of this.#buckets.keys()) {
      if (this.#tokens(client, nowMs) >= this.capacity) this.#buckets.delete(client);
    }
    this.#nextSweep = nowMs + (this.capacity / this.perSecond) * 1000;
  }
}
