import { describe, expect, it } from 'vitest';
import { CountPerClientWindow } from './client-window.ts';

describe('CountPerClientWindow', () => {
  it('lets each client take the cap in its window, then says when the window ends', () => {
    const bodies = new CountPerClientWindow(2, 3_600_000);
    expect(bodies.tryTake('a', 1_000)).toEqual({ ok: true });
    expect(bodies.tryTake('a', 2_000)).toEqual({ ok: true });
    expect(bodies.tryTake('a', 3_000)).toEqual({ ok: false, retryAfterMs: 3_598_000 });
    // Another client has a window of its own.
    expect(bodies.tryTake('b', 3_000)).toEqual({ ok: true });
    // A new window begins when the old one has passed.
    expect(bodies.tryTake('a', 3_601_000)).toEqual({ ok: true });
  });

  it('counts amounts: a take is allowed while under the cap, and may end past it', () => {
    const bytes = new CountPerClientWindow(1_000, 60_000);
    expect(bytes.tryTake('a', 0, 600)).toEqual({ ok: true });
    expect(bytes.tryTake('a', 1, 600)).toEqual({ ok: true });
    expect(bytes.tryTake('a', 2, 1)).toEqual({ ok: false, retryAfterMs: 59_998 });
  });

  it('forgets the windows of clients gone quiet', () => {
    const bodies = new CountPerClientWindow(1, 1_000);
    for (let i = 0; i < 100; i++) bodies.tryTake(`client-${i}`, 0);
    expect(bodies.clients).toBe(100);
    bodies.tryTake('late', 5_000);
    expect(bodies.clients).toBe(1);
  });

  it('refuses a cap or window that would let nothing through', () => {
    expect(() => new CountPerClientWindow(0, 1_000)).toThrow(RangeError);
    expect(() => new CountPerClientWindow(1.5, 1_000)).toThrow(RangeError);
    expect(() => new CountPerClientWindow(1, 0)).toThrow(RangeError);
    expect(() => new CountPerClientWindow(1, 1_000).tryTake('a', 0, Number.NaN)).toThrow(RangeError);
    expect(() => new CountPerClientWindow(1, 1_000).tryTake('a', 0, -1)).toThrow(RangeError);
  });
});
