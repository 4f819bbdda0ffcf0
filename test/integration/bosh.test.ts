// Our BOSH transport (XEP-0124/0206) against the lab's real Prosody mod_bosh, plus loopback servers of
// our own for failures Prosody will not produce on demand (silence, garbage, refused connections).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'ltx';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LabState, readLabState } from '../../lab/state.ts';
import { type BoshError, BoshSocket } from '../../src/extension/background/xmpp/bosh.ts';
import { checkAccount } from '../../src/extension/background/xmpp/session.ts';
import { checkFailure } from '../support/check-failure.ts';

function labState(): LabState {
  const state = readLabState(process.env.HOPLIGHT_LAB_STATE);
  if (!state) throw new Error('no lab state: the global setup did not start the lab');
  return state;
}

interface Exchange {
  request: string;
  rid: number;
  status: number | null;
  response: string | null;
}

/** The real fetch, recording every request and answer and how many were open at once. */
function recordingFetch(options: { rewrite?: (body: string, index: number) => string } = {}) {
  const exchanges: Exchange[] = [];
  let open = 0;
  let maxOpen = 0;
  const fetchImpl: typeof fetch = async (input, init) => {
    const index = exchanges.length;
    const body = options.rewrite ? options.rewrite(String(init?.body), index) : String(init?.body);
    const exchange: Exchange = {
      request: body,
      rid: Number(parse(body).attrs.rid),
      status: null,
      response: null,
    };
    exchanges.push(exchange);
    open += 1;
    maxOpen = Math.max(maxOpen, open);
    try {
      const response = await fetch(input, { ...init, body });
      const text = await response.text();
      exchange.status = response.status;
      exchange.response = text;
      return new Response(text, { status: response.status, statusText: response.statusText });
    } finally {
      open -= 1;
    }
  };
  return {
    fetch: fetchImpl,
    exchanges,
    get maxOpen() {
      return maxOpen;
    },
  };
}

let state: LabState;
let boshUrl: string;
let alicePassword: string;

beforeAll(() => {
  state = labState();
  const good = state.domains['good.test'];
  if (!good?.boshUrl) throw new Error('the lab has no BOSH endpoint on good.test');
  boshUrl = good.boshUrl;
  alicePassword = good.users.find((u) => u.jid === 'alice@good.test')?.password ?? '';
});

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections();
      return new Promise((resolve) => s.close(resolve));
    }),
  );
});

