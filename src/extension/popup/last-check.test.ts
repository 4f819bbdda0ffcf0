import { describe, expect, it } from 'vitest';
import { describeLastCheck } from './last-check.ts';

const now = new Date('2026-11-24T18:00:00Z');

describe('describeLastCheck', () => {
  it.each([
    [null, 'never'],
    ['2026-11-24T17:59:40Z', 'just now'],
    ['2026-11-24T17:59:00Z', '1 minute ago'],
    ['2026-11-24T17:15:00Z', '45 minutes ago'],
    ['not a date', 'unknown'],
  ])('describes %j as %j', (iso, text) => {
    expect(describeLastCheck(iso, now, 'en-GB')).toBe(text);
  });

  it('gives date and time for older checks and for clocks that disagree', () => {
    expect(describeLastCheck('2026-11-23T09:30:00Z', now, 'en-GB')).toMatch(/23 Nov 2026/);
    expect(describeLastCheck('2026-11-24T19:00:00Z', now, 'en-GB')).toMatch(/24 Nov 2026/);
  });
});
