import { describe, expect, it } from 'vitest';
import { applyShaper, EJABBERD_DEFAULT_C2S } from '../../bench/support/shaper.ts';

describe('applyShaper', () => {
  it('holds nothing back within the burst and the rate', () => {
    const sent = Array.from({ length: 60 }, (_, i) => ({ atMs: i * 100, bytes: 250 }));
    expect(applyShaper(sent, EJABBERD_DEFAULT_C2S)).toMatchObject({ throttled: 0, bytes: 15_000 });
  });

  it('delays what exceeds the burst until the bucket refills at the rate', () => {
    // 100 stanzas of 300 bytes at once: 20,000 bytes pass, the rest waits for 3,000 bytes a second.
    const sent = Array.from({ length: 100 }, () => ({ atMs: 0, bytes: 300 }));
    const verdict = applyShaper(sent, EJABBERD_DEFAULT_C2S);
    expect(verdict.throttled).toBe(33);
    // The last stanza is read once the bucket is back from the 99 before it: -9,700 bytes, 3.23 s.
    expect(verdict.longestDelayMs).toBeCloseTo((9_700 / 3_000) * 1000, 6);
    expect(verdict.peakBytesPerSecond).toBe(30_000);
  });

  it('counts nothing for nothing sent', () => {
    expect(applyShaper([], EJABBERD_DEFAULT_C2S)).toEqual({
      throttled: 0,
      longestDelayMs: 0,
      bytes: 0,
      peakBytesPerSecond: 0,
    });
  });
});
