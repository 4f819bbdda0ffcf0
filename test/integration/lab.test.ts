// Proves the lab is real: messages cross s2s between live Prosody instances, policies refuse what
// they should, the signed zone validates through the lab resolver, and the port check names holders.
import { createHash, X509Certificate } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import { createServer, type Server } from 'node:net';
import type { TLSSocket } from 'node:tls';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tlsa311 } from '../../lab/dns.ts';
import { ensureLab } from '../../lab/lab.ts';
import { assertPortsFree, findPortConflicts, PortsInUseError } from '../../lab/ports.ts';
import { isOurs } from '../../lab/processes.ts';
import { RUBRIC_V2_DOMAINS } from '../../lab/rubric-v2-domains.ts';
import { type LabState, readLabState, STATE_FILE } from '../../lab/state.ts';
import { SPARE_ADDRESS } from '../../lab/topology.ts';
import { login, trustLabCertificates, type XmppSession } from '../support/xmpp.ts';

function labState(): LabState {
  const state = readLabState(process.env.HOPLIGHT_LAB_STATE);
  if (!state) throw new Error('no lab state: the global setup did not start the lab');
  return state;
}

/** One DNS query over UDP with the DO bit; rejects after `timeoutMs` without an answer. */
function queryDns(
  server: { host: string; port: number },
  name: string,
  type: dnsPacket.RecordType,
  timeoutMs = 5_000,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const id = Math.floor(Math.random() * 65535);
    const sock = createSocket('udp4');
    const timer = setTimeout(() => {
      sock.close();
      reject(new Error(`DNS ${name} ${type}: no answer from ${server.host}:${server.port}`));
    }, timeoutMs);
    sock.on('message', (msg) => {
      const packet = dnsPacket.decode(msg);
      if (packet.id !== id) return;
      clearTimeout(timer);
      sock.close();
      resolve(packet);
    });
    sock.send(
      dnsPacket.encode({
        type: 'query',
        id,
        flags: dnsPacket.RECURSION_DESIRED | dnsPacket.AUTHENTIC_DATA,
        questions: [{ type, name }],
        additionals: [
          {
            type: 'OPT',
            name: '.',
            udpPayloadSize: 4096,
            extendedRcode: 0,
            ednsVersion: 0,
            flags: dnsPacket.DNSSEC_OK,
            flag_do: true,
            options: [],
          },
        ],
      }),
      server.port,
      server.host,
    );
  });
}

/** dns-packet's decoder adds the response code, which its types leave out. */
type Response = dnsPacket.Packet & { rcode?: string };

function answersOf<T extends dnsPacket.Answer['type']>(
  p: Response,
  type: T,
): Extract<dnsPacket.Answer, { type: T }>[] {
  return (p.answers ?? []).filter((a): a is Extract<dnsPacket.Answer, { type: T }> => a.type === type);
}

const isAd = (p: dnsPacket.Packet) => ((p.flags ?? 0) & dnsPacket.AUTHENTIC_DATA) !== 0;

