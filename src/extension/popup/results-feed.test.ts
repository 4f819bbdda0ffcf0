import { describe, expect, it } from 'vitest';
import { E2E_LABELS } from '../../core/path.ts';
import type { ContactResult, CycleState } from '../shared/check-types.ts';
import type { Request, ResultsAnswer, Status } from '../shared/messages.ts';
import { packResults } from '../shared/packed-results.ts';
import { createResultsFeed, type FeedState, type FeedTimers } from './results-feed.ts';

function result(jid: string): ContactResult {
  return {
    jid,
    name: null,
    light: 'green',
    reasons: [],
    hops: [],
    e2e: { light: 'grey', label: E2E_LABELS.unknown, reasons: [] },
  };
}

/** A background over plain values: the test sets the cycle and the stored results between polls. */
function background() {
  const bg = {
    cycle: { state: 'idle' } as CycleState,
    lastCheck: null as string | null,
    results: [] as ContactResult[],
    asked: [] as Request['type'][],
    async send(message: Request): Promise<unknown> {
      bg.asked.push(message.type);
      if (message.type === 'getResults') {
        const value: ResultsAnswer = { lastCheck: bg.lastCheck, packed: packResults(bg.results) };
        return { ok: true, value };
      }
      const value: Status = {
        configured: true,
        account: 'alice@example.org',
        lastCheck: bg.lastCheck,
        resultCount: bg.results.length,
        light: 'green',
        problem: null,
        credentials: 'session',
        cycle: bg.cycle,
        failure: null,
        stale: false,
      };
      return { ok: true, value };
    },
  };
  return bg;
}

/** Timers the test fires by hand. */
function manualTimers(): FeedTimers & { pending: (() => void)[]; fire(): Promise<void> } {
  const t = {
    pending: [] as (() => void)[],
    set(run: () => void) {
      t.pending.push(run);
      return run;
    },
    clear(handle: unknown) {
      t.pending = t.pending.filter((r) => r !== handle);
    },
    async fire() {
      const run = t.pending.shift();
      run?.();
      await new Promise((r) => setTimeout(r, 0));
    },
  };
  return t;
}

describe('createResultsFeed', () => {
  it('polls the small status while a check runs and fetches results only when a check completed', async () => {
    const bg = background();
    bg.lastCheck = '2026-11-24T17:00:00.000Z';
    bg.results = [result('old@a')];
    bg.cycle = { state: 'running', runId: 'r', startedAt: bg.lastCheck, progress: { phase: 'roster' } };
    const states: FeedState[] = [];
    const timers = manualTimers();
    const feed = createResultsFeed({
      send: (m) => bg.send(m),
      pollMs: 400,
      onState: (s) => states.push(s),
      timers,
    });
    await feed.check('popup');
    expect(bg.asked).toEqual(['runCheck', 'getResults']);
    expect(states.at(-1)).toMatchObject({ kind: 'ready', status: { results: [result('old@a')] } });

    bg.cycle = { ...bg.cycle, progress: { phase: 'omemo', done: 10, total: 100 } };
    await timers.fire();
    await timers.fire();
    expect(bg.asked).toEqual(['runCheck', 'getResults', 'getStatus', 'getStatus']);
    const held = states.at(-1);
    expect(held).toMatchObject({ status: { cycle: { progress: { phase: 'omemo', done: 10 } } } });

    bg.cycle = { state: 'idle' };
    bg.lastCheck = '2026-11-24T18:00:00.000Z';
    bg.results = [result('new@a'), result('new@b')];
    await timers.fire();
    expect(bg.asked.slice(4)).toEqual(['getStatus', 'getResults']);
    expect(states.at(-1)).toMatchObject({ status: { results: [result('new@a'), result('new@b')] } });
    // Idle: no more polls.
    expect(timers.pending).toHaveLength(0);
    // The same results keep their identity between polls, so the popup's memos hold.
    expect(held?.kind === 'ready' && held.status.results).toBe(
      (states[0] as Extract<FeedState, { kind: 'ready' }>).status.results,
    );
  });

  it('fetches no results again when a refresh finds the same check', async () => {
    const bg = background();
    bg.lastCheck = '2026-11-24T17:00:00.000Z';
    const feed = createResultsFeed({
      send: (m) => bg.send(m),
      pollMs: 400,
      onState: () => {},
      timers: manualTimers(),
    });
    await feed.check('popup');
    await feed.check('refresh');
    expect(bg.asked).toEqual(['runCheck', 'getResults', 'runCheck']);
  });

  it('shows a failed answer as a failure, and nothing after stop', async () => {
    const states: FeedState[] = [];
    const timers = manualTimers();
    let fail = true;
    const bg = background();
    bg.cycle = { state: 'running', runId: 'r', startedAt: 'x', progress: { phase: 'login' } };
    const feed = createResultsFeed({
      send: async (m) =>
        fail && m.type === 'getResults'
          ? { ok: false, error: 'The stored results are damaged.' }
          : bg.send(m),
      pollMs: 400,
      onState: (s) => states.push(s),
      timers,
    });
    await feed.check('popup');
    expect(states).toEqual([{ kind: 'failed', message: 'The stored results are damaged.' }]);
    fail = false;
    await feed.check('refresh');
    expect(states.at(-1)?.kind).toBe('ready');
    feed.stop();
    expect(timers.pending).toHaveLength(0);
  });
});
