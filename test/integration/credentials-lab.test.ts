// "Remember me" through the background's own code (handler, check cycle, connection test) against
// real servers: a PLAIN-only Prosody of this test's own, the lab's ejabberd with SCRAM storage and
// with plain storage (a new salt at every login). Every write to storage.local is recorded and
// searched for the passwords: none may ever reach it, in any path (save, test, check, failure).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LabState, readLabState } from '../../lab/state.ts';
import { type CycleDeps, runCheckCycle } from '../../src/extension/background/check-cycle.ts';
import { testConnection } from '../../src/extension/background/connection-test.ts';
import { type HandlerContext, handleRequest } from '../../src/extension/background/handler.ts';
import { memoryStorage } from '../../src/extension/background/memory-storage.test-support.ts';
import { memorySnapshotStore } from '../../src/extension/background/snapshot-store.ts';
import { checkAccount } from '../../src/extension/background/xmpp/session.ts';
import type { CredentialsState, Request, ResponseMap } from '../../src/extension/shared/messages.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../src/extension/shared/settings.ts';
import { type PlainOnlyProsody, startPlainOnlyProsody } from '../support/plain-only-prosody.ts';

/** The options page's English words for the credential states. */
const english = JSON.parse(
  readFileSync(new URL('../../src/extension/_locales/en/messages.json', import.meta.url), 'utf8'),
) as Record<string, { message: string }>;

let state: LabState;
let plainOnly: PlainOnlyProsody;
/** Every password any scenario typed, right or wrong. */
const typed = new Set<string>();
/** Every storage.local write of every scenario, as JSON. */
const localWrites: string[] = [];

beforeAll(async () => {
  const read = readLabState(process.env.HOPLIGHT_LAB_STATE);
  if (!read) throw new Error('no lab state: the global setup did not start the lab');
  state = read;
  plainOnly = await startPlainOnlyProsody();
}, 30_000);

afterAll(async () => {
  await plainOnly?.stop();
});

function labPassword(jid: string): string {
  const domain = jid.slice(jid.indexOf('@') + 1);
  const found = state.domains[domain]?.users.find((u) => u.jid === jid)?.password;
  if (!found) throw new Error(`no ${jid} in the lab`);
  return found;
}

/** The extension's background for one browser profile: storage.local recorded, storage.session plain. */
function browser() {
  const local = memoryStorage();
  const set = local.set.bind(local);
  local.set = async (items) => {
    localWrites.push(JSON.stringify(items));
    await set(items);
  };
  const session = memoryStorage();
  const deps: CycleDeps = {
    local,
    session,
    snapshots: memorySnapshotStore(),
    // The observer is not what this test is about: login, roster, OMEMO and logout are.
    checkAccount: (options) => checkAccount({ ...options, observe: false }),
    discover: async () => {
      throw new Error('no discovery in this test');
    },
    // No observatory: the check still completes, with the observatory failure beside its results.
    fetch: async () => {
      throw new TypeError('fetch failed');
    },
    now: () => new Date(),
    timeoutMs: 10_000,
    onProgress: () => {},
  };
  const context: HandlerContext = {
    storage: local,
    session,
    onSettingsSaved: async () => {},
    problem: () => null,
    cycle: async () => ({ state: 'idle' }),
    requestCheck: async () => {},
    testObservatory: async () => {
      throw new Error('not part of this test');
    },
    testConnection: (settings, password) => testConnection(deps, settings, password),
  };
  async function ask<T extends Request['type']>(
    request: Extract<Request, { type: T }>,
  ): Promise<ResponseMap[T]> {
    const reply = await handleRequest(context, request);
    if (!reply.ok) throw new Error(reply.error);
    return reply.value as ResponseMap[T];
  }
  return {
    local,
    session,
    ask,
    check: () => runCheckCycle(deps),
    credentials: async (): Promise<CredentialsState> => (await ask({ type: 'getStatus' })).credentials,
    /** The browser closes and opens again: storage.session is gone. */
    restart: () => session.data.clear(),
    async setUp(settings: Settings, password: string, remember: boolean) {
      typed.add(password);
      expect(await ask({ type: 'saveSettings', settings })).toMatchObject({ saved: true });
      return ask({ type: 'saveCredentials', password, remember });
    },
  };
}

function settings(jid: string, url: string): Settings {
  return {
    ...DEFAULT_SETTINGS,
    jid,
    endpoint: { mode: 'url', url },
    transport: url.startsWith('http') ? 'bosh' : 'websocket',
    observatoryUrl: 'http://127.0.2.254:9/',
  };
}

