// Refusals that wait a moment before they are sent. A client over its limit that asks again at once
// (a closed loop, which is what abuse looks like) gets each 429 after `ms`, so refusing it costs a
// few requests a second instead of thousands, and the CPU that freed serves everyone else. At most
// `maxHeld` wait at once (each holds a connection); past that a refusal goes out at once.
export class RefusalHold {
  readonly ms: number;
  readonly maxHeld: number;
  #held = 0;

  constructor(ms: number, maxHeld: number) {
    if (!(ms >= 0) || !Number.isFinite(ms))
      throw new RangeError(`the hold must be a finite ms ≥ 0, got ${ms}`);
    if (!Number.isInteger(maxHeld) || maxHeld < 0)
      throw new RangeError(`the most held refusals must be an integer ≥ 0, got ${maxHeld}`);
    this.ms = ms;
    this.maxHeld = maxHeld;
  }

  get held(): number {
    return this.#held;
  }

  /** Waits `ms` (at most `untilMs`, when the client may ask again), or not at all when `maxHeld` wait. */
  async hold(untilMs = Number.POSITIVE_INFINITY): Promise<void> {
    const wait = Math.min(this.ms, Math.max(0, untilMs));
    if (wait === 0 || this.#held >= this.maxHeld) return;
    this.#held++;
    try {
      await new Promise((resolve) => setTimeout(resolve, wait));
    } finally {
      this.#held--;
    }
  }
}
