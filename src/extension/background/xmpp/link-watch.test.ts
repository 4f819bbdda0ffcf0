import { describe, expect, it } from 'vitest';
import type { S2sObservation, S2sOutcome } from '../../../core/observation.ts';
import { linkWatch } from './link-watch.ts';

function observation(domain: string, outcome: S2sOutcome): S2sObservation {
  return {
    domain,
    outcome,
    condition: null,
    text: null,
    by: null,
    software: null,
    identities: [],
    observedAt: '2026-12-01T06:00:00.000Z',
  };
}

async function settled(promise: Promise<void>): Promise<boolean> {
  return Promise.race([promise.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 0))]);
}

describe('linkWatch', () => {
  it('settles for a failed or unanswered domain, before or after someone waits', async () => {
    const watch = linkWatch();
    const early = watch.down('Dead.example');
    watch.observed(observation('dead.example', 'unreachable'));
    watch.observed(observation('slow.example', 'timeout'));
    expect(await settled(early)).toBe(true);
    expect(await settled(watch.down('slow.example'))).toBe(true);
  });

  it('never settles for a working link or an unknown answer', async () => {
    const watch = linkWatch();
    for (const outcome of ['ok', 'not-allowed', 'error'] as const) {
      watch.observed(observation(`${outcome}.example`, outcome));
      expect(await settled(watch.down(`${outcome}.example`)), outcome).toBe(false);
    }
  });
});
