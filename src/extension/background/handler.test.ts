import { describe, expect, it } from 'vitest';
import { E2E_LABELS } from '../../core/path.ts';
import { phrase } from '../../core/phrase.ts';
import type { CheckFailure, ContactResult } from '../shared/check-types.ts';
import { parseRequest, type ResultsAnswer } from '../shared/messages.ts';
import { unpackResults } from '../shared/packed-results.ts';
import { DEFAULT_SETTINGS, type Settings } from '../shared/settings.ts';
import { type HandlerContext, handleRequest } from './handler.ts';
import { memoryStorage } from './memory-storage.test-support.ts';
import { type StorageArea, writeCheckResults, writeFailure } from './storage.ts';

function context(
  storage: StorageArea,
  options: { saved?: Settings[]; problem?: string | null; session?: StorageArea; checks?: string[] } = {},
): HandlerContext {
  return {
    storage,
    session: options.session ?? memoryStorage(),
    async onSettingsSaved(settings) {
      options.saved?.push(settings);
    },
    problem: () => options.problem ?? null,
    cycle: async () => ({ state: 'idle' }),
    async requestCheck(trigger) {
      options.checks?.push(trigger);
    },
    testConnection: async () => ({ ok: false, kind: 'no-password', message: 'none' }),
    testObservatory: async () => ({ kind: 'none' }),
  };
}

const alice: Settings = { ...DEFAULT_SETTINGS, jid: 'alice@example.org', checkIntervalMinutes: 15 };

function result(jid: string, light: ContactResult['light']): ContactResult {
  return {
    jid,
    name: null,
    light,
    reasons: [{ says: phrase('path_not_scanned', jid) }],
    hops: [],
    e2e: { light: 'grey', label: E2E_LABELS.unknown, reasons: [] },
  };
}

