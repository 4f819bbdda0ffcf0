import { describe, expect, it } from 'vitest';
import { cooldownRemainingMs } from './cooldown.ts';

const now = new Date('2026-11-24T12:00:00.000Z');

describe('cooldownRemainingMs', () => {
  it('is zero without a previous request or after the cooldown', () => {
    expect(cooldownRemainingMs(null, now, 3_600_000)).toBe(0);
    expect(cooldownRemainingMs('2026-11-24T10:00:00.000Z', now, 3_600_000)).toBe(0);
  });

  it('counts down from the last request', () => {
    expect(cooldownRemainingMs('2026-11-24T11:30:00.000Z', now, 3_600_000)).toBe(1_800_000);
  });
});
