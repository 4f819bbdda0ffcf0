import { describe, expect, it } from 'vitest';
import { createLimiter } from './limiter.ts';

describe('createLimiter', () => {
  it('never runs more than `concurrency` tasks at once and runs them all', async () => {
    const limit = createLimiter(3);
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limit(async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((resolve) => setImmediate(resolve));
          active--;
          return i;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('lets higher priorities go first, equal ones in order', async () => {
    const limit = createLimiter(1);
    let release = () => {};
    const first = limit(() => new Promise<void>((resolve) => (release = resolve)));
    const order: string[] = [];
    const queued = [
      limit(async () => order.push('low'), 0),
      limit(async () => order.push('high'), 2),
      limit(async () => order.push('low2'), 0),
      limit(async () => order.push('mid'), 1),
    ];
    release();
    await Promise.all([first, ...queued]);
    expect(order).toEqual(['high', 'mid', 'low', 'low2']);
  });

  it('frees the slot of a failed task', async () => {
    const limit = createLimiter(1);
    await expect(limit(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limit(() => Promise.resolve(1))).resolves.toBe(1);
  });

  it('rejects a nonsensical concurrency', () => {
    expect(() => createLimiter(0)).toThrow(RangeError);
    expect(() => createLimiter(1.5)).toThrow(RangeError);
  });
});
