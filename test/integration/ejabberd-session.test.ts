// The account check against the lab's ejabberd 23.01 (ejabberd.test stores SCRAM keys,
// ejabberd2.test plain passwords) and Prosody: each SCRAM mechanism each server offers, BOSH logins
// in a row over fresh connections with no session left behind, a wrong password reported at once,
// the salt-per-login case of plain storage, and XEP-0156 discovery from ejabberd's mod_host_meta.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parse } from 'ltx';
import { beforeAll, describe, expect, it } from 'vitest';
import { type LabState, readLabState } from '../../lab/state.ts';
import { discoverEndpoints } from '../../src/extension/background/xmpp/discovery.ts';
import type { SaslMechanism } from '../../src/extension/background/xmpp/sasl.ts';
import { type CheckAccountOptions, checkAccount } from '../../src/extension/background/xmpp/session.ts';
import { checkFailure } from '../support/check-failure.ts';
import { type LabFetch, labFetch } from '../support/lab-fetch.ts';
import { login as labLogin } from '../support/xmpp.ts';

const run = promisify(execFile);

let state: LabState;
let lab: LabFetch;
const EVE = 'eve@ejabberd.test';
const ZOE = 'zoe@ejabberd2.test';
const ALICE = 'alice@good.test';

function password(domain: string, jid: string): string {
  const found = state.domains[domain]?.users.find((u) => u.jid === jid)?.password;
  if (!found) throw new Error(`no ${jid} in the lab`);
  return found;
}

function url(domain: string, which: 'boshUrl' | 'boshSecureUrl' | 'websocketUrl'): string {
  const found = state.domains[domain]?.[which];
  if (!found) throw new Error(`${domain} has no ${which}`);
  return found;
}

beforeAll(() => {
  const read = readLabState(process.env.HOPLIGHT_LAB_STATE);
  if (!read) throw new Error('no lab state: the global setup did not start the lab');
  state = read;
  const addresses = Object.fromEntries(Object.entries(state.domains).map(([d, info]) => [d, info.address]));
  lab = labFetch({ addresses, caFile: state.caFile });
});

/** A login, the roster and logout, nothing observed: what "test connection" does. */
function login(
  jid: string,
  endpoint: string,
  secret: Pick<CheckAccountOptions, 'password' | 'scramKeys'>,
  extra: Partial<CheckAccountOptions> = {},
) {
  return checkAccount({
    jid,
    ...secret,
    endpoint,
    transport: endpoint.startsWith('http') ? 'bosh' : 'websocket',
    timeoutMs: 10_000,
    observe: false,
    bosh: { fetch: lab.fetch },
    ...extra,
  });
}

/** The SASL mechanisms a server offers for `domain`, read from a BOSH session creation answer. */
async function offered(domain: string, boshUrl: string): Promise<string[]> {
  const response = await lab.fetch(boshUrl, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8' },
    body: `<body xmlns='http://jabber.org/protocol/httpbind' xmlns:xmpp='urn:xmpp:xbosh' rid='4242' to='${domain}' wait='1' hold='1' ver='1.6' xmpp:version='1.0' xml:lang='en'/>`,
  });
  const body = parse(await response.text());
  const mechanisms = body.getChild('features')?.getChild('mechanisms');
  const sid = body.attrs.sid as string;
  await lab.fetch(boshUrl, {
    method: 'POST',
    body: `<body xmlns='http://jabber.org/protocol/httpbind' rid='4243' sid='${sid}' type='terminate'/>`,
  });
  return (mechanisms?.getChildren('mechanism') ?? []).map((m) => m.text());
}

async function ejabberdctl(...args: string[]): Promise<string> {
  if (!state.ejabberd) throw new Error('the lab has no ejabberd');
  const { stdout } = await run('ejabberdctl', [...state.ejabberd.ctlArgs, ...args], { timeout: 60_000 });
  return stdout;
}

