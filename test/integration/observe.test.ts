// The observer against the lab's real Prosody servers: the user's own server asked to reach each
// contact domain (ping, disco#info, version), one query set per distinct domain, and every outcome
// class the lab can show today, each with the exact text the server gave.
import { execFile } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import StanzaError from '@xmpp/middleware/lib/StanzaError.js';
import type { Element } from 'ltx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LabState, readLabState } from '../../lab/state.ts';
import type { S2sObservation } from '../../src/core/observation.ts';
import { runCheckCycle } from '../../src/extension/background/check-cycle.ts';
import { memoryStorage } from '../../src/extension/background/memory-storage.test-support.ts';
import { memorySnapshotStore } from '../../src/extension/background/snapshot-store.ts';
import { readCheckResults, readFailure, readObserved } from '../../src/extension/background/storage.ts';
import { type AskIq, observeDomains } from '../../src/extension/background/xmpp/observe.ts';
import { checkAccount } from '../../src/extension/background/xmpp/session.ts';
import { DEFAULT_SETTINGS } from '../../src/extension/shared/settings.ts';
import { freedPort } from '../support/freed-port.ts';
import { login, trustLabCertificates, type XmppSession } from '../support/xmpp.ts';

let state: LabState;
const OBSERVER = 'observer';
const OBSERVER_PASSWORD = 'observer-pw';

beforeAll(() => {
  const file = process.env.HOPLIGHT_LAB_STATE;
  const found = readLabState(file);
  if (!found || !file) throw new Error('no lab state: the global setup did not start the lab');
  state = found;
  trustLabCertificates(state);
});

/** A user of this test's own on a lab domain (the lab's users and rosters belong to other tests). */
async function registerObserver(domain: string): Promise<string> {
  const config = join(
    dirname(process.env.HOPLIGHT_LAB_STATE as string),
    'prosody',
    domain,
    'prosody.cfg.lua',
  );
  await promisify(execFile)('prosodyctl', [
    '--config',
    config,
    'register',
    OBSERVER,
    domain,
    OBSERVER_PASSWORD,
  ]);
  return `${OBSERVER}@${domain}`;
}

/** The observer's IQs sent over a test session (TCP, STARTTLS), for servers without WebSocket. */
function askOver(session: XmppSession): AskIq {
  return async (stanza, timeoutMs) => {
    const id = `o-${Math.random().toString(36).slice(2)}`;
    stanza.attrs.id = id;
    await session.send(stanza as unknown as Element);
    const reply = await session.waitFor(
      (el) => el.name === 'iq' && el.attrs.id === id,
      `answer to ${id}`,
      timeoutMs,
    );
    if (reply.attrs.type === 'error') {
      throw StanzaError.fromElement(reply.getChild('error') as never);
    }
    return reply as never;
  };
}

function observeFrom(session: XmppSession, userDomain: string, domains: string[], budgetMs = 15_000) {
  return observeDomains({
    ask: askOver(session),
    userDomain,
    domains,
    budgetMs,
    concurrency: 8,
    now: () => new Date(),
  });
}

function summary(o: S2sObservation | undefined) {
  return o && { outcome: o.outcome, condition: o.condition, text: o.text, by: o.by };
}

