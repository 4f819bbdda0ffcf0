// The runner's own logic: one cycle at a time, its state in storage, recovery after a worker stop,
// and when opening the popup starts a check. The cycle is a function the test settles by hand; the
// real cycle runs in the end-to-end browser test.

import { describe, expect, it } from 'vitest';
import { E2E_LABELS } from '../../core/path.ts';
import { phrase } from '../../core/phrase.ts';
import type { CheckPhase, ContactResult } from '../shared/check-types.ts';
import { DEFAULT_SETTINGS } from '../shared/settings.ts';
import type { CycleOutcome } from './check-cycle.ts';
import { createCheckRunner, POPUP_REFRESH_AFTER_MS } from './check-runner.ts';
import { memoryStorage } from './memory-storage.test-support.ts';

const settings = { ...DEFAULT_SETTINGS, jid: 'alice@example.org' };
const row = (jid: string, light: ContactResult['light']): ContactResult => ({
  jid,
  name: null,
  light,
  reasons: [{ says: phrase('path_not_scanned', 'example.org') }],
  hops: [],
  e2e: { light: 'grey', label: E2E_LABELS.unknown, reasons: [] },
});

function harness(initial: Record<string, unknown> = {}, now = new Date('2026-11-24T18:00:00Z')) {
  const local = memoryStorage(initial);
  const cycles: { progress: (p: CheckPhase) => void; finish: (o: CycleOutcome) => void }[] = [];
  const shown: { results: readonly ContactResult[]; failure: string | null }[] = [];
  const notified: string[][] = [];
  const alive = { held: 0, released: 0 };
  const runner = createCheckRunner({
    local,
    now: () => now,
    runCycle: (progress) =>
      new Promise<CycleOutcome>((finish) => {
        cycles.push({ progress, finish });
      }),
    showResults: async (results, failure) => {
      shown.push({ results, failure });
    },
    notify: async (contacts) => {
      notified.push(contacts.map((c) => c.jid));
    },
    keepAlive: () => {
      alive.held += 1;
      return () => {
        alive.released += 1;
      };
    },
  });
  return { local, cycles, shown, notified, alive, runner };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('createCheckRunner', () => {
  it('keeps the background alive from the start of a cycle to its end, also when it fails', async () => {
    const h = harness();
    const first = h.runner.run();
    await tick();
    expect(h.alive).toEqual({ held: 1, released: 0 });
    h.cycles[0]?.finish({ ok: true, settings, checkedAt: 'now', results: [], previous: [] });
    await first;
    expect(h.alive).toEqual({ held: 1, released: 1 });

    const second = h.runner.run();
    await tick();
    expect(h.alive).toEqual({ held: 2, released: 1 });
    h.cycles[1]?.finish({
      ok: false,
      settings,
      failure: { kind: 'server-unreachable', message: 'no', at: 'now' },
    });
    await second;
    expect(h.alive).toEqual({ held: 2, released: 2 });
  });

  it('runs one cycle at a time and shows its progress while it runs', async () => {
    const h = harness();
    const first = h.runner.run();
    const second = h.runner.run();
    await tick();
    expect(h.cycles).toHaveLength(1);
    h.cycles[0]?.progress({ phase: 'omemo', done: 3, total: 9 });
    expect(await h.runner.state()).toMatchObject({ state: 'running', progress: { phase: 'omemo', done: 3 } });
    expect(h.local.data.get('cycle')).toMatchObject({ state: 'running', progress: { phase: 'omemo' } });

    const results = [row('a@x', 'red'), row('b@x', 'green')];
    h.cycles[0]?.finish({ ok: true, settings, checkedAt: 'now', results, previous: [row('a@x', 'green')] });
    await Promise.all([first, second]);
    expect(await h.runner.state()).toEqual({ state: 'idle' });
    expect(h.shown).toEqual([{ results, failure: null }]);
    expect(h.notified).toEqual([['a@x']]);
  });

  it('runs once more after the current cycle when a refresh comes in while it runs', async () => {
    const h = harness();
    const first = h.runner.run();
    await tick();
    await h.runner.request('refresh');
    await h.runner.request('refresh');
    await h.runner.request('popup');
    expect(h.cycles).toHaveLength(1);
    h.cycles[0]?.finish({ ok: true, settings, checkedAt: 'now', results: [], previous: [] });
    await first;
    await tick();
    // One more, not one per request.
    expect(h.cycles).toHaveLength(2);
    h.cycles[1]?.finish({ ok: true, settings, checkedAt: 'later', results: [], previous: [] });
    await tick();
    await tick();
    expect(h.cycles).toHaveLength(2);
    expect(await h.runner.state()).toEqual({ state: 'idle' });
  });

  it('does not notify when notifications are off', async () => {
    const h = harness();
    const run = h.runner.run();
    await tick();
    h.cycles[0]?.finish({
      ok: true,
      settings: { ...settings, notifications: false },
      checkedAt: 'now',
      results: [row('a@x', 'red')],
      previous: [row('a@x', 'green')],
    });
    await run;
    expect(h.notified).toEqual([]);
  });

  it('keeps showing the stored results with the failure when a cycle fails', async () => {
    const stored = [row('a@x', 'yellow')];
    const h = harness({ results: stored, lastCheck: '2026-11-24T17:00:00.000Z' });
    const run = h.runner.run();
    await tick();
    h.cycles[0]?.finish({
      ok: false,
      settings,
      failure: { kind: 'observatory-unreachable', message: 'down', at: 'now' },
    });
    await run;
    expect(h.shown).toEqual([{ results: stored, failure: 'down' }]);
    expect(await h.runner.state()).toEqual({ state: 'idle' });
  });

  it('turns a "running" left by a stopped worker into "interrupted", and the popup re-runs it', async () => {
    const left = {
      state: 'running',
      runId: 'x',
      startedAt: '2026-11-24T17:59:00.000Z',
      progress: { phase: 'login' },
    };
    const h = harness({ cycle: left, lastCheck: '2026-11-24T17:58:00.000Z', results: [] });
    // Before recovery, the state already reads as interrupted: nobody here runs it.
    expect(await h.runner.state()).toEqual({ state: 'interrupted', startedAt: left.startedAt });
    await h.runner.recover();
    expect(h.local.data.get('cycle')).toEqual({ state: 'interrupted', startedAt: left.startedAt });
    await h.runner.request('popup');
    await tick();
    expect(h.cycles).toHaveLength(1);
  });

  it('starts a check on popup open only when the results are old or missing', async () => {
    const fresh = new Date(
      Date.parse('2026-11-24T18:00:00Z') - POPUP_REFRESH_AFTER_MS + 60_000,
    ).toISOString();
    const recent = harness({ lastCheck: fresh, results: [] });
    await recent.runner.request('popup');
    await tick();
    expect(recent.cycles).toHaveLength(0);
    await recent.runner.request('refresh');
    await tick();
    expect(recent.cycles).toHaveLength(1);

    const old = harness({ lastCheck: '2026-11-24T17:00:00.000Z', results: [] });
    await old.runner.request('popup');
    await tick();
    expect(old.cycles).toHaveLength(1);

    const never = harness();
    await never.runner.request('popup');
    await tick();
    expect(never.cycles).toHaveLength(1);

    // Never checked and the last attempt failed (e.g. wrong password): opening the popup does not retry.
    const failed = harness({ failure: { kind: 'wrong-password', message: 'no', at: 'then' } });
    await failed.runner.request('popup');
    await tick();
    expect(failed.cycles).toHaveLength(0);
  });

  it('goes back to idle even when showing the results throws', async () => {
    const h = harness();
    const runner = createCheckRunner({
      local: h.local,
      now: () => new Date(),
      runCycle: async () => ({ ok: true, settings, checkedAt: 'now', results: [], previous: [] }),
      showResults: async () => {
        throw new Error('no action API');
      },
      notify: async () => {},
      keepAlive: () => () => {
        released = true;
      },
    });
    let released = false;
    await expect(runner.run()).rejects.toThrow('no action API');
    expect(await runner.state()).toEqual({ state: 'idle' });
    expect(released).toBe(true);
  });
});
