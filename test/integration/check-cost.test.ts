// What a check costs the user's server, against the lab's real Prosody 0.12 and ejabberd 23.01: a
// roster of many contacts over few domains, checked cold and then warm. Counts the IQs on the wire
// (the WebSocket frames sent), shows roster versioning (an unchanged roster costs one IQ with an empty
// answer; a push during the check is applied) and the OMEMO answers each server really gives.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { xml } from '@xmpp/client';
import type { Element } from 'ltx';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { type LabState, readLabState } from '../../lab/state.ts';
import { runCheckCycle } from '../../src/extension/background/check-cycle.ts';
import { memoryStorage } from '../../src/extension/background/memory-storage.test-support.ts';
import type { OmemoRefreshPolicy } from '../../src/extension/background/omemo-cache.ts';
import { memorySnapshotStore } from '../../src/extension/background/snapshot-store.ts';
import { type AccountCheck, checkAccount } from '../../src/extension/background/xmpp/session.ts';
import { DEFAULT_SETTINGS } from '../../src/extension/shared/settings.ts';
import { freedPort } from '../support/freed-port.ts';
import { login, sendIq, trustLabCertificates, type XmppSession } from '../support/xmpp.ts';

const run = promisify(execFile);
let state: LabState;

// Records the frames the check sends: @xmpp/websocket opens `new WebSocket(…)` at connect time.
let recording: string[] | null = null;
const NativeWebSocket = globalThis.WebSocket;
class RecordingWebSocket extends NativeWebSocket {
  override send(data: Parameters<WebSocket['send']>[0]): void {
    recording?.push(String(data));
    super.send(data);
  }
}
afterAll(() => {
  globalThis.WebSocket = NativeWebSocket;
});

beforeAll(() => {
  globalThis.WebSocket = RecordingWebSocket;
  const file = process.env.HOPLIGHT_LAB_STATE;
  const found = readLabState(file);
  if (!found || !file) throw new Error('no lab state: the global setup did not start the lab');
  state = found;
  trustLabCertificates(state);
});

const PUBSUB = 'http://jabber.org/protocol/pubsub';
const LEGACY = 'eu.siacs.conversations.axolotl.devicelist';
const V2 = 'urn:xmpp:omemo:2:devices';
/** Contacts per domain, over four domains (one of them the user's own). */
const PER_DOMAIN = 10;
const POLICY: OmemoRefreshPolicy = {
  maxAgeMs: 24 * 3_600_000,
  unknownMaxAgeMs: 3_600_000,
  forgetAfterMs: 7 * 24 * 3_600_000,
  maxPerCheck: 30,
};

/** Accounts of this test's own (the lab's users and rosters belong to other tests). */
async function register(domain: string, user: string, password: string): Promise<string> {
  if (state.domains[domain]?.server === 'ejabberd') {
    const ctl = state.ejabberd?.ctlArgs ?? [];
    await run('ejabberdctl', [...ctl, 'unregister', user, domain]).catch(() => {});
    await run('ejabberdctl', [...ctl, 'register', user, domain, password], { timeout: 30_000 });
  } else {
    const config = join(
      dirname(process.env.HOPLIGHT_LAB_STATE as string),
      'prosody',
      domain,
      'prosody.cfg.lua',
    );
    await run('prosodyctl', ['--config', config, 'deluser', `${user}@${domain}`]).catch(() => {});
    await run('prosodyctl', ['--config', config, 'register', user, domain, password], { timeout: 30_000 });
  }
  return `${user}@${domain}`;
}

/** A device list with the node's default access model (presence on both servers). */
function publishDevices(node: string) {
  const payload =
    node === LEGACY
      ? xml('list', { xmlns: 'eu.siacs.conversations.axolotl' }, xml('device', { id: '11' }))
      : xml('devices', { xmlns: 'urn:xmpp:omemo:2' }, xml('device', { id: '12' }));
  return xml('pubsub', { xmlns: PUBSUB }, xml('publish', { node }, xml('item', { id: 'current' }, payload)));
}

