import { describe, expect, it } from 'vitest';
import {
  affordableRefreshes,
  answersOf,
  OMEMO_REFRESH_POLICY,
  type OmemoCacheEntry,
  type OmemoRefreshPolicy,
  planRefresh,
  updateCache,
} from './omemo-cache.ts';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 11, 1, 12);
const policy: OmemoRefreshPolicy = {
  maxAgeMs: 24 * HOUR,
  unknownMaxAgeMs: HOUR,
  forgetAfterMs: 7 * 24 * HOUR,
  maxPerCheck: 3,
};
const entry = (answer: boolean | null, hoursAgo: number): OmemoCacheEntry => ({
  answer,
  checkedAt: NOW - hoursAgo * HOUR,
});

describe('planRefresh', () => {
  it('asks never-asked contacts first, then the longest stale, and leaves fresh answers alone', () => {
    const cache = new Map([
      ['fresh@a', entry(true, 2)],
      ['day@a', entry(false, 25)],
      ['week@a', entry(true, 24 * 6)],
      ['unknown@a', entry(null, 1.5)],
    ]);
    const plan = planRefresh(cache, ['fresh@a', 'day@a', 'new@b', 'week@a', 'unknown@a'], NOW, {
      ...policy,
      maxPerCheck: 10,
    });
    expect(plan.due).toEqual(['new@b', 'week@a', 'day@a', 'unknown@a']);
    expect(plan).toMatchObject({ deferred: 0, cached: 1 });
  });

  it('asks at most maxPerCheck a check; the rest wait, oldest first next time', () => {
    const contacts = Array.from({ length: 10 }, (_, i) => `c${i}@d`);
    const first = planRefresh(new Map(), contacts, NOW, policy);
    expect(first.due).toEqual(['c0@d', 'c1@d', 'c2@d']);
    expect(first).toMatchObject({ deferred: 7, cached: 7 });

    // Each check answers its due contacts; after four checks every contact has been asked once.
    let cache = new Map<string, OmemoCacheEntry>();
    const asked: string[] = [];
    for (let check = 0; check < 4; check++) {
      const now = NOW + check * HOUR;
      const { due } = planRefresh(cache, contacts, now, policy);
      asked.push(...due);
      cache = updateCache(cache, contacts, new Map(due.map((c) => [c, true])), now);
    }
    expect(asked).toEqual(contacts);
    // A day after the first check, its contacts are the first due again.
    expect(planRefresh(cache, contacts, NOW + 24 * HOUR + 1, policy).due).toEqual(['c0@d', 'c1@d', 'c2@d']);
  });

  it('asks again an answer dated in the future (a clock set back)', () => {
    const cache = new Map([['c@d', { answer: true, checkedAt: NOW + HOUR }]]);
    expect(planRefresh(cache, ['c@d'], NOW, policy).due).toEqual(['c@d']);
  });

  it('counts a contact listed twice once', () => {
    expect(planRefresh(new Map(), ['a@b', 'a@b'], NOW, policy)).toEqual({
      due: ['a@b'],
      deferred: 0,
      cached: 0,
    });
  });

  it('defaults to a day and a bounded number per check', () => {
    expect(OMEMO_REFRESH_POLICY.maxAgeMs).toBe(24 * HOUR);
    expect(OMEMO_REFRESH_POLICY.maxPerCheck).toBeGreaterThan(0);
  });
});

describe('updateCache', () => {
  it('stores fresh answers with the check time, keeps the rest, drops who left the roster', () => {
    const cache = new Map([
      ['kept@a', entry(true, 3)],
      ['gone@a', entry(true, 3)],
      ['asked@a', entry(false, 30)],
    ]);
    const next = updateCache(
      cache,
      ['kept@a', 'asked@a', 'new@a'],
      new Map([
        ['asked@a', true],
        ['new@a', false],
      ]),
      NOW,
    );
    expect(Object.fromEntries(next)).toEqual({
      'kept@a': entry(true, 3),
      'asked@a': { answer: true, checkedAt: NOW },
      'new@a': { answer: false, checkedAt: NOW },
    });
  });

  it('an unknown answer does not erase a known one, which stays due', () => {
    const cache = new Map([['c@d', entry(true, 30)]]);
    const next = updateCache(cache, ['c@d'], new Map([['c@d', null]]), NOW);
    expect(next.get('c@d')).toEqual(entry(true, 30));
    expect(planRefresh(next, ['c@d'], NOW, policy).due).toEqual(['c@d']);
    // With nothing known before, unknown is stored, and asked again after an hour, not a day.
    const unknown = updateCache(new Map(), ['c@d'], new Map([['c@d', null]]), NOW);
    expect(unknown.get('c@d')).toEqual({ answer: null, checkedAt: NOW });
    expect(planRefresh(unknown, ['c@d'], NOW + HOUR / 2, policy).due).toEqual([]);
    expect(planRefresh(unknown, ['c@d'], NOW + HOUR, policy).due).toEqual(['c@d']);
  });
});

describe('answersOf', () => {
  it('reports the cached answer until it is forgotten, and unknown for contacts never asked', () => {
    const cache = new Map([
      ['day@a', entry(true, 30)],
      ['old@a', entry(true, 24 * 8)],
      ['no@a', entry(false, 1)],
      ['future@a', { answer: true, checkedAt: NOW + HOUR }],
    ]);
    expect(
      Object.fromEntries(answersOf(cache, ['day@a', 'old@a', 'no@a', 'new@a', 'future@a'], NOW, policy)),
    ).toEqual({
      'day@a': true,
      'old@a': null,
      'no@a': false,
      'new@a': null,
      'future@a': null,
    });
  });
});

describe('affordableRefreshes', () => {
  it('gives OMEMO what the observation leaves of the budget, never less than none', () => {
    expect(
      affordableRefreshes({ budgetBytes: 130_000, observationBytes: 36_000, bytesPerContact: 430 }),
    ).toBe(218);
    expect(
      affordableRefreshes({ budgetBytes: 130_000, observationBytes: 108_000, bytesPerContact: 430 }),
    ).toBe(51);
    expect(
      affordableRefreshes({ budgetBytes: 130_000, observationBytes: 200_000, bytesPerContact: 430 }),
    ).toBe(0);
  });
});
