import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RefusalHold } from './refusal-hold.ts';

describe('RefusalHold', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds a refusal for its time, or until the client may ask again if that is sooner', async () => {
    const hold = new RefusalHold(1000, 10);
    let done = false;
    void hold.hold().then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    expect(hold.held).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
    expect(hold.held).toBe(0);
    let soon = false;
    void hold.hold(200).then(() => (soon = true));
    await vi.advanceTimersByTimeAsync(200);
    expect(soon).toBe(true);
  });

  it('lets refusals past the cap go at once, so holding never takes more than maxHeld connections', async () => {
    const hold = new RefusalHold(1000, 2);
    const order: number[] = [];
    const all = [1, 2, 3].map((n) => hold.hold().then(() => order.push(n)));
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual([3]);
    expect(hold.held).toBe(2);
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(all);
    expect(order).toEqual([3, 1, 2]);
  });

  it('refuses a nonsensical configuration', () => {
    expect(() => new RefusalHold(Number.NaN, 1)).toThrow(RangeError);
    expect(() => new RefusalHold(-1, 1)).toThrow(RangeError);
    expect(() => new RefusalHold(10, 1.5)).toThrow(RangeError);
  });
});
