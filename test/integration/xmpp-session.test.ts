// The extension's account check against the lab's real Prosody: WebSocket and BOSH logins, roster,
// OMEMO device lists, stored SCRAM keys, typed failures, and proof that the check stays silent.
import { createServer as createHttpServer } from 'node:http';
import { xml } from '@xmpp/client';
import { build } from 'esbuild';
import type { Element } from 'ltx';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LabState, readLabState } from '../../lab/state.ts';
import { type CheckProgress, checkAccount } from '../../src/extension/background/xmpp/session.ts';
import { checkFailure } from '../support/check-failure.ts';
import { freedPort } from '../support/freed-port.ts';
import { login, sendIq, type XmppSession } from '../support/xmpp.ts';

function labState(): LabState {
  const state = readLabState(process.env.HOPLIGHT_LAB_STATE);
  if (!state) throw new Error('no lab state: the global setup did not start the lab');
  return state;
}

let state: LabState;
let websocketUrl: string;
let boshUrl: string;
const ALICE = 'alice@good.test';
let alicePassword: string;

beforeAll(() => {
  state = labState();
  const good = state.domains['good.test'];
  if (!good?.websocketUrl || !good.boshUrl) throw new Error('good.test has no WebSocket/BOSH endpoint');
  websocketUrl = good.websocketUrl;
  boshUrl = good.boshUrl;
  alicePassword = good.users.find((u) => u.jid === ALICE)?.password ?? '';
});

const PUBSUB = 'http://jabber.org/protocol/pubsub';

function publishOpen(node: string, payload: unknown) {
  const field = (name: string, value: string, type?: string) =>
    xml('field', { var: name, ...(type ? { type } : {}) }, xml('value', {}, value));
  return xml(
    'pubsub',
    { xmlns: PUBSUB },
    xml('publish', { node }, xml('item', { id: 'current' }, payload as never)),
    xml(
      'publish-options',
      {},
      xml(
        'x',
        { xmlns: 'jabber:x:data', type: 'submit' },
        field('FORM_TYPE', `${PUBSUB}#publish-options`, 'hidden'),
        field('pubsub#access_model', 'open'),
      ) as never,
    ) as never,
  );
}

