// When a domain may be rescanned: a pure function of its last request and the clock.

/** Milliseconds left before `domain` may be rescanned; 0 when allowed now. */
export function cooldownRemainingMs(lastRequestedAt: string | null, now: Date, cooldownMs: number): number {
  if (lastRequestedAt === null) return 0;
  return Math.max(0, Date.parse(lastRequestedAt) + cooldownMs - now.getTime());
}