describe('handleRequest', () => {
  it('reports "not configured" with a grey light before any setup', async () => {
    const reply = await handleRequest(context(memoryStorage()), { type: 'getStatus' });
    expect(reply).toEqual({
      ok: true,
      value: {
        configured: false,
        account: null,
        lastCheck: null,
        resultCount: 0,
        light: 'grey',
        problem: null,
        credentials: 'none',
        cycle: { state: 'idle' },
        failure: null,
        stale: false,
      },
    });
  });

  it('stores valid settings, tells the background, and reports them afterwards', async () => {
    const storage = memoryStorage();
    const saved: Settings[] = [];
    const reply = await handleRequest(context(storage, { saved }), { type: 'saveSettings', settings: alice });
    expect(reply).toEqual({ ok: true, value: { saved: true, settings: alice } });
    expect(saved).toEqual([alice]);
    expect(storage.data.get('settings')).toEqual(alice);
    expect(await handleRequest(context(storage), { type: 'getSettings' })).toEqual({
      ok: true,
      value: alice,
    });
    expect(await handleRequest(context(storage), { type: 'getStatus' })).toMatchObject({
      ok: true,
      value: { configured: true, account: 'alice@example.org' },
    });
  });

  it('refuses invalid settings field by field and stores nothing', async () => {
    const storage = memoryStorage();
    const saved: Settings[] = [];
    const reply = await handleRequest(context(storage, { saved }), {
      type: 'saveSettings',
      settings: { ...alice, jid: 'alice', checkIntervalMinutes: 0 },
    });
    expect(reply).toMatchObject({
      ok: true,
      value: { saved: false, errors: [{ field: 'jid' }, { field: 'checkIntervalMinutes' }] },
    });
    expect(storage.data.size).toBe(0);
    expect(saved).toEqual([]);
  });

  it('does not call results stale when the failure was reported beside them', async () => {
    const at = '2026-11-24T18:00:00.000Z';
    const failure = { kind: 'observatory-unreachable', message: 'down', at };
    const storage = memoryStorage({ settings: alice, lastCheck: at, results: [], failure });
    const reply = await handleRequest(context(storage), { type: 'getStatus' });
    expect(reply).toMatchObject({ ok: true, value: { failure, stale: false } });
  });

  it('lights the header with the worst known light: grey contacts do not hide a yellow one', async () => {
    const storage = memoryStorage({
      settings: alice,
      lastCheck: '2026-11-24T17:00:00.000Z',
      results: [result('ghost@x.example', 'grey'), result('bob@weak.example', 'yellow')],
    });
    expect(await handleRequest(context(storage), { type: 'getStatus' })).toMatchObject({
      ok: true,
      value: { light: 'yellow' },
    });
  });

  it("answers the setup's observatory test, and refuses one without a URL", async () => {
    expect(
      await handleRequest(context(memoryStorage()), {
        type: 'testObservatory',
        url: 'http://127.0.0.1:8080',
      }),
    ).toEqual({
      ok: true,
      value: { kind: 'none' },
    });
    expect(parseRequest({ type: 'testObservatory' })).toBeNull();
    expect(parseRequest({ type: 'testObservatory', url: 42 })).toBeNull();
  });

  it('shows the stored results worst light, the failure as stale, and a start-up problem', async () => {
    const results = [result('eve@plain.example', 'red'), result('bob@weak.example', 'yellow')];
    const failure: CheckFailure = {
      kind: 'observatory-unreachable',
      message: 'down',
      at: '2026-11-24T18:00:00.000Z',
    };
    const storage = memoryStorage({ settings: alice });
    await writeCheckResults(storage, {
      lastCheck: '2026-11-24T17:00:00.000Z',
      results,
      observed: { observations: [], userSoftware: null },
    });
    await writeFailure(storage, failure);
    const reply = await handleRequest(context(storage, { problem: 'The XMPP library does not work' }), {
      type: 'getStatus',
    });
    expect(reply).toMatchObject({
      ok: true,
      value: {
        lastCheck: '2026-11-24T17:00:00.000Z',
        resultCount: 2,
        light: 'red',
        failure,
        stale: true,
        problem: 'The XMPP library does not work',
      },
    });
    expect(reply.ok && 'results' in (reply.value as object)).toBe(false);
    const answer = await handleRequest(context(storage), { type: 'getResults' });
    expect(answer.ok).toBe(true);
    const { lastCheck, packed } = (answer as { value: ResultsAnswer }).value;
    expect(lastCheck).toBe('2026-11-24T17:00:00.000Z');
    expect(unpackResults(packed)).toEqual(results);
  });

  it('answers a status of a few hundred bytes whatever the number of results', async () => {
    const sizes: number[] = [];
    for (const count of [10, 5_000]) {
      const storage = memoryStorage({ settings: alice });
      const results = Array.from({ length: count }, (_, i) =>
        result(`user${i}@d${i % 300}.example`, 'green'),
      );
      await writeCheckResults(storage, {
        lastCheck: '2026-11-24T17:00:00.000Z',
        results,
        observed: { observations: [], userSoftware: null },
      });
      const reply = await handleRequest(context(storage), { type: 'getStatus' });
      expect(reply).toMatchObject({ ok: true, value: { resultCount: count, light: 'green' } });
      sizes.push(JSON.stringify(reply).length);
    }
    // "10" → "5000": the count's two more digits, nothing per contact.
    expect(sizes[1]).toBe((sizes[0] ?? 0) + 2);
    expect(sizes[1]).toBeLessThan(1_000);
  });

  it('drops stored results of an older shape instead of showing them half', async () => {
    const old = [{ jid: 'bob@weak.example', name: 'Bob', light: 'yellow', reasons: ['TLS 1.0 accepted'] }];
    const storage = memoryStorage({ settings: alice, lastCheck: '2026-11-24T17:00:00.000Z', results: old });
    expect(await handleRequest(context(storage), { type: 'getStatus' })).toMatchObject({
      ok: true,
      value: { resultCount: 0, light: 'grey' },
    });
  });

  it('says the stored results are damaged instead of showing part of them', async () => {
    const storage = memoryStorage({
      settings: alice,
      lastCheck: '2026-11-24T17:00:00.000Z',
      packedResults: { format: 1, fields: ['light'], values: [], rows: [['bob@weak.example', null, 4]] },
    });
    const reply = await handleRequest(context(storage), { type: 'getResults' });
    expect(reply.ok).toBe(true);
    expect(() => unpackResults((reply as { value: ResultsAnswer }).value.packed)).toThrow(
      'The stored results are damaged: row 1 refers to value 4 of 0.',
    );
    // Nothing was rewritten: the damaged form is still there for whoever looks.
    expect(storage.data.get('packedResults')).toMatchObject({ rows: [['bob@weak.example', null, 4]] });
  });

  it('keeps the password in the session area, and forgets it when the account changes', async () => {
    const storage = memoryStorage({ settings: alice });
    const session = memoryStorage();
    const ctx = context(storage, { session });
    expect(await handleRequest(ctx, { type: 'saveCredentials', password: 'pw', remember: false })).toEqual({
      ok: true,
      value: 'session',
    });
    expect(JSON.stringify([...storage.data])).not.toContain('"pw"');
    expect(session.data.get('credentials')).toEqual({ jid: 'alice@example.org', password: 'pw' });
    await handleRequest(ctx, { type: 'saveSettings', settings: { ...alice, jid: 'bob@example.org' } });
    expect(session.data.has('credentials')).toBe(false);
  });

  it('switching accounts drops the previous account’s results, observations, failure and secrets', async () => {
    const storage = memoryStorage({
      settings: alice,
      lastCheck: '2026-11-24T17:00:00.000Z',
      results: [result('bob@weak.example', 'red')],
      observed: { observations: [], userSoftware: null },
      failure: { kind: 'timeout', message: 'x', at: '2026-11-24T17:00:00.000Z' },
      rememberMe: { jid: 'alice@example.org' },
    });
    const session = memoryStorage();
    const ctx = context(storage, { session });
    await handleRequest(ctx, { type: 'saveCredentials', password: 'pw', remember: true });
    // The same account saved again keeps everything.
    await handleRequest(ctx, { type: 'saveSettings', settings: { ...alice, checkIntervalMinutes: 30 } });
    expect(storage.data.has('results')).toBe(true);
    await handleRequest(ctx, { type: 'saveSettings', settings: { ...alice, jid: 'bob@example.org' } });
    expect([...storage.data.keys()]).toEqual(['settings']);
    expect(session.data.size).toBe(0);
    expect(await handleRequest(ctx, { type: 'getStatus' })).toMatchObject({
      ok: true,
      value: {
        account: 'bob@example.org',
        resultCount: 0,
        lastCheck: null,
        failure: null,
        credentials: 'none',
      },
    });
  });

  it('refuses a password before an account exists', async () => {
    expect(
      await handleRequest(context(memoryStorage()), {
        type: 'saveCredentials',
        password: 'pw',
        remember: true,
      }),
    ).toEqual({ ok: false, error: 'Save your XMPP address before the password.' });
  });

  it('asks for a check only when configured', async () => {
    const checks: string[] = [];
    await handleRequest(context(memoryStorage(), { checks }), { type: 'runCheck', trigger: 'refresh' });
    expect(checks).toEqual([]);
    await handleRequest(context(memoryStorage({ settings: alice }), { checks }), {
      type: 'runCheck',
      trigger: 'popup',
    });
    expect(checks).toEqual(['popup']);
  });

  it('turns a storage failure into a failed reply with its reason', async () => {
    const quota = () => Promise.reject(new Error('QUOTA_BYTES quota exceeded'));
    const broken: StorageArea = { get: quota, set: quota, remove: quota };
    expect(await handleRequest(context(broken), { type: 'getStatus' })).toEqual({
      ok: false,
      error: 'QUOTA_BYTES quota exceeded',
    });
  });
});
