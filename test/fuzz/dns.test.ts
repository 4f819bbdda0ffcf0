// Fuzzing of the DNS client's reading of answers, through its real sockets: a server on loopback answers
// every query with records of every kind (the asked type, others, odd names, lying lengths) encoded for
// that query and then mutated, over UDP and, when the answer says it was truncated, over TCP.
import { isIP } from 'node:net';
import dnsPacket from 'dns-packet';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverTargets } from '../../src/observatory/scan/discovery.ts';
import {
  DnsError,
  type DnsOptions,
  normaliseName,
  queryAddresses,
  querySrv,
  queryTlsa,
} from '../../src/observatory/scan/dns.ts';
import { fuzzAsync } from './support/harness.ts';
import { type HostileDns, type Query, startHostileDns } from './support/hostile-dns.ts';
import { type Mutation, mutations, oddText } from './support/mutate.ts';

let dns: HostileDns;
beforeAll(async () => {
  dns = await startHostileDns();
});
afterAll(() => dns.close());

const opts = (): DnsOptions => ({
  resolver: { host: dns.host, port: dns.port },
  timeoutMs: 2000,
  retries: 0,
});

const u16 = fc.integer({ min: 0, max: 0xffff });
const hostname = fc.oneof(
  { weight: 4, arbitrary: fc.domain() },
  { weight: 1, arbitrary: fc.constantFrom('.', '', 'a..b', '*.example.org', `${'a'.repeat(63)}.example`) },
  { weight: 1, arbitrary: oddText },
);

// One record: owner is the question (most of the time) or another name; rdata of its own type.
type RecordSpec = (q: Query) => dnsPacket.Answer;
const record: fc.Arbitrary<RecordSpec> = fc
  .tuple(
    fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: hostname }),
    fc.oneof(
      fc
        .record({ priority: u16, weight: u16, port: u16, target: hostname })
        .map((data) => ({ type: 'SRV' as const, data })),
      fc.ipV4().map((data) => ({ type: 'A' as const, data })),
      fc.ipV6().map((data) => ({ type: 'AAAA' as const, data })),
      fc
        .record({
          usage: fc.integer({ min: 0, max: 255 }),
          selector: fc.integer({ min: 0, max: 255 }),
          matchingType: fc.integer({ min: 0, max: 255 }),
          certificate: fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b)),
        })
        .map((data) => ({ type: 'TLSA' as const, data })),
      hostname.map((data) => ({ type: 'CNAME' as const, data })),
      fc
        .array(fc.string({ maxLength: 40 }), { maxLength: 3 })
        .map((data) => ({ type: 'TXT' as const, data })),
    ),
  )
  .map(
    ([owner, rr]) =>
      (q: Query) =>
        ({ name: owner ?? q.name, ttl: 60, ...rr }) as dnsPacket.Answer,
  );

interface Answer {
  records: RecordSpec[];
  rcode: number;
  ad: boolean;
  tc: boolean;
  mutate: Mutation;
  keepId: boolean;
}

const answer: fc.Arbitrary<Answer> = fc.record({
  records: fc.array(record, { maxLength: 12 }),
  rcode: fc.oneof(
    { weight: 5, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 15 }) },
  ),
  ad: fc.boolean(),
  tc: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  mutate: mutations,
  keepId: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
});

/** The answer's bytes for this query: encoded (records dns-packet cannot encode are left out), mutated. */
function bytesFor(a: Answer, q: Query): Uint8Array {
  const flags =
    dnsPacket.RECURSION_AVAILABLE |
    (a.ad ? dnsPacket.AUTHENTIC_DATA : 0) |
    (a.tc ? dnsPacket.TRUNCATED_RESPONSE : 0) |
    a.rcode;
  const answers = a.records.map((r) => r(q)).filter((rr) => encodable(rr));
  const valid = dnsPacket.encode({
    type: 'response',
    id: q.id,
    flags,
    questions: [{ name: q.name, type: q.type as dnsPacket.RecordType }],
    answers,
  });
  const out = Uint8Array.from(a.mutate(valid));
  // Keep the id most of the time, or nearly every mutated answer would be ignored unread.
  if (a.keepId && out.length >= 2) {
    out[0] = q.id >> 8;
    out[1] = q.id & 0xff;
  }
  return out;
}