describe('observation in the account check (good.test is the user’s server)', () => {
  let jid: string;

  beforeAll(async () => {
    jid = await registerObserver('good.test');
    const session = await login(state, jid, { password: OBSERVER_PASSWORD, available: false });
    try {
      for (const contact of [
        'a@weak.test',
        'b@weak.test',
        'c@weak.test',
        'dave@plain.test',
        'nobody@nonexist.test',
        'heidi@dane.sec.test',
        'erin@other.test',
        'bob@good.test',
      ]) {
        await session.setRosterItem({ jid: contact });
      }
    } finally {
      await session.close();
    }
  });

  it('observes each distinct contact domain once, over BOSH, with IQs only', async () => {
    const good = state.domains['good.test'];
    const requests: string[] = [];
    const recordingFetch: typeof fetch = async (input, init) => {
      requests.push(String(init?.body));
      return fetch(input, init);
    };
    const result = await checkAccount({
      jid,
      password: OBSERVER_PASSWORD,
      endpoint: good?.boshUrl as string,
      transport: 'bosh',
      timeoutMs: 15_000,
      bosh: { fetch: recordingFetch },
    });
    expect(result.roster).toHaveLength(8);
    expect([...result.observations.keys()].sort()).toEqual([
      'dane.sec.test',
      'nonexist.test',
      'other.test',
      'plain.test',
      'weak.test',
    ]);
    // Three contacts on weak.test, one ping: O(domains), never O(contacts). The user's own domain is
    // not observed (it is asked for its version only).
    const pings = requests.join('').match(/<iq\b[^>]*>\s*<ping\b[^>]*urn:xmpp:ping/g) ?? [];
    expect(pings.map((p) => /\bto=["']([^"']+)["']/.exec(p)?.[1]).sort(), requests.join('\n')).toEqual([
      'dane.sec.test',
      'nonexist.test',
      'other.test',
      'plain.test',
      'weak.test',
    ]);
    expect(requests.some((r) => r.includes('<presence'))).toBe(false);

    expect(result.userSoftware).toEqual({ name: 'Prosody', version: '0.12.3' });
    const weak = result.observations.get('weak.test');
    expect(weak).toMatchObject({
      outcome: 'ok',
      condition: null,
      software: { name: 'Prosody', version: '0.12.3' },
      identities: [{ category: 'server', type: 'im', name: 'Prosody' }],
    });
    expect(result.observations.get('dane.sec.test')?.outcome).toBe('ok');
    expect(result.observations.get('other.test')?.outcome).toBe('ok');
    expect(summary(result.observations.get('nonexist.test'))).toEqual({
      outcome: 'no-such-domain',
      condition: 'remote-server-not-found',
      text: 'Server-to-server connection failed: NXDomain in A lookup',
      by: 'good.test',
    });
    // good.test requires s2s encryption and plain.test has none.
    expect(summary(result.observations.get('plain.test'))).toEqual({
      outcome: 'refused-encryption',
      condition: 'remote-server-timeout',
      text: 'Server-to-server connection failed: unsupported-stanza-type',
      by: 'good.test',
    });
    // A failed link is not asked for disco or version.
    expect(result.observations.get('plain.test')).toMatchObject({ software: null, identities: [] });
  });
});

describe('the check cycle without a reachable observatory', () => {
  it('lists every contact with what was observed and the local hop, and stores the failure beside them', async () => {
    const jid = await registerObserver('good.test');
    // A port that was free a moment ago: the observatory is down.
    const port = await freedPort();
    const local = memoryStorage({
      settings: {
        ...DEFAULT_SETTINGS,
        jid,
        endpoint: { mode: 'url', url: state.domains['good.test']?.websocketUrl },
        observatoryUrl: `http://127.0.0.1:${port}`,
      },
    });
    const outcome = await runCheckCycle({
      local,
      session: memoryStorage({ credentials: { jid, password: OBSERVER_PASSWORD } }),
      snapshots: memorySnapshotStore(),
      checkAccount,
      discover: async () => {
        throw new Error('the endpoint is given: no discovery');
      },
      fetch,
      now: () => new Date(),
      timeoutMs: 5_000,
      onProgress: () => {},
    });
    expect(outcome).toMatchObject({ ok: true, failure: { kind: 'observatory-unreachable' } });
    const { results, lastCheck } = await readCheckResults(local);
    expect(results.map((r) => r.jid).sort()).toEqual([
      'a@weak.test',
      'b@weak.test',
      'bob@good.test',
      'c@weak.test',
      'dave@plain.test',
      'erin@other.test',
      'heidi@dane.sec.test',
      'nobody@nonexist.test',
    ]);
    for (const result of results) expect(result.hops[0]?.name).toBe('c2s-local');
    // Stored with the results until the next check, and the failure beside them (not stale).
    const observed = await readObserved(local);
    expect(observed.userSoftware).toEqual({ name: 'Prosody', version: '0.12.3' });
    expect(Object.fromEntries(observed.observations.map((o) => [o.domain, o.outcome]))).toEqual({
      'weak.test': 'ok',
      'plain.test': 'refused-encryption',
      'nonexist.test': 'no-such-domain',
      'dane.sec.test': 'ok',
      'other.test': 'ok',
    });
    const failure = await readFailure(local);
    expect(failure).toMatchObject({ kind: 'observatory-unreachable', at: lastCheck });
  });
});