describe('SCRAM mechanisms, against each lab server', () => {
  it('each server offers what we expect; the strongest is chosen by default', async () => {
    // Prosody lists its mechanisms in hash-table order: the set is what it offers.
    expect((await offered('good.test', url('good.test', 'boshUrl'))).sort()).toEqual([
      'PLAIN',
      'SCRAM-SHA-1',
    ]);
    expect(await offered('ejabberd.test', url('ejabberd.test', 'boshUrl'))).toEqual(
      expect.arrayContaining(['PLAIN', 'SCRAM-SHA-1']),
    );
    expect(await offered('ejabberd.test', url('ejabberd.test', 'boshUrl'))).not.toContain('SCRAM-SHA-256');
    expect(await offered('ejabberd2.test', url('ejabberd2.test', 'boshUrl'))).toEqual(
      expect.arrayContaining(['SCRAM-SHA-512', 'SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN']),
    );
    const zoe = await login(ZOE, url('ejabberd2.test', 'boshUrl'), {
      password: password('ejabberd2.test', ZOE),
    });
    expect(zoe.mechanism).toBe('SCRAM-SHA-512');
    expect(zoe.scramKeys?.mechanism).toBe('SCRAM-SHA-512');
    const eve = await login(EVE, url('ejabberd.test', 'websocketUrl'), {
      password: password('ejabberd.test', EVE),
    });
    expect(eve.mechanism).toBe('SCRAM-SHA-1');
    const alice = await login(ALICE, url('good.test', 'websocketUrl'), {
      password: password('good.test', ALICE),
    });
    expect(alice.mechanism).toBe('SCRAM-SHA-1');
  });

  it.each(['SCRAM-SHA-1', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'PLAIN'] as const)(
    'ejabberd2.test logs in with %s over BOSH and WebSocket (SCRAM: the server signature verified)',
    async (mechanism: SaslMechanism) => {
      for (const endpoint of [url('ejabberd2.test', 'boshUrl'), url('ejabberd2.test', 'websocketUrl')]) {
        const check = await login(
          ZOE,
          endpoint,
          { password: password('ejabberd2.test', ZOE) },
          { saslMechanisms: [mechanism] },
        );
        expect(check.mechanism).toBe(mechanism);
        if (mechanism === 'PLAIN') expect(check.scramKeys).toBeNull();
        else expect(check.scramKeys).toMatchObject({ mechanism, iterations: expect.any(Number) });
      }
    },
  );

  it('ejabberd.test (SCRAM storage) logs in again from stored keys; keys of another mechanism are not used', async () => {
    const first = await login(EVE, url('ejabberd.test', 'boshUrl'), {
      password: password('ejabberd.test', EVE),
    });
    const keys = first.scramKeys;
    if (!keys) throw new Error('no keys');
    const again = await login(EVE, url('ejabberd.test', 'boshUrl'), { scramKeys: keys });
    expect(again.mechanism).toBe('SCRAM-SHA-1');
    const wrong = await checkFailure(
      login(EVE, url('ejabberd.test', 'boshUrl'), { scramKeys: { ...keys, mechanism: 'SCRAM-SHA-256' } }),
    );
    expect(wrong.kind).toBe('key-unusable');
    expect(wrong.message).toMatch(/SCRAM-SHA-256/);
  });

  it('ejabberd2.test (plain storage) picks a new salt at every login: stored keys cannot log in, and the user is not blamed', async () => {
    const pw = password('ejabberd2.test', ZOE);
    const first = await login(
      ZOE,
      url('ejabberd2.test', 'boshUrl'),
      { password: pw },
      { saslMechanisms: ['SCRAM-SHA-256'] },
    );
    const second = await login(
      ZOE,
      url('ejabberd2.test', 'boshUrl'),
      { password: pw },
      { saslMechanisms: ['SCRAM-SHA-256'] },
    );
    expect(first.scramKeys?.salt).toBeTruthy();
    expect(second.scramKeys?.salt).not.toBe(first.scramKeys?.salt);
    const keys = second.scramKeys;
    if (!keys) throw new Error('no keys');
    const error = await checkFailure(login(ZOE, url('ejabberd2.test', 'boshUrl'), { scramKeys: keys }));
    expect(error.kind).toBe('key-unusable');
    expect(error.message).toMatch(/sent another salt/);
    expect(error.message).not.toMatch(/password (has )?changed|wrong password|refused the/i);
  });
});

describe('BOSH against ejabberd 23.01', () => {
  it.each(['boshUrl', 'boshSecureUrl'] as const)(
    '20 logins in a row over fresh connections all succeed (%s), and no session stays behind',
    async (which) => {
      const endpoint = url('ejabberd.test', which);
      const before = lab.connections;
      const took: number[] = [];
      for (let i = 0; i < 20; i += 1) {
        const started = performance.now();
        const check = await login(EVE, endpoint, { password: password('ejabberd.test', EVE) });
        took.push(Math.round(performance.now() - started));
        expect(check.boundJid.startsWith(`${EVE}/`)).toBe(true);
      }
      // Each request had a connection of its own (no keep-alive reuse).
      expect(lab.connections - before).toBeGreaterThanOrEqual(20 * 4);
      console.log(`ejabberd BOSH ${which}: 20 logins, ms each: ${took.join(' ')}`);
      expect((await ejabberdctl('connected_users')).trim()).toBe('');
    },
    180_000,
  );

  it('a wrong password is reported as one within a second, and leaves no session', async () => {
    // Another user's session, so the count below proves that connected_users does list sessions.
    const fay = await labLogin(state, 'fay@ejabberd.test', { transport: 'websocket', available: false });
    try {
      for (const endpoint of [url('ejabberd.test', 'boshUrl'), url('ejabberd.test', 'boshSecureUrl')]) {
        const started = performance.now();
        const error = await checkFailure(login(EVE, endpoint, { password: 'not-the-password' }));
        const ms = performance.now() - started;
        expect(error.kind).toBe('wrong-password');
        expect(ms).toBeLessThan(1000);
      }
      const users = (await ejabberdctl('connected_users')).trim().split('\n');
      expect(users).toHaveLength(1);
      expect(users[0]).toMatch(/^fay@ejabberd\.test\//);
    } finally {
      await fay.close();
    }
  }, 90_000);
});

describe('XEP-0156 discovery from ejabberd’s mod_host_meta', () => {
  it.each([
    ['https', 'ejabberd.test', 5443],
    ['http', 'ejabberd2.test', 5280],
  ] as const)(
    'over %s for %s: host-meta and host-meta.json announce the TLS endpoints, and a login works there',
    async (scheme, domain, port) => {
      // Both documents must answer on their own: the merge would hide one that failed.
      const answered: string[] = [];
      const recording: typeof fetch = async (input, init) => {
        const response = await lab.fetch(input, init);
        if (response.ok) answered.push(new URL(String(input)).pathname);
        return response;
      };
      const found = await discoverEndpoints(domain, {
        fetch: recording,
        origin: `${scheme}://${domain}:${port}`,
        timeoutMs: 10_000,
      });
      expect(found).toEqual({
        websocket: [`wss://${domain}:5443/ws`],
        bosh: [`https://${domain}:5443/bosh`],
      });
      expect(answered.sort()).toEqual(['/.well-known/host-meta', '/.well-known/host-meta.json']);
      const jid = domain === 'ejabberd.test' ? EVE : ZOE;
      const check = await login(jid, found.bosh[0] as string, { password: password(domain, jid) });
      expect(check.transportSecure).toBe(true);
    },
  );
});
