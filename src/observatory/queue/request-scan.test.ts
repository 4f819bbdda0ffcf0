import { describe, expect, it } from 'vitest';
import { clientShare } from './request-scan.ts';

describe('clientShare', () => {
  const limits = { maxQueued: 1000, maxQueuedPerClient: 50 };

  it('is the whole per-client share on an empty queue and shrinks as the queue fills', () => {
    expect(clientShare(0, limits)).toBe(50);
    expect(clientShare(500, limits)).toBe(25);
    expect(clientShare(900, limits)).toBe(5);
  });

  it('leaves the last room to clients with nothing waiting, and never falls below one', () => {
    expect(clientShare(979, limits)).toBe(2);
    expect(clientShare(981, limits)).toBe(1);
    expect(clientShare(1000, limits)).toBe(1);
    expect(clientShare(5000, limits)).toBe(1);
    expect(clientShare(0, { maxQueued: 0, maxQueuedPerClient: 3 })).toBe(3);
  });

  it('lets 500 clients that each want four scans share a 1,000-slot queue without filling it', () => {
    // Each round every client asks once, as the load benchmark's honest clients do.
    const waiting = new Array<number>(500).fill(0);
    let depth = 0;
    let refusedByShare = 0;
    for (let round = 0; round < 4; round++)
      for (let c = 0; c < waiting.length; c++) {
        if ((waiting[c] as number) >= clientShare(depth, limits)) refusedByShare++;
        else {
          waiting[c] = (waiting[c] as number) + 1;
          depth++;
        }
      }
    expect(depth).toBeLessThan(limits.maxQueued);
    expect(refusedByShare).toBeGreaterThan(0);
    expect(Math.min(...waiting)).toBeGreaterThanOrEqual(1);
  });
});