/** `from` subscribes to `to`'s presence and `to` approves: `from` then has subscription `to`. */
async function subscribe(from: XmppSession, to: XmppSession): Promise<void> {
  await from.send(xml('presence', { to: to.jid, type: 'subscribe' }) as unknown as Element);
  await to.waitFor(
    (el) => el.name === 'presence' && el.attrs.type === 'subscribe',
    `subscribe from ${from.jid}`,
  );
  await to.send(xml('presence', { to: from.jid, type: 'subscribed' }) as unknown as Element);
  for (let i = 0; i < 50; i++) {
    const item = (await from.getRoster()).find((r) => r.jid === to.jid);
    if (item?.subscription === 'to' || item?.subscription === 'both') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${from.jid} never got a subscription to ${to.jid}`);
}

/** IQs in what the check sent, by child. */
function iqsIn(bodies: readonly string[]) {
  const all = bodies.join('').match(/<iq\b[^>]*>\s*<[a-z]+\b[^>]*>/g) ?? [];
  const target = (s: string) => /\bto=["']([^"']+)["']/.exec(s)?.[1] ?? '';
  return {
    all,
    pings: all.filter((s) => s.includes('urn:xmpp:ping')).map(target),
    deviceLists: all.filter((s) => s.includes(PUBSUB)).map(target),
    rosters: all.filter((s) => s.includes('jabber:iq:roster')),
  };
}

interface ServerCase {
  server: string;
  domain: string;
  contactDomains: string[];
  /** What the user's server answers about the three peers (see the cases below). */
  expected: {
    subscribedPublished: boolean | null;
    subscribedNothing: boolean | null;
    strangerPublished: boolean | null;
  };
  /** The node the peers publish: Prosody forces nothing, ejabberd's shipped config opens the legacy one. */
  node: string;
}

const CASES: ServerCase[] = [
  {
    server: 'Prosody 0.12',
    domain: 'good.test',
    contactDomains: ['good.test', 'weak.test', 'other.test', 'ejabberd.test'],
    node: LEGACY,
    // Prosody says `forbidden` to a stranger and for a missing node alike: "no OMEMO" only from a
    // contact who shares presence; from a stranger, unknown.
    expected: { subscribedPublished: true, subscribedNothing: false, strangerPublished: null },
  },
  {
    server: 'ejabberd 23.01',
    domain: 'ejabberd.test',
    contactDomains: ['ejabberd.test', 'ejabberd2.test', 'good.test', 'weak.test'],
    node: V2,
    // ejabberd says `item-not-found` for a missing node and `not-authorized` to a stranger.
    expected: { subscribedPublished: true, subscribedNothing: false, strangerPublished: null },
  },
];

describe.each(CASES)('the check’s cost on $server ($domain)', { timeout: 120_000 }, (c) => {
  const password = 'cost-check-pw';
  let user: string;
  let session: XmppSession;
  const peers: XmppSession[] = [];
  let peerJids: { subscribedPublished: string; subscribedNothing: string; strangerPublished: string };
  const checks: AccountCheck[] = [];
  let askedCold = new Set<string>();

  beforeAll(async () => {
    user = await register(c.domain, 'costcheck', password);
    const names = ['costpeera', 'costpeerb', 'costpeerc'] as const;
    // One at a time: three ejabberdctl registrations in parallel failed here once.
    const registered: string[] = [];
    for (const name of names) registered.push(await register(c.domain, name, password));
    const [a, b, s] = registered;

    peerJids = {
      subscribedPublished: a as string,
      subscribedNothing: b as string,
      strangerPublished: s as string,
    };
    // ejabberd logins overrun xmpp.js' step timeouts in parallel (LAB-NOTES): one at a time.
    session = await login(state, user, { password, available: false });
    // Available, so that the subscription requests reach them.
    for (const jid of [a, b, s] as string[]) peers.push(await login(state, jid, { password }));
    const [peerA, peerB, peerS] = peers as [XmppSession, XmppSession, XmppSession];
    await sendIq(peerA, 'set', publishDevices(c.node));
    await sendIq(peerS, 'set', publishDevices(c.node));
    await subscribe(session, peerA);
    await subscribe(session, peerB);
    await session.setRosterItem({ jid: peerS.jid });
    for (const domain of c.contactDomains) {
      for (let i = 0; i < PER_DOMAIN; i++) await session.setRosterItem({ jid: `nobody${i}@${domain}` });
    }
  }, 240_000);

  afterAll(async () => {
    for (const s of [session, ...peers]) await s?.close();
  });

  async function check(extra: Partial<Parameters<typeof checkAccount>[0]> = {}, frames: string[] = []) {
    const websocketUrl = state.domains[c.domain]?.websocketUrl;
    if (!websocketUrl) throw new Error(`${c.domain} has no WebSocket endpoint`);
    const previous = checks.at(-1);
    recording = frames;
    try {
      return await checkAccount({
        jid: user,
        password,
        endpoint: websocketUrl,
        transport: 'websocket',
        timeoutMs: 20_000,
        omemoPolicy: POLICY,
        ...(previous
          ? {
              omemoCache: previous.omemoCache,
              serverFacts: previous.serverFacts,
              storedRoster: { version: previous.rosterVersion, items: previous.roster },
            }
          : {}),
        ...extra,
      });
    } finally {
      recording = null;
    }
  }

  const contacts = 3 + 4 * PER_DOMAIN;
  const remoteDomains = () => c.contactDomains.filter((d) => d !== c.domain).sort();

  it('cold: the whole roster with a version, a bounded number of OMEMO refreshes, one observation per domain', async () => {
    const bodies: string[] = [];
    const result = await check({}, bodies);
    checks.push(result);
    const sent = iqsIn(bodies);
    askedCold = new Set(sent.deviceLists);
    expect(result.roster).toHaveLength(contacts);
    expect(result.traffic.roster).toBe('full');
    expect(result.rosterVersion).toEqual(expect.any(String));
    expect(result.traffic.omemo).toEqual({
      asked: POLICY.maxPerCheck,
      cached: contacts - POLICY.maxPerCheck,
      deferred: contacts - POLICY.maxPerCheck,
    });
    // Both nodes for each contact asked; never more contacts than the bound.
    expect(sent.deviceLists).toHaveLength(2 * POLICY.maxPerCheck);
    expect(new Set(sent.deviceLists).size).toBe(POLICY.maxPerCheck);
    // Ten contacts on each remote domain, one ping each: O(domains), never O(contacts).
    expect(sent.pings.sort()).toEqual(remoteDomains());
    expect(result.traffic).toMatchObject({ domains: remoteDomains().length, factsReused: 0 });
    // Every remote domain answered disco or version: kept for a day.
    expect([...result.serverFacts.keys()].sort()).toEqual(remoteDomains());
    // The check's own count is the wire's: roster, OMEMO, ping/disco/version per domain, own version.
    expect(result.traffic.stanzas).toBe(sent.all.length - 1 /* resource binding, before counting starts */);
    console.log(
      `${c.server} cold check, ${contacts} contacts over ${c.contactDomains.length} domains: ${result.traffic.stanzas} stanzas, ${result.traffic.bytes} bytes`,
      result.traffic,
    );
  });

  it('warm: an unchanged roster costs one IQ with an empty answer; only the deferred contacts are asked', async () => {
    const bodies: string[] = [];
    const result = await check({}, bodies);
    checks.push(result);
    const sent = iqsIn(bodies);
    expect(result.traffic.roster).toBe('unchanged');
    expect(sent.rosters).toHaveLength(1);
    expect(sent.rosters[0]).toContain(`ver="${checks[0]?.rosterVersion}"`);
    expect(result.roster.map((r) => r.jid).sort()).toEqual(checks[0]?.roster.map((r) => r.jid).sort());
    const deferred = contacts - POLICY.maxPerCheck;
    expect(result.traffic.omemo).toMatchObject({ asked: deferred, deferred: 0 });
    // The ones asked now are exactly the ones left out before.
    expect(sent.deviceLists.filter((jid) => askedCold.has(jid))).toEqual([]);
    expect(new Set([...askedCold, ...sent.deviceLists]).size).toBe(contacts);
    console.log(
      `${c.server} second check: ${result.traffic.stanzas} stanzas, ${result.traffic.bytes} bytes`,
      result.traffic,
    );
  });

  it('warm with every answer fresh: roster, observation and nothing else', async () => {
    const bodies: string[] = [];
    const result = await check({}, bodies);
    checks.push(result);
    const sent = iqsIn(bodies);
    expect(result.traffic.omemo).toEqual({ asked: 0, cached: contacts, deferred: 0 });
    expect(sent.deviceLists).toEqual([]);
    // One ping per domain: identities and versions are a day fresh. Then the own server's version.
    expect(sent.pings.sort()).toEqual(remoteDomains());
    expect(result.traffic.factsReused).toBe(remoteDomains().length);
    expect(result.traffic.stanzas).toBe(1 + remoteDomains().length + 1);
    expect(result.traffic.stanzas).toBe(sent.all.length - 1);
    console.log(
      `${c.server} warm check: ${result.traffic.stanzas} stanzas, ${result.traffic.bytes} bytes`,
      result.traffic,
    );
  });

  it('reads each OMEMO answer as the server means it', () => {
    // Every contact was asked by now (two checks); the third answered all from the cache.
    const omemo = checks.at(-1)?.omemo;
    expect(omemo?.get(peerJids.subscribedPublished)).toBe(c.expected.subscribedPublished);
    expect(omemo?.get(peerJids.subscribedNothing)).toBe(c.expected.subscribedNothing);
    expect(omemo?.get(peerJids.strangerPublished)).toBe(c.expected.strangerPublished);
  });

  it('applies and acknowledges a roster push that arrives during the check', async () => {
    const added = `pushed@${c.contactDomains[1]}`;
    onTestFinished(() => session.removeRosterItem(added));
    let pushing: Promise<void> | null = null;
    const bodies: string[] = [];
    const result = await check(
      {
        // An empty OMEMO cache: the check asks every contact through s2s (about a second here), so the
        // push (a local roster set, tens of ms) lands while it runs; a warm check can end before it.
        omemoCache: new Map(),
        omemoPolicy: { ...POLICY, maxPerCheck: 100 },
        onProgress: (p) => {
          // Once the roster is read: another of the user's clients adds a contact.
          if (p.phase === 'omemo' && !pushing)
            pushing = session.setRosterItem({ jid: added, name: 'Pushed' });
        },
      },
      bodies,
    );
    await pushing;
    expect(result.traffic.roster).toBe('unchanged');
    expect(result.traffic.rosterPushes).toBeGreaterThanOrEqual(1);
    expect(result.roster.find((r) => r.jid === added)).toMatchObject({ name: 'Pushed' });
    expect(result.rosterVersion).not.toBe(checks.at(-1)?.rosterVersion);
    // RFC 6121 §2.1.6: the client answers the push with an empty result.
    expect(bodies.join('')).toMatch(/<iq\b[^>]*type=["']result["']/);
    // The next check, from the version the push brought, finds nothing changed.
    checks.push(result);
    const next = await check();
    expect(next.traffic.roster).toBe('unchanged');
    expect(next.roster.map((r) => r.jid)).toContain(added);
  });

  it('the check cycle stores roster and OMEMO answers for the next cycle, per account', async () => {
    const port = await freedPort();
    const local = memoryStorage({
      settings: {
        ...DEFAULT_SETTINGS,
        jid: user,
        endpoint: { mode: 'url', url: state.domains[c.domain]?.websocketUrl },
        // The observatory is down: the check still stores contacts and caches.
        observatoryUrl: `http://127.0.0.1:${port}`,
      },
    });
    const traffic: AccountCheck['traffic'][] = [];
    const cycle = () =>
      runCheckCycle({
        local,
        session: memoryStorage({ credentials: { jid: user, password } }),
        snapshots: memorySnapshotStore(),
        checkAccount: async (options) => {
          const result = await checkAccount(options);
          traffic.push(result.traffic);
          return result;
        },
        discover: async () => {
          throw new Error('the endpoint is given: no discovery');
        },
        fetch,
        now: () => new Date(),
        timeoutMs: 20_000,
        onProgress: () => {},
      });
    expect(await cycle()).toMatchObject({ ok: true });
    expect(await cycle()).toMatchObject({ ok: true });
    expect(traffic.map((t) => t.roster)).toEqual(['full', 'unchanged']);
    // The default bound (150) covers this roster: all asked cold, none warm.
    expect(traffic.map((t) => t.omemo.asked)).toEqual([contacts, 0]);
  });
});
