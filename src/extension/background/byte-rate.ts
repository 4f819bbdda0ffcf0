// Keeps what the check sends to the user's server under a byte rate, so a server's c2s traffic shaper
// never has to hold our stanzas back. A token bucket with debt, so waiters leave in the order they came;
// a dozen lines of arithmetic, not worth a dependency.

export interface ByteRate {
  /** Long-run bytes per second. */
  bytesPerSecond: number;
  /** Bytes that may leave at once after a quiet spell. */
  burstBytes: number;
}

/**
 * ejabberd 23.01's `normal` shaper (its shipped ejabberd.yml: `rate: 3000`, `burst_size: 20000`, bytes),
 * which `c2s_shaper` gives every non-admin client by default.
 */
export const EJABBERD_NORMAL_SHAPER: ByteRate = { bytesPerSecond: 3000, burstBytes: 20_000 };

/**
 * What the check allows itself: 80% of that shaper's rate, and a burst that leaves room for the login
 * (SASL, bind: about 2 KB) sent before the bucket starts counting.
 */
export const CHECK_SEND_RATE: ByteRate = { bytesPerSecond: 2400, burstBytes: 12_000 };

/** Prosody 0.12's shipped `limits.c2s` (mod_limits: 10 KiB/s with a 2 s burst). */
export const PROSODY_C2S_LIMIT: ByteRate = { bytesPerSecond: 10 * 1024, burstBytes: 20 * 1024 };

/**
 * The pace toward the user's server: 80% of its software's shipped limit where an earlier check learnt
 * the software (XEP-0092), ejabberd's, the tightest we know, otherwise.
 */
export function sendRateFor(software: { name: string } | null): ByteRate {
  if (software !== null && /^prosody$/i.test(software.name.trim())) {
    return { bytesPerSecond: PROSODY_C2S_LIMIT.bytesPerSecond * 0.8, burstBytes: 16_000 };
  }
  return CHECK_SEND_RATE;
}

export interface ByteBucket {
  /** Books `bytes` sent at `nowMs`; returns how long the sender must wait before sending them. */
  reserve(bytes: number, nowMs: number): number;
}

export function byteBucket(rate: ByteRate, startMs: number): ByteBucket {
  if (!(rate.bytesPerSecond > 0) || !(rate.burstBytes >= 0)) {
    throw new RangeError(`a byte rate needs a positive rate and a burst ≥ 0, got ${JSON.stringify(rate)}`);
  }
  // Negative when earlier reservations are still waiting: the debt orders the waiters.
  let tokens = rate.burstBytes;
  let at = startMs;
  return {
    reserve(bytes, nowMs) {
      if (!(bytes >= 0)) throw new RangeError(`bytes must be ≥ 0, got ${bytes}`);
      const now = Math.max(nowMs, at);
      tokens = Math.min(rate.burstBytes, tokens + ((now - at) * rate.bytesPerSecond) / 1000);
      at = now;
      tokens -= bytes;
      return tokens >= 0 ? 0 : Math.ceil((-tokens * 1000) / rate.bytesPerSecond);
    },
  };
}

/** What `rate` lets through in `ms`, burst included. */
export function bytesWithin(ms: number, rate: ByteRate): number {
  return rate.burstBytes + Math.floor((Math.max(0, ms) * rate.bytesPerSecond) / 1000);
}

/** How long `bytes` take at `rate` beyond its burst: what a batch's time bound must allow for pacing. */
export function pacingAllowanceMs(bytes: number, rate: ByteRate): number {
  return Math.ceil((Math.max(0, bytes - rate.burstBytes) * 1000) / rate.bytesPerSecond);
}

/** UTF-8 length of a stanza as it goes on the wire (the shaper counts bytes, not characters). */
export function wireBytes(serialised: string): number {
  return new TextEncoder().encode(serialised).byteLength;
}

export interface Pacer {
  /** Resolves when `bytes` may be sent; rejects with the signal's reason when it aborts first. */
  wait(bytes: number, signal?: AbortSignal): Promise<void>;
  /** Bytes booked so far. */
  readonly bytes: number;
}

export function pacer(rate: ByteRate, now: () => number = () => performance.now()): Pacer {
  const bucket = byteBucket(rate, now());
  let booked = 0;
  return {
    get bytes() {
      return booked;
    },
    wait(bytes, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      booked += bytes;
      const ms = bucket.reserve(bytes, now());
      if (ms === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          clearTimeout(timer);
          reject(signal?.reason);
        };
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, ms);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}
