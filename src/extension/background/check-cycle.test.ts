// The cycle's early exits, which need no server: the full cycle against the lab runs in the
// end-to-end browser test (test/browser/e2e-check.test.ts).
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../shared/settings.ts';
import { type CycleDeps, runCheckCycle } from './check-cycle.ts';
import { memoryStorage } from './memory-storage.test-support.ts';
import { memorySnapshotStore } from './snapshot-store.ts';

type Memory = ReturnType<typeof memoryStorage>;

function deps(
  local: Memory = memoryStorage(),
  session: Memory = memoryStorage(),
): CycleDeps & { calls: string[]; local: Memory } {
  const calls: string[] = [];
  return {
    calls,
    local,
    session,
    snapshots: memorySnapshotStore(),
    checkAccount: async () => {
      calls.push('checkAccount');
      throw new Error('not reached');
    },
    discover: async () => {
      calls.push('discover');
      throw new Error('not reached');
    },
    fetch: async () => {
      calls.push('fetch');
      throw new Error('not reached');
    },
    now: () => new Date('2026-11-24T18:00:00Z'),
    timeoutMs: 1000,
    onProgress: () => {},
  };
}

describe('runCheckCycle', () => {
  it('fails clearly, without connecting, when no account is set up', async () => {
    const d = deps();
    const outcome = await runCheckCycle(d);
    expect(outcome).toMatchObject({ ok: false, failure: { kind: 'invalid-settings' } });
    expect(d.calls).toEqual([]);
    expect(d.local.data.get('failure')).toMatchObject({ kind: 'invalid-settings' });
  });

  it('asks for the password, without connecting, when none is stored', async () => {
    const d = deps(memoryStorage({ settings: { ...DEFAULT_SETTINGS, jid: 'alice@example.org' } }));
    const outcome = await runCheckCycle(d);
    expect(outcome).toMatchObject({
      ok: false,
      failure: { kind: 'no-password', message: expect.stringContaining('Enter it in the settings.') },
    });
    expect(d.calls).toEqual([]);
  });

  it('records a failed discovery as the failure and keeps the previous results', async () => {
    const results = [
      {
        jid: 'b@x.example',
        name: null,
        light: 'green',
        reasons: [],
        hops: [],
        e2e: { light: 'grey', reasons: [] },
      },
    ];
    const local = memoryStorage({
      settings: { ...DEFAULT_SETTINGS, jid: 'alice@example.org' },
      results,
      lastCheck: '2026-11-24T17:00:00.000Z',
    });
    const session = memoryStorage({ credentials: { jid: 'alice@example.org', password: 'pw' } });
    const d = deps(local, session);
    const outcome = await runCheckCycle(d);
    expect(d.calls).toEqual(['discover']);
    expect(outcome).toMatchObject({
      ok: false,
      // An exception that is not one of ours reaches the user as a sentence, never as its own text.
      failure: { kind: 'internal', message: expect.not.stringContaining('not reached') },
    });
    expect(local.data.get('results')).toEqual(results);
  });
});