function encodable(rr: dnsPacket.Answer): boolean {
  try {
    dnsPacket.encode({ type: 'response', answers: [rr] });
    return true;
  } catch {
    return false;
  }
}

const hostileCase = fc.record({
  udp: answer,
  // Over TCP: an answer, or a closed connection; sometimes a length prefix that lies.
  tcp: fc.option(answer, { nil: null }),
  tcpLength: fc.option(u16, { nil: undefined }),
});

const call = fc.oneof(
  fc.constant('SRV' as const),
  fc.constant('TLSA' as const),
  fc.constant('addresses' as const),
  fc.constantFrom('discover-c2s', 'discover-s2s' as const),
);

const NAME = 'fuzz.example.org';

async function settle<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof DnsError) {
      expect(err.message.length, err.message).toBeLessThan(600);
      return null;
    }
    throw new Error(`rejected with something other than DnsError: ${String(err)}`, { cause: err });
  }
}

describe('fuzz: DNS answers', () => {
  it('every query settles with records of the asked type or a DnsError', async () => {
    await fuzzAsync('dns.answers', fc.tuple(hostileCase, call), async ([c, what]) => {
      dns.use({
        udp: (q) => bytesFor(c.udp, q),
        tcp: (q) => (c.tcp ? bytesFor(c.tcp, q) : null),
        ...(c.tcpLength === undefined ? {} : { tcpLength: c.tcpLength }),
      });
      switch (what) {
        case 'SRV': {
          const r = await settle(querySrv(`_xmpp-client._tcp.${NAME}`, opts()));
          for (const srv of r?.records ?? []) {
            expect(srv.port).toBeGreaterThanOrEqual(0);
            expect(srv.port).toBeLessThanOrEqual(0xffff);
            expect(typeof srv.target).toBe('string');
          }
          break;
        }
        case 'TLSA': {
          const r = await settle(queryTlsa(`_5222._tcp.${NAME}`, opts()));
          for (const t of r?.records ?? []) {
            for (const n of [t.usage, t.selector, t.matchingType]) expect(n).toBeLessThanOrEqual(255);
            expect(t.data.length).toBeLessThan(65_536);
          }
          break;
        }
        case 'addresses': {
          const r = await settle(queryAddresses(NAME, opts()));
          // Only IP addresses go on to the address policy and to connect().
          for (const address of r?.addresses ?? []) expect(isIP(address), address).not.toBe(0);
          break;
        }
        default: {
          const service = what === 'discover-c2s' ? 'c2s' : 's2s';
          const r = await settle(discoverTargets(NAME, service, opts()));
          for (const t of r?.targets ?? []) {
            expect(t.port).toBeGreaterThan(0);
            expect(t.port).toBeLessThanOrEqual(0xffff);
            expect(t.host.length).toBeGreaterThan(0);
          }
        }
      }
    });
  });

  it('normaliseName: a DNS name or its own error, idempotent', async () => {
    await fuzzAsync('dns.normalise-name', fc.oneof(hostname, fc.string({ maxLength: 300 })), async (name) => {
      let n: string;
      try {
        n = normaliseName(name);
      } catch (err) {
        expect((err as Error).message).toMatch(/^invalid DNS name: /);
        return;
      }
      expect(normaliseName(n)).toBe(n);
      expect(n.length).toBeLessThanOrEqual(253);
    });
  });
});

// Answers that once broke the client, kept as they were found.
describe('regressions: DNS answers', () => {
  it('an A record with 3 bytes of rdata is no address (dns-packet read it as "192.0.2.undefined")', async () => {
    // The string went on to the address policy, which threw on it and failed the whole scan, or with
    // --allow-private to connect(), which would have looked it up through the system resolver.
    dns.use({
      udp: (q) => {
        const whole = dnsPacket.encode({
          type: 'response',
          id: q.id,
          flags: dnsPacket.RECURSION_AVAILABLE,
          questions: [{ name: q.name, type: q.type as dnsPacket.RecordType }],
          answers: q.type === 'A' ? [{ type: 'A', name: q.name, ttl: 60, data: '192.0.2.1' }] : [],
        });
        if (q.type !== 'A') return whole;
        const short = Buffer.from(whole.subarray(0, whole.length - 1));
        short.writeUInt16BE(3, short.length - 5);
        return short;
      },
      tcp: () => null,
    });
    const r = await queryAddresses(NAME, opts());
    expect(r.addresses).toEqual([]);
  });
});