describe('remember me against real servers', () => {
  it('a PLAIN-only server: remembering is refused with a clear sentence, and the password stays in the session', async () => {
    const b = browser();
    const s = settings(plainOnly.jid, plainOnly.boshUrl);
    expect(await b.setUp(s, plainOnly.password, true)).toBe('remember-pending');
    const tested = await b.ask({ type: 'testConnection', settings: s, password: plainOnly.password });
    expect(tested).toMatchObject({ ok: true, mechanism: 'PLAIN' });
    const outcome = await b.check();
    expect(outcome.ok).toBe(true);
    expect(await b.credentials()).toBe('session-plain-only');
    expect(english.credentials_sessionPlainOnly?.message).toMatch(/cannot remember .*session only/);
    expect(b.session.data.get('credentials')).toEqual({ jid: plainOnly.jid, password: plainOnly.password });
    expect(b.local.data.has('rememberedCredentials')).toBe(false);
    // A second check changes nothing; after a restart nothing is left to log in with.
    expect((await b.check()).ok).toBe(true);
    expect(await b.credentials()).toBe('session-plain-only');
    b.restart();
    expect(await b.credentials()).toBe('none');
    expect(await b.check()).toMatchObject({ ok: false, failure: { kind: 'no-password' } });
  }, 60_000);

  it('ejabberd with SCRAM storage: the keys are remembered and log in after a restart', async () => {
    const b = browser();
    const jid = 'eve@ejabberd.test';
    expect(
      await b.setUp(
        settings(jid, state.domains['ejabberd.test']?.websocketUrl ?? ''),
        labPassword(jid),
        true,
      ),
    ).toBe('remember-pending');
    expect((await b.check()).ok).toBe(true);
    expect(await b.credentials()).toBe('remembered');
    expect(b.local.data.get('rememberedCredentials')).toMatchObject({
      jid,
      keys: { mechanism: 'SCRAM-SHA-1', salt: expect.any(String), iterations: expect.any(Number) },
    });
    b.restart();
    expect(await b.credentials()).toBe('remembered');
    expect((await b.check()).ok).toBe(true);
    expect(await b.credentials()).toBe('remembered');
  }, 60_000);

  it('ejabberd with plain storage: the new salt at the next login is detected and explained; the password stays for the session', async () => {
    const b = browser();
    const jid = 'zoe@ejabberd2.test';
    await b.setUp(settings(jid, state.domains['ejabberd2.test']?.boshUrl ?? ''), labPassword(jid), true);
    expect((await b.check()).ok).toBe(true);
    // One login cannot tell: the keys are stored, as the strongest mechanism offered.
    expect(await b.credentials()).toBe('remembered');
    expect(b.local.data.get('rememberedCredentials')).toMatchObject({ keys: { mechanism: 'SCRAM-SHA-512' } });
    // The next login (with the session's password) sees another salt: nothing is remembered any more.
    expect((await b.check()).ok).toBe(true);
    expect(await b.credentials()).toBe('session-salt-changes');
    expect(english.credentials_sessionSaltChanges?.message).toMatch(/cannot remember a key .*session only/);
    expect(b.local.data.has('rememberedCredentials')).toBe(false);
    expect((await b.check()).ok).toBe(true);
    expect(b.local.data.has('rememberedCredentials')).toBe(false);
  }, 60_000);

  it('ejabberd with plain storage, after a restart with keys from one login: explained, never called a wrong or changed password', async () => {
    const b = browser();
    const jid = 'zoe@ejabberd2.test';
    await b.setUp(settings(jid, state.domains['ejabberd2.test']?.boshUrl ?? ''), labPassword(jid), true);
    expect((await b.check()).ok).toBe(true);
    b.restart();
    const outcome = await b.check();
    expect(outcome).toMatchObject({ ok: false, failure: { kind: 'no-password' } });
    const message = outcome.ok ? '' : outcome.failure.message;
    expect(message).toMatch(/ejabberd2\.test sent another salt .* so the remembered key cannot log in/);
    expect(message).not.toMatch(/wrong|refused the|password (has )?changed|changed (your|the) password/i);
    expect(b.local.data.has('rememberedCredentials')).toBe(false);
    expect(await b.credentials()).toBe('none');
  }, 60_000);

  it('a wrong password is reported as one and stored nowhere', async () => {
    const b = browser();
    const jid = 'eve@ejabberd.test';
    await b.setUp(settings(jid, state.domains['ejabberd.test']?.boshUrl ?? ''), 'a-wrong-one-9f3e', true);
    const tested = await b.ask({
      type: 'testConnection',
      settings: settings(jid, state.domains['ejabberd.test']?.boshUrl ?? ''),
      password: 'a-wrong-one-9f3e',
    });
    expect(tested).toMatchObject({ ok: false, kind: 'wrong-password' });
    expect(await b.check()).toMatchObject({ ok: false, failure: { kind: 'wrong-password' } });
    expect(b.session.data.size).toBe(0);
    expect(await b.credentials()).toBe('none');
  }, 60_000);

  it('no password ever reached storage.local, in any of the paths above', () => {
    expect(localWrites.length).toBeGreaterThan(10);
    expect(typed.size).toBeGreaterThanOrEqual(4);
    for (const password of typed) {
      for (const write of localWrites) expect(write).not.toContain(password);
    }
    // The writes did include the keys and the results: the search looked at real data.
    expect(localWrites.some((w) => w.includes('clientKey'))).toBe(true);
    expect(localWrites.some((w) => w.includes('"packedResults"'))).toBe(true);
  });
});
