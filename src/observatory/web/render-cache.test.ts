import { describe, expect, it } from 'vitest';
import { RenderCache } from './render-cache.ts';

describe('RenderCache', () => {
  it('computes a key once, shares it with concurrent callers, and drops the least recently used', async () => {
    const cache = new RenderCache<string>(2);
    let computed = 0;
    const make = (v: string) => async () => {
      computed++;
      return v;
    };
    const [a1, a2] = await Promise.all([cache.get('a', make('A')), cache.get('a', make('other'))]);
    expect([a1, a2, computed]).toEqual(['A', 'A', 1]);
    await cache.get('b', make('B'));
    await cache.get('a', make('A again')); // a is now the most recent
    await cache.get('c', make('C')); // evicts b
    expect(cache.size).toBe(2);
    expect(await cache.get('b', make('B2'))).toBe('B2');
    expect(await cache.get('c', make('C2'))).toBe('C');
  });

  it('keeps no failure: the next call computes again', async () => {
    const cache = new RenderCache<number>(4);
    await expect(cache.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('k', async () => 7)).toBe(7);
  });
});