describe('account check over WebSocket', () => {
  let bob: XmppSession;
  let carol: XmppSession;
  const LEGACY = 'eu.siacs.conversations.axolotl.devicelist';
  const V2 = 'urn:xmpp:omemo:2:devices';

  beforeAll(async () => {
    // bob@good.test publishes a legacy (Conversations) device list, carol an OMEMO 2 one; both open,
    // as clients publish them, so alice may read them without a presence subscription.
    bob = await login(state, 'bob@good.test', { transport: 'websocket', available: false });
    carol = await login(state, 'carol@good.test', { transport: 'websocket', available: false });
    await sendIq(
      bob,
      'set',
      publishOpen(
        LEGACY,
        xml('list', { xmlns: 'eu.siacs.conversations.axolotl' }, xml('device', { id: '4711' })),
      ),
    );
    await sendIq(
      carol,
      'set',
      publishOpen(V2, xml('devices', { xmlns: 'urn:xmpp:omemo:2' }, xml('device', { id: '42' }))),
    );
  });

  afterAll(async () => {
    const remove = (node: string) => xml('pubsub', { xmlns: `${PUBSUB}#owner` }, xml('delete', { node }));
    await sendIq(bob, 'set', remove(LEGACY)).catch(() => {});
    await sendIq(carol, 'set', remove(V2)).catch(() => {});
    await bob.close();
    await carol.close();
  });

  it('logs in with SCRAM-SHA-1, reads roster and OMEMO, and returns keys to remember', async () => {
    const progress: CheckProgress[] = [];
    const result = await checkAccount({
      jid: ALICE,
      password: alicePassword,
      endpoint: websocketUrl,
      transport: 'websocket',
      timeoutMs: 15_000,
      onProgress: (p) => progress.push(p),
    });
    expect(result.mechanism).toBe('SCRAM-SHA-1');
    // The resource is random and names no product (DESIGN §5).
    expect(result.boundJid).toMatch(/^alice@good\.test\/[0-9a-f]{16}$/);
    expect(result.roster).toHaveLength(9);
    expect(result.roster.find((r) => r.jid === 'bob@good.test')).toEqual({
      jid: 'bob@good.test',
      name: 'Bob',
      subscription: expect.stringMatching(/^(none|to|from|both)$/),
      pendingOut: false,
      groups: ['Friends'],
    });
    expect(result.roster.find((r) => r.jid === 'carol@good.test')?.name).toBeNull();
    expect([...result.omemo.keys()].sort()).toEqual(result.roster.map((r) => r.jid).sort());
    expect(result.omemo.get('bob@good.test')).toBe(true);
    expect(result.omemo.get('carol@good.test')).toBe(true);
    // Published nothing: Prosody answers forbidden/item-not-found, which means "no OMEMO".
    expect(result.omemo.get('bob@weak.test')).toBe(false);
    // good.test requires s2s TLS and plain.test has none: the query fails, so we cannot tell.
    expect(result.omemo.get('dave@plain.test')).toBeNull();
    expect(result.scramKeys).toMatchObject({ mechanism: 'SCRAM-SHA-1', iterations: expect.any(Number) });
    expect(result.transportSecure).toBe(false);
    expect(progress[0]).toEqual({ phase: 'login' });
    expect(progress).toContainEqual({ phase: 'omemo', done: 9, total: 9 });
    expect(progress.at(-1)).toEqual({ phase: 'logout' });

    // "Remember me": the stored keys log in without the password.
    const again = await checkAccount({
      jid: ALICE,
      scramKeys: result.scramKeys!,
      endpoint: websocketUrl,
      transport: 'websocket',
      timeoutMs: 15_000,
    });
    expect(again.roster).toHaveLength(9);

    // Keys that do not match the account are refused like a wrong password.
    const forged = { ...result.scramKeys!, clientKey: btoa('x'.repeat(20)) };
    const error = await checkFailure(
      checkAccount({
        jid: ALICE,
        scramKeys: forged,
        endpoint: websocketUrl,
        transport: 'websocket',
        timeoutMs: 15_000,
      }),
    );
    expect(error.kind).toBe('wrong-password');

    // Keys for another salt cannot work at all: refused as soon as the server names its salt.
    const stale = { ...result.scramKeys!, salt: btoa('another salt') };
    const staleError = await checkFailure(
      checkAccount({
        jid: ALICE,
        scramKeys: stale,
        endpoint: websocketUrl,
        transport: 'websocket',
        timeoutMs: 15_000,
      }),
    );
    expect(staleError).toMatchObject({ kind: 'key-unusable', condition: 'stale-keys' });
  });

  it('a wrong password is wrong-password, over WebSocket and BOSH', async () => {
    for (const [transport, endpoint] of [
      ['websocket', websocketUrl],
      ['bosh', boshUrl],
    ] as const) {
      const error = await checkFailure(
        checkAccount({ jid: ALICE, password: 'not-the-password', endpoint, transport, timeoutMs: 15_000 }),
      );
      expect(error.kind).toBe('wrong-password');
      expect(error.condition).toBe('not-authorized');
      expect(error.message).toMatch(/refused the user name or password/);
    }
  });

  it('a dead port is unreachable', async () => {
    const port = await freedPort();
    const error = await checkFailure(
      checkAccount({
        jid: ALICE,
        password: alicePassword,
        endpoint: `ws://127.0.0.1:${port}/xmpp-websocket`,
        transport: 'websocket',
        timeoutMs: 5_000,
      }),
    );
    expect(error.kind).toBe('unreachable');
    expect(error.message).toContain(`127.0.0.1:${port}`);
  });

  it('an abort during the check gives aborted, and the session still closes', async () => {
    const controller = new AbortController();
    const progress: CheckProgress[] = [];
    const error = await checkFailure(
      checkAccount({
        jid: ALICE,
        password: alicePassword,
        endpoint: websocketUrl,
        transport: 'websocket',
        timeoutMs: 15_000,
        signal: controller.signal,
        onProgress: (p) => {
          progress.push(p);
          if (p.phase === 'roster') controller.abort();
        },
      }),
    );
    expect(error.kind).toBe('aborted');
    expect(progress.at(-1)).toEqual({ phase: 'logout' });
  });
});