describe('observer outcomes from other lab servers (TCP sessions)', () => {
  const sessions: XmppSession[] = [];
  let silent: Server;
  const held: Socket[] = [];

  beforeAll(async () => {
    // An s2s port that accepts and never speaks: the user's server waits for its own s2s timeout.
    silent = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(5269, '127.0.2.253', resolve));
  });

  afterAll(async () => {
    for (const session of sessions) await session.close();
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  async function as(domain: string): Promise<XmppSession> {
    const session = await login(state, await registerObserver(domain), {
      password: OBSERVER_PASSWORD,
      available: false,
    });
    sessions.push(session);
    return session;
  }

  it('other.test (s2s_secure_auth) refuses peers whose certificate it cannot verify', async () => {
    const observations = await observeFrom(await as('other.test'), 'other.test', [
      'weak.test',
      'expired.test',
      'wrongname.test',
      'plain.test',
      'good.test',
    ]);
    const failed = (text: string) => ({
      outcome: 'refused-certificate',
      condition: 'remote-server-timeout',
      text: `Server-to-server connection failed: ${text}`,
      by: 'other.test',
    });
    expect(summary(observations.get('weak.test'))).toEqual(
      failed("Remote server's certificate is not trusted"),
    );
    expect(summary(observations.get('expired.test'))).toEqual(
      failed("Remote server's certificate has expired"),
    );
    expect(summary(observations.get('wrongname.test'))).toEqual(
      failed("Remote server's certificate is not valid for this name"),
    );
    expect(observations.get('plain.test')?.outcome).toBe('refused-encryption');
    expect(observations.get('good.test')?.outcome).toBe('ok');
  });

  it('weak.test is refused by other.test, which names weak.test’s certificate', async () => {
    const observations = await observeFrom(await as('weak.test'), 'weak.test', ['other.test', 'plain.test']);
    expect(summary(observations.get('other.test'))).toEqual({
      outcome: 'refused-certificate',
      condition: 'remote-server-timeout',
      text: "Server-to-server connection failed: not-authorized (Your server's certificate is not trusted)",
      by: 'weak.test',
    });
    // weak.test does not require encryption: it talks to plain.test in plaintext, and the link works.
    expect(observations.get('plain.test')?.outcome).toBe('ok');
  });

  it('a domain with nothing listening is unreachable; one that never answers costs only its budget', async () => {
    const observations = await observeFrom(
      await as('good.test'),
      'good.test',
      ['127.0.2.254', '127.0.2.253', 'weak.test'],
      2_000,
    );
    expect(summary(observations.get('127.0.2.254'))).toEqual({
      outcome: 'unreachable',
      condition: 'remote-server-not-found',
      text: 'Server-to-server connection failed: connection refused',
      by: 'good.test',
    });
    // The server would wait for its own s2s timeout (90 s); the observer gives up at its budget.
    expect(observations.get('127.0.2.253')).toMatchObject({
      outcome: 'timeout',
      condition: null,
      text: null,
    });
    expect(observations.get('weak.test')?.outcome).toBe('ok');
  });
});
