import { describe, expect, it } from 'vitest';
import type { S2sObservation } from '../../../core/observation.ts';
import { freshFacts, type ServerFacts, updateFacts } from './observe-facts.ts';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 11, 1, 12);
const prosody = { name: 'Prosody', version: '0.12.3' };
const server = [{ category: 'server', type: 'im', name: null }];
const facts = (hoursAgo: number): ServerFacts => ({
  software: prosody,
  identities: server,
  checkedAt: NOW - hoursAgo * HOUR,
});
const observed = (domain: string, extra: Partial<S2sObservation> = {}): S2sObservation => ({
  domain,
  outcome: 'ok',
  condition: null,
  text: null,
  by: null,
  software: null,
  identities: [],
  observedAt: new Date(NOW).toISOString(),
  ...extra,
});

describe('server facts', () => {
  it('reuses facts younger than a day, not older ones nor ones dated ahead', () => {
    const cache = new Map([
      ['young.test', facts(23)],
      ['old.test', facts(24)],
      ['ahead.test', facts(-1)],
    ]);
    expect(freshFacts(cache, 'young.test', NOW)).toEqual(facts(23));
    expect(freshFacts(cache, 'old.test', NOW)).toBeNull();
    expect(freshFacts(cache, 'ahead.test', NOW)).toBeNull();
    expect(freshFacts(cache, 'never.test', NOW)).toBeNull();
  });

  it('stores new answers, keeps reused ones with their age, and drops domains no longer checked', () => {
    const cache = new Map([
      ['reused.test', facts(5)],
      ['silent.test', facts(5)],
      ['gone.test', facts(1)],
      ['stale.test', facts(30)],
    ]);
    const next = updateFacts(
      cache,
      [
        observed('reused.test', { software: prosody, identities: server }),
        observed('new.test', { software: { name: 'ejabberd', version: '23.01' } }),
        // Pinged, but disco and version timed out: the old facts hold until a day old.
        observed('silent.test'),
        observed('stale.test', { outcome: 'timeout' }),
      ],
      new Set(['reused.test']),
      NOW,
    );
    expect(Object.fromEntries(next)).toEqual({
      'reused.test': facts(5),
      'new.test': { software: { name: 'ejabberd', version: '23.01' }, identities: [], checkedAt: NOW },
      'silent.test': facts(5),
    });
  });
});
