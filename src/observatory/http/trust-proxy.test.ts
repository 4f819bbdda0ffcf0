import { describe, expect, it } from 'vitest';
import { parseTrustProxy } from './trust-proxy.ts';

describe('parseTrustProxy', () => {
  it('reads booleans, hop counts and address lists', () => {
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('')).toBe(false);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('127.0.0.1, 10.0.0.0/8,::1')).toEqual(['127.0.0.1', '10.0.0.0/8', '::1']);
  });

  it('refuses what is neither, rather than trusting everyone by mistake', () => {
    expect(() => parseTrustProxy('yes')).toThrow(/not a proxy address/);
    expect(() => parseTrustProxy('10.0.0.1,proxy.example')).toThrow(/"proxy.example"/);
  });
});
