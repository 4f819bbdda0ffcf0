// ejabberd's c2s shaper as a token bucket over a record of what a client sent, so the bench can say how
// many stanzas a server with the default shaper would have held back. ejabberd 23.01's shipped
// ejabberd.yml: `shaper: normal: {rate: 3000, burst_size: 20000}`, `c2s_shaper: normal` for all users;
// when a read exceeds the bucket, the connection pauses until the bucket refills. Pure.

export interface ShaperSpec {
  /** Bytes per second refilled. */
  rate: number;
  /** Bucket size, bytes. */
  burst: number;
}

export const EJABBERD_DEFAULT_C2S: ShaperSpec = { rate: 3000, burst: 20_000 };

/** One stanza as the client sent it: when (ms) and its size on the wire (bytes). */
export interface SentStanza {
  atMs: number;
  bytes: number;
}

export interface ShaperVerdict {
  /** Stanzas that arrived while the bucket held too little for them: the server would delay them. */
  throttled: number;
  /** The longest such delay, ms. */
  longestDelayMs: number;
  /** All bytes, and the busiest second's bytes, to compare with the rate. */
  bytes: number;
  peakBytesPerSecond: number;
}

export function applyShaper(sent: readonly SentStanza[], spec: ShaperSpec): ShaperVerdict {
  let tokens = spec.burst;
  let last = sent[0]?.atMs ?? 0;
  // The server reads on once the bucket has refilled; a stanza can never be read before it was sent.
  let readyAt = last;
  let throttled = 0;
  let longestDelayMs = 0;
  let bytes = 0;
  for (const stanza of sent) {
    const at = Math.max(stanza.atMs, readyAt);
    tokens = Math.min(spec.burst, tokens + ((at - last) * spec.rate) / 1000);
    last = at;
    tokens -= stanza.bytes;
    bytes += stanza.bytes;
    if (at > stanza.atMs) {
      throttled += 1;
      longestDelayMs = Math.max(longestDelayMs, at - stanza.atMs);
    }
    // A negative bucket pauses reading until it is back to zero.
    readyAt = tokens < 0 ? at + (-tokens * 1000) / spec.rate : at;
  }
  return { throttled, longestDelayMs, bytes, peakBytesPerSecond: peakPerSecond(sent) };
}

function peakPerSecond(sent: readonly SentStanza[]): number {
  let peak = 0;
  let start = 0;
  let inWindow = 0;
  for (const stanza of sent) {
    inWindow += stanza.bytes;
    while ((sent[start]?.atMs ?? 0) <= stanza.atMs - 1000) inWindow -= sent[start++]?.bytes ?? 0;
    peak = Math.max(peak, inWindow);
  }
  return peak;
}