async function loopbackServer(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/http-bind`;
}

describe('BOSH session against Prosody', () => {
  it('creates a session, restarts after SASL, reads the roster and terminates cleanly', async () => {
    const recorder = recordingFetch();
    const result = await checkAccount({
      jid: 'alice@good.test',
      password: alicePassword,
      endpoint: boshUrl,
      transport: 'bosh',
      timeoutMs: 15_000,
      bosh: { fetch: recorder.fetch },
    });
    const { exchanges } = recorder;

    // Session creation request (XEP-0124 §7.1, XEP-0206 §5).
    const create = parse(exchanges[0]?.request ?? '');
    expect(create.attrs).toMatchObject({
      to: 'good.test',
      'xml:lang': 'en',
      'xmpp:version': '1.0',
      xmlns: 'http://jabber.org/protocol/httpbind',
      'xmlns:xmpp': 'urn:xmpp:xbosh',
    });
    for (const attr of ['rid', 'wait', 'hold', 'ver']) expect(create.attrs[attr]).toMatch(/^[0-9.]+$/);
    expect(create.attrs.sid).toBeUndefined();
    const created = parse(exchanges[0]?.response ?? '');
    const sid = created.attrs.sid;
    expect(sid).toBeTruthy();

    // rids count up by one from a random start, none skipped or repeated.
    const rids = exchanges.map((e) => e.rid).sort((a, b) => a - b);
    const first = rids[0] ?? 0;
    expect(rids).toEqual(rids.map((_, i) => first + i));
    expect(first).toBeLessThan(2 ** 53 - 2 ** 32);

    // Every later request carries the sid; never more open than the server's `requests`.
    for (const e of exchanges.slice(1)) expect(parse(e.request).attrs.sid).toBe(sid);
    expect(recorder.maxOpen).toBeLessThanOrEqual(Number(created.attrs.requests ?? 2));

    // SASL then one stream restart (XEP-0206 §5), with no payload of its own.
    const auth = exchanges.find((e) => e.request.includes('<auth '));
    expect(auth?.request).toMatch(/<auth [^>]*mechanism=["']SCRAM-SHA-1["']/);
    const restarts = exchanges.filter((e) => parse(e.request).attrs['xmpp:restart'] === 'true');
    expect(restarts).toHaveLength(1);
    expect(parse(restarts[0]?.request ?? '').children).toHaveLength(0);
    expect(exchanges.some((e) => e.request.includes('urn:ietf:params:xml:ns:xmpp-bind'))).toBe(true);

    // The roster as the lab wrote it.
    expect(result.roster.map((r) => r.jid).sort()).toEqual(
      [
        'bob@good.test',
        'bob@weak.test',
        'carol@good.test',
        'dave@plain.test',
        'erin@other.test',
        'frank@wrongname.test',
        'grace@expired.test',
        'heidi@dane.sec.test',
        'ivan@badtlsa.sec.test',
      ].sort(),
    );
    expect(result.roster.find((r) => r.jid === 'bob@weak.test')).toMatchObject({
      name: 'Weak Bob',
      groups: ['Friends', 'Weak'],
    });
    expect(result.boundJid).toMatch(/^alice@good\.test\/[0-9a-f]{16}$/);
    expect(result.transportSecure).toBe(false);

    // Clean end: the highest rid is our terminate, answered by the server, not aborted.
    const last = exchanges.reduce((a, b) => (b.rid > a.rid ? b : a));
    expect(parse(last.request).attrs.type).toBe('terminate');
    expect(last.status).toBe(200);
    expect(parse(last.response ?? '').name).toBe('body');
    // Silent observer: nothing we sent was presence.
    expect(exchanges.some((e) => e.request.includes('<presence'))).toBe(false);
  });

  it('a wrong stream `to` gives the server’s terminate condition as a protocol error', async () => {
    const error = await checkFailure(
      checkAccount({
        jid: 'alice@nowhere.test',
        password: 'x',
        endpoint: boshUrl,
        transport: 'bosh',
        timeoutMs: 10_000,
      }),
    );
    expect(error.kind).toBe('protocol');
    // Prosody 0.12 says improper-addressing for an unknown host; XEP-0124 allows host-unknown too.
    expect(error.condition).toMatch(/^(host-unknown|improper-addressing)$/);
    expect(error.message).toMatch(/BOSH session terminated/);
  });

  it('a bad sid gives item-not-found', async () => {
    const recorder = recordingFetch({
      rewrite: (body, index) => (index === 1 ? body.replace(/ sid='[^']+'/, " sid='no-such-session'") : body),
    });
    const error = await checkFailure(
      checkAccount({
        jid: 'alice@good.test',
        password: alicePassword,
        endpoint: boshUrl,
        transport: 'bosh',
        timeoutMs: 10_000,
        bosh: { fetch: recorder.fetch },
      }),
    );
    expect(error.kind).toBe('protocol');
    expect(error.condition).toBe('item-not-found');
    expect(error.message).toMatch(/session \(sid\) or request id \(rid\) is unknown/);
  });

  it('an HTTP error status is unreachable, with the status in the message', async () => {
    const error = await checkFailure(
      checkAccount({
        jid: 'alice@good.test',
        password: alicePassword,
        endpoint: boshUrl.replace('/http-bind', '/no-such-path'),
        transport: 'bosh',
        timeoutMs: 10_000,
      }),
    );
    expect(error.kind).toBe('unreachable');
    expect(error.message).toMatch(/HTTP 404/);
  });
});

describe('BOSH failures from servers of our own', () => {
  it('a closed port is unreachable', async () => {
    const url = await loopbackServer(() => {});
    await new Promise((resolve) => servers.pop()?.close(resolve));
    const error = await checkFailure(
      checkAccount({ jid: 'a@b.test', password: 'p', endpoint: url, transport: 'bosh', timeoutMs: 5_000 }),
    );
    expect(error.kind).toBe('unreachable');
    expect(error.message).toContain(url);
  });

  it('a server that never answers times out, and the request is aborted', async () => {
    const closed: boolean[] = [];
    const url = await loopbackServer((req) => {
      req.on('close', () => closed.push(true));
    });
    const socket = new BoshSocket({ wait: 1, marginMs: 300 });
    const errors: BoshError[] = [];
    socket.on('error', (e: BoshError) => errors.push(e));
    const ended = new Promise((resolve) => socket.on('close', resolve));
    socket.connect(url);
    socket.write("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='b.test' version='1.0'/>");
    await ended;
    expect(errors.map((e) => e.kind)).toEqual(['timeout']);
    expect(errors[0]?.message).toMatch(/no BOSH response within 1 s/);
    await expect.poll(() => closed.length).toBe(1);

    const error = await checkFailure(
      checkAccount({ jid: 'a@b.test', password: 'p', endpoint: url, transport: 'bosh', timeoutMs: 500 }),
    );
    expect(error.kind).toBe('timeout');
  });

  it('garbage instead of <body/> is a protocol error', async () => {
    const url = await loopbackServer((_req, res) => res.end('<html>hello</html>'));
    const error = await checkFailure(
      checkAccount({ jid: 'a@b.test', password: 'p', endpoint: url, transport: 'bosh', timeoutMs: 5_000 }),
    );
    expect(error.kind).toBe('protocol');
    expect(error.message).toMatch(/is <html>, not <body/);
  });

  it('a session creation answer without sid is a protocol error', async () => {
    const url = await loopbackServer((_req, res) =>
      res.end("<body xmlns='http://jabber.org/protocol/httpbind'/>"),
    );
    const error = await checkFailure(
      checkAccount({ jid: 'a@b.test', password: 'p', endpoint: url, transport: 'bosh', timeoutMs: 5_000 }),
    );
    expect(error.kind).toBe('protocol');
    expect(error.message).toMatch(/no sid/);
  });

  it('keeps one request in flight, even where the server allows two, and sends what waits with the next rid', async () => {
    // A scripted connection manager: creation says requests=2 and holds every later request until
    // the test lets it go, so we can see the client keep one open and queue the rest behind it.
    const held: { rid: number; body: string; answer: (payload?: string) => void }[] = [];
    let open = 0;
    let maxOpen = 0;
    const url = await loopbackServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        const rid = Number(parse(body).attrs.rid);
        if (!parse(body).attrs.sid) {
          res.end(
            "<body xmlns='http://jabber.org/protocol/httpbind' sid='s1' wait='5' requests='2' hold='1' from='b.test'/>",
          );
          return;
        }
        open += 1;
        maxOpen = Math.max(maxOpen, open);
        held.push({
          rid,
          body,
          answer: (payload = '') => {
            open -= 1;
            res.end(`<body xmlns='http://jabber.org/protocol/httpbind'>${payload}</body>`);
          },
        });
      });
    });
    const socket = new BoshSocket({ wait: 5 });
    socket.on('error', () => {});
    const data: string[] = [];
    socket.on('data', (d: string) => data.push(d));
    socket.connect(url);
    socket.write("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='b.test' version='1.0'/>");
    await expect.poll(() => data.length).toBe(1);
    expect(data[0]).toContain("from='b.test'");
    expect(socket.session).toMatchObject({ sid: 's1', requests: 2, hold: 1 });
    // The creation brought no features yet, so one empty poll waits for them; stanzas queue behind it.
    await expect.poll(() => held.length).toBe(1);
    socket.write("<iq type='get' id='one'/>");
    socket.write("<iq type='get' id='two'/>");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(held).toHaveLength(1);
    expect(socket.requestsInFlight).toBe(1);
    held[0]?.answer('<stream:features xmlns:stream="http://etherx.jabber.org/streams"/>');
    // Both stanzas leave together in the next request, which the server holds.
    await expect.poll(() => held.length).toBe(2);
    expect(held[1]?.body).toContain("id='one'");
    expect(held[1]?.body).toContain("id='two'");
    // One answer comes back; the other is still owed, so the client polls for it, one at a time.
    held[1]?.answer("<iq xmlns='jabber:client' type='result' id='one'/>");
    await expect.poll(() => held.length).toBe(3);
    expect(held[2]?.body).not.toContain('<iq');
    held[2]?.answer("<iq xmlns='jabber:client' type='result' id='two'/>");
    // Nothing is owed any more: no poll follows.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(held).toHaveLength(3);
    expect(socket.requestsInFlight).toBe(0);
    expect(maxOpen).toBe(1);
    expect(held.map((h) => h.rid)).toEqual([0, 1, 2].map((i) => (held[0]?.rid ?? 0) + i));
    socket.end();
  });

  it('does not re-poll in a loop when the server holds no request (hold=0)', async () => {
    const bodies: string[] = [];
    const url = await loopbackServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        bodies.push(body);
        res.end(
          parse(body).attrs.sid
            ? "<body xmlns='http://jabber.org/protocol/httpbind'/>"
            : "<body xmlns='http://jabber.org/protocol/httpbind' sid='s2' wait='5' requests='1' hold='0' polling='30'/>",
        );
      });
    });
    const socket = new BoshSocket({ wait: 5 });
    const data: string[] = [];
    socket.on('data', (d: string) => data.push(d));
    socket.connect(url);
    socket.write("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='b.test' version='1.0'/>");
    await expect.poll(() => data.length).toBe(1);
    expect(socket.session).toMatchObject({ hold: 0, requests: 1, polling: 30 });
    // A stanza goes out at once and its empty answer comes back; then nothing is open until `polling`.
    socket.write("<iq type='get' id='x'/>");
    await expect.poll(() => bodies.length).toBe(2);
    await expect.poll(() => socket.requestsInFlight).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(bodies).toHaveLength(2);
    expect(socket.requestsInFlight).toBe(0);
    socket.end();
  });
});
