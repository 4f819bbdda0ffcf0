// A whole-domain scan whose SRV records point at hostile servers: the scan must end within its
// budget, give each target its own clear error, keep the healthy facts it could gather, stay within
// bounded memory, and never crash the process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainReport, TargetReport } from '../../src/core/report.ts';
import { scanDomain } from '../../src/observatory/scan/scan-domain.ts';
import { type DnsResponder, startDnsResponder } from '../support/dns-responder.ts';
import {
  features,
  PROCEED,
  type ResponderScript,
  serverHeader,
  startXmppResponder,
  type XmppResponder,
} from '../support/xmpp-responder.ts';

const DOMAIN = 'hostile.test';
const TIMEOUT_MS = 500;
const clientHeader = /<stream:stream[^>]*>/;

/** Answers the stream header with STARTTLS required, sends <proceed/>, then runs `tls` on the raw socket. */
const afterProceed =
  (tls: (c: Parameters<ResponderScript>[0]) => Promise<void> | void): ResponderScript =>
  async (c) => {
    await c.waitFor(clientHeader);
    c.write(serverHeader('c2s', DOMAIN) + features({ starttls: 'required' }));
    await c.waitFor(/<starttls[^>]*\/>/);
    c.write(PROCEED);
    c.received = '';
    await tls(c);
  };
/** The first byte of a TLS handshake record (content type 22), as the responder's latin1 text. */
const CLIENT_HELLO = new RegExp(`^${String.fromCharCode(22)}`);

// A TLS handshake record whose ServerHello claims more bytes than the record holds.
const MALFORMED_SERVER_HELLO = Buffer.from('160303000a020000ff0303aabbccdd', 'hex');
// A record header announcing 80 bytes, of which only 6 come before the close.
const TRUNCATED_SERVER_HELLO = Buffer.from('1603030050020000460303', 'hex');

const SCRIPTS: Record<string, ResponderScript> = {
  silent: () => {},
  drip: async (c) => {
    await c.waitFor(clientHeader);
    await c.drip(serverHeader('c2s', DOMAIN) + features({ starttls: 'required' }), 200);
  },
  'endless-features': async (c) => {
    await c.waitFor(clientHeader);
    c.write(`${serverHeader('c2s', DOMAIN)}<stream:features>`);
    await c.flood("<x xmlns='urn:example:junk'>padding padding padding</x>", 16 * 1024 * 1024);
  },
  doctype: async (c) => {
    await c.waitFor(clientHeader);
    c.write(
      `<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>` +
        `<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>&lol2;`,
    );
  },
  'close-mid-stream': async (c) => {
    await c.waitFor(clientHeader);
    c.write(`${serverHeader('c2s', DOMAIN)}<stream:feat`);
    c.destroy();
  },
  'malformed-hello': afterProceed(async (c) => {
    await c.waitFor(CLIENT_HELLO);
    c.write(MALFORMED_SERVER_HELLO);
  }),
  'truncated-hello': afterProceed(async (c) => {
    await c.waitFor(CLIENT_HELLO);
    c.write(TRUNCATED_SERVER_HELLO);
    c.destroy();
  }),
  'close-mid-handshake': afterProceed(async (c) => {
    await c.waitFor(CLIENT_HELLO);
    c.destroy();
  }),
};

let dns: DnsResponder;
const responders = new Map<string, XmppResponder>();
let report: DomainReport;
let heapGrowth = 0;

beforeAll(async () => {
  for (const [name, script] of Object.entries(SCRIPTS))
    responders.set(name, await startXmppResponder(script));
  const srv = [...responders].map(([name, r], i) => ({
    type: 'SRV' as const,
    name: `_xmpp-client._tcp.${DOMAIN}`,
    ttl: 60,
    data: { priority: i, weight: 0, port: r.port, target: `${name}.${DOMAIN}` },
  }));
  const zone: Parameters<typeof startDnsResponder>[0] = {
    [`SRV _xmpp-client._tcp.${DOMAIN}`]: { answers: srv },
    // s2s: the single fallback target on 5269 of an address where nothing listens.
    [`A ${DOMAIN}`]: { answers: [{ type: 'A', name: DOMAIN, ttl: 60, data: '127.0.0.1' }] },
    [`AAAA ${DOMAIN}`]: { answers: [] },
  };
  for (const name of responders.keys()) {
    const host = `${name}.${DOMAIN}`;
    zone[`A ${host}`] = { answers: [{ type: 'A', name: host, ttl: 60, data: '127.0.0.1' }] };
    zone[`AAAA ${host}`] = { answers: [] };
  }
  dns = await startDnsResponder(zone);
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  report = await scanDomain(DOMAIN, {
    resolver: { host: dns.host, port: dns.port },
    extraCa: [],
    allowPrivate: true,
    timeoutMs: TIMEOUT_MS,
    perHostConcurrency: 2,
  });
  heapGrowth = process.memoryUsage().heapUsed - before;
}, 60_000);

afterAll(async () => {
  for (const r of responders.values()) await r.close();
  await dns?.close();
});

function target(name: string): TargetReport {
  const found = report.services.c2s.targets.find((t) => t.host === `${name}.${DOMAIN}`);
  if (!found) throw new Error(`no target ${name} in the report`);
  return found;
}

describe('scanning a domain of hostile servers', () => {
  it('ends with a report that lists every target', () => {
    expect(report.domain).toBe(DOMAIN);
    expect(report.services.c2s.targets).toHaveLength(Object.keys(SCRIPTS).length);
  });

  it.each([
    ['silent', /stream header within 500 ms/],
    ['drip', /within 500 ms/],
    ['endless-features', /too (large|long|deep)|exceed|limit/i],
    ['doctype', /DOCTYPE|entit/i],
    ['close-mid-stream', /closed/i],
  ])('the %s server: the target fails with a clear stream error', (name, message) => {
    const t = target(name);
    expect(t.status).toBe('error');
    expect(t.error).toMatch(message);
    expect(t.findings.map((f) => f.code)).toContain('target.unreachable');
  });

  it.each([
    ['malformed-hello', /malformed|length|parse|protocol|invalid/i],
    ['truncated-hello', /truncat|closed|incomplete|ended/i],
    ['close-mid-handshake', /closed|ended|reset|handshake/i],
  ])('the %s server: the stream facts stay, TLS fails with a clear finding', (name, message) => {
    const t = target(name);
    expect(t.stream?.starttls).toBe('required');
    expect(t.tls).toBeNull();
    const tlsFinding = t.findings.find((f) => f.code === 'tls.handshake-failed');
    expect(tlsFinding?.message).toMatch(message);
  });

  it('grades nothing it could not measure, and says why', () => {
    expect(report.services.c2s.grade).toBeNull();
    expect(report.services.c2s.findings.map((f) => f.code)).toContain('service.unreachable');
    expect(report.services.s2s.targets[0]).toMatchObject({ source: 'fallback', port: 5269, status: 'error' });
  });

  it('keeps memory bounded although one server sent megabytes of features', () => {
    expect(heapGrowth).toBeLessThan(64 * 1024 * 1024);
  });
});