describe('lab', () => {
  let state: LabState;
  const sessions: XmppSession[] = [];
  const open = async (jid: string) => {
    const s = await login(state, jid);
    sessions.push(s);
    return s;
  };

  beforeAll(() => {
    state = labState();
    trustLabCertificates(state);
  });

  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.close()));
  });

  it('records every domain and only live processes it started', () => {
    expect(process.env.HOPLIGHT_LAB_STATE).toBe(STATE_FILE);
    expect(Object.keys(state.domains).sort()).toEqual(
      [
        'badposh.test',
        'badtlsa.sec.test',
        'dane.sec.test',
        'ejabberd.test',
        'ejabberd2.test',
        'expired.test',
        'good.test',
        'other.test',
        'plain.test',
        'posh.test',
        'tls13.test',
        'weak.test',
        'wrongname.test',
        ...RUBRIC_V2_DOMAINS.map((d) => d.domain),
      ].sort(),
    );
    expect(state.serverless).toEqual([
      { domain: 'dead.test', address: '127.0.2.17' },
      { domain: 'nxdomain.test', address: null },
    ]);
    // dnsmasq, nsd, unbound, 12 Prosody and one ejabberd node (each with its server process).
    expect(state.processes.length).toBeGreaterThanOrEqual(16);
    expect(state.processes.map((p) => p.name)).toContain('ejabberd (server)');
    expect(state.domains['ejabberd.test']!.server).toBe('ejabberd');
    expect(state.domains['ejabberd.test']!.websocketSecureUrl).toBe('wss://ejabberd.test:5443/ws');
    for (const p of state.processes) expect(isOurs(p), `${p.name} (${p.pid}) alive`).toBe(true);
    expect(state.domains['good.test']!.websocketUrl).toBe('ws://127.0.2.2:5280/xmpp-websocket');
    expect(state.domains['plain.test']!.certFile).toBeNull();
    expect(state.domains['posh.test']!.poshPort).toBe(443);
    expect(state.domains['good.test']!.poshPort).toBeNull();
  });

  it('leaves a running lab as it is when asked to start again', async () => {
    const again = await ensureLab();
    expect(again.started).toBe(false);
    expect(again.state.startedAt).toBe(state.startedAt);
    expect(again.state.processes.map((p) => p.pid)).toEqual(state.processes.map((p) => p.pid));
  });

  it('delivers good.test → weak.test and good.test → other.test over s2s', async () => {
    const [alice, weakBob, erin] = await Promise.all([
      open('alice@good.test'),
      open('bob@weak.test'),
      open('erin@other.test'),
    ]);
    expect(alice.secure).toBe(true);
    await alice.sendMessage('bob@weak.test', 'hello weak bob');
    await alice.sendMessage('erin@other.test', 'hello erin');
    const [toBob, toErin] = await Promise.all([
      weakBob.waitForMessage('alice@good.test', 'hello weak bob'),
      erin.waitForMessage('alice@good.test', 'hello erin'),
    ]);
    expect(toBob.attrs.from).toMatch(/^alice@good\.test\//);
    expect(toErin.attrs.from).toMatch(/^alice@good\.test\//);
  });

  it('refuses weak.test → other.test: other.test demands an authenticated peer', async () => {
    const [mallory, erin] = await Promise.all([open('mallory@weak.test'), open('erin@other.test')]);
    const id = await mallory.sendMessage('erin@other.test', 'from a self-signed server');
    const error = await mallory.waitForError(id);
    // Prosody 0.12 bounces a failed s2s link as remote-server-timeout, with the peer's reason as text.
    expect(error.condition).toBe('remote-server-timeout');
    expect(error.text).toMatch(/not-authorized.*certificate is not trusted/);
    expect(erin.received.some((el) => el.getChildText('body') === 'from a self-signed server')).toBe(false);
  });

  it('resolves the signed zone for Prosody too: good.test → dane.sec.test is delivered', async () => {
    const [alice, heidi] = await Promise.all([open('alice@good.test'), open('heidi@dane.sec.test')]);
    await alice.sendMessage('heidi@dane.sec.test', 'hello heidi');
    const got = await heidi.waitForMessage('alice@good.test', 'hello heidi');
    expect(got.attrs.from).toMatch(/^alice@good\.test\//);
  });

  it('logs in over good.test’s WebSocket endpoint', async () => {
    const bob = await login(state, 'bob@good.test', { transport: 'websocket' });
    sessions.push(bob);
    const roster = await bob.getRoster();
    expect(roster).toEqual([]);
  });

  it('bounces good.test → plain.test: good.test requires s2s encryption, plain.test has none', async () => {
    const alice = await open('alice@good.test');
    const id = await alice.sendMessage('dave@plain.test', 'over plaintext?');
    const error = await alice.waitForError(id);
    expect(error.condition).toBe('remote-server-timeout');
    expect(error.text).toMatch(/^Server-to-server connection failed/);
  });

  it('runs ejabberd: SCRAM on ejabberd.test, plain passwords on ejabberd2.test, rosters, s2s with Prosody', async () => {
    const [eve, zoe, alice] = await Promise.all([
      open('eve@ejabberd.test'),
      open('zoe@ejabberd2.test'),
      open('alice@good.test'),
    ]);
    expect(eve.secure && zoe.secure).toBe(true);
    expect(await eve.getRoster()).toEqual([
      { jid: 'alice@good.test', name: 'Alice', subscription: 'both', groups: ['Friends'] },
    ]);
    await eve.sendMessage('alice@good.test', 'hello from ejabberd');
    await alice.sendMessage('zoe@ejabberd2.test', 'hello ejabberd2');
    await eve.sendMessage('zoe@ejabberd2.test', 'same server');
    await alice.waitForMessage('eve@ejabberd.test', 'hello from ejabberd');
    await zoe.waitForMessage('alice@good.test', 'hello ejabberd2');
    await zoe.waitForMessage('eve@ejabberd.test', 'same server');
  });

  it('serves XEP-0156 host-meta from ejabberd over HTTPS (5443)', async () => {
    const ca = readFileSync(state.caFile);
    const body = await new Promise<string>((resolve, reject) => {
      const req = get(
        {
          host: '127.0.2.20',
          port: 5443,
          path: '/.well-known/host-meta.json',
          servername: 'ejabberd.test',
          headers: { host: 'ejabberd.test' },
          ca,
          checkServerIdentity: () => undefined,
        },
        (res) => {
          let text = '';
          res.on('data', (c) => {
            text += c;
          });
          res.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
    });
    const links = (JSON.parse(body) as { links: { rel: string; href: string }[] }).links;
    expect(links).toContainEqual({
      rel: 'urn:xmpp:alt-connections:websocket',
      href: 'wss://ejabberd.test:5443/ws',
    });
  });

  it('bounces messages to dead.test (nothing listens) and nxdomain.test (no record)', async () => {
    const alice = await open('alice@good.test');
    const dead = await alice.waitForError(await alice.sendMessage('x@dead.test', 'anyone?'));
    expect(dead).toMatchObject({
      condition: 'remote-server-not-found',
      text: 'Server-to-server connection failed: connection refused',
    });
    const none = await alice.waitForError(await alice.sendMessage('x@nxdomain.test', 'anyone?'));
    expect(none).toMatchObject({
      condition: 'remote-server-not-found',
      text: 'Server-to-server connection failed: NXDomain in A lookup',
    });
  });

  it('lets a plain.test client log in without TLS', async () => {
    const dave = await open('dave@plain.test');
    expect(dave.secure).toBe(false);
  });

  it('gives alice@good.test a roster with contacts on every domain, with names and groups', async () => {
    const alice = await open('alice@good.test');
    const roster = await alice.getRoster();
    const domains = new Set(roster.map((i) => i.jid.split('@')[1]));
    // Not (yet) the POSH domains: see ALICE_ROSTER in lab/topology.ts.
    // Nor the domains added for the truth matrix (tls13.test, the ejabberd ones), nor the rubric v2
    // cases (lab/rubric-v2-domains.ts), which exist to be scanned: the e2e tests count nine.
    const scanOnly = new Set(RUBRIC_V2_DOMAINS.map((d) => d.domain));
    const rosterDomains = Object.keys(state.domains).filter(
      (d) => !d.endsWith('posh.test') && d !== 'tls13.test' && !d.startsWith('ejabberd') && !scanOnly.has(d),
    );
    for (const d of rosterDomains) expect(domains.has(d), `contact on ${d}`).toBe(true);
    expect(roster).toHaveLength(9);
    expect(roster).toContainEqual({
      jid: 'bob@good.test',
      name: 'Bob',
      subscription: 'both',
      groups: ['Friends'],
    });
    expect(roster.find((i) => i.jid === 'bob@weak.test')?.groups.sort()).toEqual(['Friends', 'Weak']);
    expect(roster.find((i) => i.jid === 'carol@good.test')?.name).toBeNull();
  });

  it('serves certificates that fail as their traits say', async () => {
    await expect(login(state, 'grace@expired.test')).rejects.toThrow(/expired/i);
    await expect(login(state, 'frank@wrongname.test')).rejects.toThrow(/altnames|does not match|wrongname/i);
    const wrong = new X509Certificate(
      await import('node:fs').then((fs) => fs.readFileSync(state.domains['wrongname.test']!.certFile!)),
    );
    expect(wrong.checkHost('wrongname.test')).toBeUndefined();
    expect(wrong.checkHost('elsewhere.test')).toBe('elsewhere.test');
    const ca = new X509Certificate(await import('node:fs').then((fs) => fs.readFileSync(state.caFile)));
    expect(wrong.verify(ca.publicKey)).toBe(true);
  });

  it('gives clear errors for bad logins', async () => {
    await expect(login(state, 'nobody@nowhere.test')).rejects.toThrow(/not a lab domain/);
    await expect(login(state, 'not-a-jid')).rejects.toThrow(/not a bare JID/);
    await expect(login(state, 'alice@good.test', { password: 'wrong' })).rejects.toThrow(/not-authorized/);
  });

  it('answers every lab name through the validating resolver, with AD only on the signed zone', async () => {
    const srv = await queryDns(state.resolver, '_xmpps-client._tcp.good.test', 'SRV');
    expect(srv.rcode).toBe('NOERROR');
    expect(answersOf(srv, 'SRV').map((a) => a.data.port)).toEqual([5223]);
    expect(isAd(srv)).toBe(false);

    const dane = await queryDns(state.resolver, '_xmpp-server._tcp.dane.sec.test', 'SRV');
    expect(isAd(dane)).toBe(true);
    expect(answersOf(dane, 'SRV').map((a) => a.data.target)).toEqual(['dane.sec.test']);
    expect(answersOf(dane, 'RRSIG').length).toBeGreaterThan(0);
  });

  it('publishes a matching TLSA record for dane.sec.test and a mismatching one for badtlsa.sec.test', async () => {
    const fs = await import('node:fs');
    for (const [domain, matches] of [
      ['dane.sec.test', true],
      ['badtlsa.sec.test', false],
    ] as const) {
      const certHash = tlsa311(fs.readFileSync(state.domains[domain]!.certFile!));
      for (const port of [5222, 5269]) {
        const answer = await queryDns(state.resolver, `_${port}._tcp.${domain}`, 'TLSA');
        expect(isAd(answer), `${domain}:${port} validated`).toBe(true);
        const records = answersOf(answer, 'TLSA').map((a) => a.data);
        expect(records).toHaveLength(1);
        expect([records[0]!.usage, records[0]!.selector, records[0]!.matchingType]).toEqual([3, 1, 1]);
        expect(records[0]!.certificate.toString('hex') === certHash).toBe(matches);
      }
    }
  });

  /** GET over HTTPS to the domain's address, by name (SNI and Host), trusting only the lab CA. */
  function fetchPosh(
    domain: string,
    file: string,
  ): Promise<{ status: number; type: string; body: string; issuer: string }> {
    const d = state.domains[domain]!;
    return new Promise((resolve, reject) => {
      const req = get(
        {
          host: d.address,
          port: d.poshPort!,
          servername: domain,
          path: `/.well-known/posh/${file}`,
          headers: { host: domain },
          ca: readFileSync(state.caFile),
          agent: false,
        },
        (res) => {
          const issuer = String((res.socket as TLSSocket).getPeerCertificate().issuer.CN);
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              type: String(res.headers['content-type']),
              body: Buffer.concat(chunks).toString('utf8'),
              issuer,
            }),
          );
        },
      );
      req.setTimeout(5_000, () => req.destroy(new Error(`no answer from ${domain}:${d.poshPort}`)));
      req.on('error', reject);
    });
  }

  it('serves POSH over lab-CA HTTPS on 443: posh.test names its self-signed XMPP certificate, badposh.test another', async () => {
    for (const [domain, matches] of [
      ['posh.test', true],
      ['badposh.test', false],
    ] as const) {
      const xmppCert = new X509Certificate(readFileSync(state.domains[domain]!.certFile!));
      expect(xmppCert.verify(xmppCert.publicKey), `${domain} XMPP certificate self-signed`).toBe(true);
      for (const file of ['xmpp-client.json', 'xmpp-server.json']) {
        const res = await fetchPosh(domain, file);
        expect(res.status).toBe(200);
        expect(res.type).toBe('application/json');
        expect(res.issuer).toBe('Hoplight Lab CA');
        const doc = JSON.parse(res.body);
        expect(doc.expires).toBe(604800);
        expect(doc.fingerprints).toHaveLength(1);
        const fingerprint = createHash('sha256').update(xmppCert.raw).digest('base64');
        expect(
          doc.fingerprints[0]['sha-256'] === fingerprint,
          `${domain} ${file} names its certificate`,
        ).toBe(matches);
      }
    }
    // Nothing else is published: no directory listing, no other file.
    expect((await fetchPosh('posh.test', '')).status).toBe(403);
    expect((await fetchPosh('posh.test', 'nothing.json')).status).toBe(404);
  });

  it('delivers good.test → posh.test over s2s (dialback: Prosody 0.12 has no POSH of its own)', async () => {
    const [alice, judy] = await Promise.all([open('alice@good.test'), open('judy@posh.test')]);
    await alice.sendMessage('judy@posh.test', 'hello judy');
    const got = await judy.waitForMessage('alice@good.test', 'hello judy');
    expect(got.attrs.from).toMatch(/^alice@good\.test\//);
  });

  describe('port check', () => {
    let server: Server;
    let port: number;

    beforeAll(async () => {
      server = createServer();
      await new Promise<void>((resolve) => server.listen({ host: SPARE_ADDRESS, port: 0 }, resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it('names an address:port already bound, and who holds it', async () => {
      const endpoint = { owner: 'prosody test', host: SPARE_ADDRESS, port, protocol: 'tcp' as const };
      const conflicts = await findPortConflicts([endpoint]);
      expect(conflicts).toEqual([{ endpoint, code: 'EADDRINUSE', holder: `node (pid ${process.pid})` }]);
      const failure = assertPortsFree([endpoint]);
      await expect(failure).rejects.toBeInstanceOf(PortsInUseError);
      await expect(failure).rejects.toThrow(
        `${SPARE_ADDRESS}:${port}/tcp needed by prosody test: already in use by node (pid ${process.pid})`,
      );
    });

    it('finds nothing wrong with free endpoints', async () => {
      // The same port over UDP: the TCP listener does not hold it.
      const free = [{ owner: 'x', host: SPARE_ADDRESS, port, protocol: 'udp' as const }];
      await expect(findPortConflicts(free)).resolves.toEqual([]);
    });

    it('reports the lab’s own running daemons as holders of their ports', async () => {
      const conflicts = await findPortConflicts([{ owner: 'dns', ...state.plainResolver, protocol: 'udp' }]);
      expect(conflicts).toHaveLength(1);
      expect(conflicts[0]!.holder).toMatch(/^dnsmasq \(pid \d+\)$/);
    });
  });
});
