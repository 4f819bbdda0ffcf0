import { describe, expect, it } from 'vitest';
import { TokenBucketPerClient } from './client-bucket.ts';

describe('TokenBucketPerClient', () => {
  it('allows a burst up to its capacity, then the refill rate, and says when to come back', () => {
    const bucket = new TokenBucketPerClient(30, 5);
    for (let i = 0; i < 30; i++) expect(bucket.tryTake('a', 0).ok).toBe(true);
    expect(bucket.tryTake('a', 0)).toEqual({ ok: false, retryAfterMs: 200 });
    expect(bucket.tryTake('a', 199).ok).toBe(false);
    expect(bucket.tryTake('a', 400).ok).toBe(true);
    // Another client is not touched.
    expect(bucket.tryTake('b', 400).ok).toBe(true);
  });

  it('charges a costly request its weight, capped at the capacity so it can always pass eventually', () => {
    const bucket = new TokenBucketPerClient(30, 5);
    expect(bucket.tryTake('a', 0, 25).ok).toBe(true);
    expect(bucket.tryTake('a', 0, 25)).toEqual({ ok: false, retryAfterMs: 4000 });
    expect(bucket.tryTake('a', 4000, 25).ok).toBe(true);
    expect(bucket.tryTake('b', 0, 1000).ok).toBe(true);
    expect(bucket.tryTake('b', 0, 1).ok).toBe(false);
  });

  it('keeps only clients whose bucket is not full', () => {
    const bucket = new TokenBucketPerClient(10, 10);
    for (let i = 0; i < 100; i++) bucket.tryTake(`c${i}`, 0);
    expect(bucket.clients).toBe(100);
    bucket.tryTake('later', 5000);
    expect(bucket.clients).toBe(1);
  });

  it('refuses a cost or a configuration that would make a bucket that never refuses', () => {
    const bucket = new TokenBucketPerClient(10, 1);
    expect(() => bucket.tryTake('a', 0, Number.NaN)).toThrow(RangeError);
    expect(() => bucket.tryTake('a', 0, -1)).toThrow(RangeError);
    expect(() => new TokenBucketPerClient(Number.POSITIVE_INFINITY, 1)).toThrow(RangeError);
    expect(() => new TokenBucketPerClient(10, 0)).toThrow(RangeError);
  });
});
