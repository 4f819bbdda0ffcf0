import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../shared/settings.ts';
import { type HandlerContext, handleRequest } from './handler.ts';
import type { StorageArea } from './storage.ts';

/** storage.local's contract over a Map, JSON-cloned like the browser does; the browser test uses the real one. */
function memoryStorage(initial: Record<string, unknown> = {}): StorageArea & { data: Map<string, unknown> } {
  const data = new Map(Object.entries(initial));
  return {
    data,
    async get(keys) {
      return Object.fromEntries(
        keys.filter((k) => data.has(k)).map((k) => [k, structuredClone(data.get(k))]),
      );
    },
    async set(items) {
      for (const [k, v] of Object.entries(items)) data.set(k, JSON.parse(JSON.stringify(v)));
    },
  };
}

function context(
  storage: StorageArea,
  saved: Settings[] = [],
  problem: string | null = null,
): HandlerContext {
  return {
    storage,
    async onSettingsSaved(settings) {
      saved.push(settings);
    },
    problem: () => problem,
  };
}

const alice: Settings = { ...DEFAULT_SETTINGS, jid: 'alice@example.org', checkIntervalMinutes: 15 };

describe('handleRequest', () => {
  it('reports "not configured" with a grey light before any setup', async () => {
    const reply = await handleRequest(context(memoryStorage()), { type: 'getStatus' });
    expect(reply).toEqual({
      ok: true,
      value: { configured: false, account: null, lastCheck: null, results: [], light: 'grey', problem: null },
    });
  });

  it('stores valid settings, tells the background, and reports them afterwards', async () => {
    const storage = memoryStorage();
    const saved: Settings[] = [];
    const reply = await handleRequest(context(storage, saved), { type: 'saveSettings', settings: alice });
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
    const reply = await handleRequest(context(storage, saved), {
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

  it('shows the last check results the check cycle stored, and a start-up problem', async () => {
    const results = [
      { jid: 'bob@weak.example', name: 'Bob', light: 'yellow', reasons: ['TLS 1.0 accepted'] },
    ];
    const storage = memoryStorage({ settings: alice, lastCheck: '2026-11-24T17:00:00.000Z', results });
    const reply = await handleRequest(context(storage, [], 'The XMPP library does not work'), {
      type: 'getStatus',
    });
    expect(reply).toMatchObject({
      ok: true,
      value: { lastCheck: '2026-11-24T17:00:00.000Z', results, problem: 'The XMPP library does not work' },
    });
  });

  it('turns a storage failure into a failed reply with its reason', async () => {
    const broken: StorageArea = {
      get: () => Promise.reject(new Error('QUOTA_BYTES quota exceeded')),
      set: () => Promise.reject(new Error('QUOTA_BYTES quota exceeded')),
    };
    expect(await handleRequest(context(broken), { type: 'getStatus' })).toEqual({
      ok: false,
      error: 'QUOTA_BYTES quota exceeded',
    });
  });
});