describe('silent observer', () => {
  let observer: XmppSession;
  let bob: XmppSession;

  beforeAll(async () => {
    // Another client of alice's, online with presence: it gets what is routed to alice's bare JID.
    observer = await login(state, ALICE, { transport: 'websocket', resource: 'observer' });
    bob = await login(state, 'bob@good.test', { transport: 'websocket', available: false });
  });

  afterAll(async () => {
    await observer.close();
    await bob.close();
  });

  /** Presence from any resource of alice's but the other client's own. */
  function presencesFromChecks(): Element[] {
    return observer.received.filter(
      (el) =>
        el.name === 'presence' &&
        (el.attrs.from ?? '').startsWith('alice@good.test/') &&
        el.attrs.from !== 'alice@good.test/observer',
    );
  }

  it('BOSH: a message to alice during the check goes to her other client only, and no presence leaves', async () => {
    const body = `during-bosh-${Math.random().toString(36).slice(2)}`;
    let sent: Promise<unknown> | null = null;
    const requests: string[] = [];
    const responses: string[] = [];
    const recordingFetch: typeof fetch = async (input, init) => {
      const request = String(init?.body);
      requests.push(request);
      // Hold our terminate until the message has reached the other client: it was routed while
      // the check's session was bound.
      if (request.includes("type='terminate'") && sent) {
        await sent;
        await observer.waitForMessage('bob@good.test', body);
      }
      const response = await fetch(input, init);
      const text = await response.text();
      responses.push(text);
      return new Response(text, { status: response.status });
    };
    const result = await checkAccount({
      jid: ALICE,
      password: alicePassword,
      endpoint: boshUrl,
      transport: 'bosh',
      timeoutMs: 15_000,
      bosh: { fetch: recordingFetch },
      onProgress: (p) => {
        if (p.phase === 'roster' && !sent) sent = bob.sendMessage(ALICE, body);
      },
    });
    expect(sent).not.toBeNull();
    expect(result.roster).toHaveLength(9);
    await observer.waitForMessage('bob@good.test', body);
    // The check did observe the contact domains (ping, disco, version)…
    expect(result.observations.size).toBeGreaterThan(0);
    expect(requests.some((r) => r.includes('urn:xmpp:ping'))).toBe(true);
    // …with IQs only: no presence left, and nothing but IQ answers came back.
    expect(requests.some((r) => r.includes('<presence'))).toBe(false);
    expect(responses.some((r) => r.includes('<message'))).toBe(false);
    expect(presencesFromChecks()).toEqual([]);
  });

  it('WebSocket: the other client sees no presence from the check and still gets messages', async () => {
    const body = `during-ws-${Math.random().toString(36).slice(2)}`;
    let sent: Promise<unknown> | null = null;
    await checkAccount({
      jid: ALICE,
      password: alicePassword,
      endpoint: websocketUrl,
      transport: 'websocket',
      timeoutMs: 15_000,
      onProgress: (p) => {
        if (p.phase === 'roster' && !sent) sent = bob.sendMessage(ALICE, body);
      },
    });
    await sent;
    await observer.waitForMessage('bob@good.test', body);
    // A probe after the check: the server itself says the check left no available resource behind.
    expect(presencesFromChecks()).toEqual([]);
  });
});

describe('in Chromium', () => {
  // The same code, bundled for browsers, in a page of Debian's Chromium: fetch, WebSocket and
  // WebCrypto only, no Node built-ins. The page is served from loopback so that Chromium's
  // local-network checks let it reach the lab.
  it('checks the account over WebSocket and BOSH', async () => {
    const bundle = await build({
      stdin: {
        contents: "export { checkAccount } from './src/extension/background/xmpp/session.ts';",
        resolveDir: new URL('../..', import.meta.url).pathname,
        loader: 'ts',
      },
      bundle: true,
      platform: 'browser',
      format: 'iife',
      globalName: 'HoplightXmpp',
      define: { 'process.env': '{}' },
      write: false,
    });
    const script = bundle.outputFiles[0]?.text ?? '';
    expect(script).not.toMatch(/require\("node:|from "node:/);
    const server = createHttpServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><title>hoplight</title><script>${script}</script>`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const browser = await chromium.launch({
      executablePath: process.env.HOPLIGHT_CHROMIUM ?? '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
      for (const [transport, endpoint] of [
        ['websocket', websocketUrl],
        ['bosh', boshUrl],
      ] as const) {
        const outcome = await page.evaluate(
          async ([transport, endpoint, password]) => {
            const api = (
              globalThis as unknown as {
                HoplightXmpp: typeof import('../../src/extension/background/xmpp/session.ts');
              }
            ).HoplightXmpp;
            try {
              const r = await api.checkAccount({
                jid: 'alice@good.test',
                password,
                endpoint,
                transport,
                timeoutMs: 15_000,
              });
              return {
                roster: r.roster.length,
                mechanism: r.mechanism,
                keys: r.scramKeys !== null,
                omemo: r.omemo.size,
              };
            } catch (e) {
              return { error: String(e) };
            }
          },
          [transport, endpoint, alicePassword] as const,
        );
        expect(outcome, transport).toEqual({ roster: 9, mechanism: 'SCRAM-SHA-1', keys: true, omemo: 9 });
      }
    } finally {
      await browser.close();
      server.close();
    }
  });
});
