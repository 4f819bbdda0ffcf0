import type dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DnsResponder, startDnsResponder } from '../../../test/support/dns-responder.ts';
import { discoverTargets } from './discovery.ts';
import {
  DnsError,
  normaliseName,
  queryAddresses,
  querySrv,
  queryTlsa,
  queryTlsaForTarget,
  systemResolverFromResolvConf,
} from './dns.ts';
import { checkResolver, resolverFindings } from './resolver-check.ts';

const srv = (
  name: string,
  priority: number,
  weight: number,
  port: number,
  target: string,
): dnsPacket.Answer => ({
  type: 'SRV',
  name,
  ttl: 60,
  data: { priority, weight, port, target },
});

let dns: DnsResponder;
const opts = () => ({ resolver: { host: dns.host, port: dns.port }, timeoutMs: 300, retries: 1 });

beforeAll(async () => {
  dns = await startDnsResponder({
    'SRV _xmpp-client._tcp.multi.test': {
      ad: true,
      answers: [
        srv('_xmpp-client._tcp.multi.test', 10, 5, 5222, 'b.multi.test.'),
        srv('_xmpp-client._tcp.multi.test', 5, 0, 5222, 'a.multi.test.'),
        srv('_xmpp-client._tcp.multi.test', 10, 50, 5222, 'C.Multi.Test'),
        srv('_xmpp-client._tcp.multi.test', 10, 50, 5222, 'c.multi.test'),
      ],
    },
    'SRV _xmpps-client._tcp.multi.test': {
      ad: true,
      answers: [srv('_xmpps-client._tcp.multi.test', 1, 0, 5223, 'a.multi.test')],
    },
    'SRV _xmpp-server._tcp.multi.test': {
      ad: false,
      answers: [srv('_xmpp-server._tcp.multi.test', 0, 0, 5269, 's.multi.test')],
    },
    'SRV _xmpps-server._tcp.multi.test': { rcode: 'NOERROR', ad: true, answers: [] },
    'SRV _xmpp-client._tcp.none.test': { rcode: 'NXDOMAIN', ad: true },
    'SRV _xmpps-client._tcp.none.test': { rcode: 'NXDOMAIN', ad: true },
    'SRV _xmpp-server._tcp.dot.test': { answers: [srv('_xmpp-server._tcp.dot.test', 0, 0, 0, '.')] },
    'SRV _xmpps-server._tcp.dot.test': { rcode: 'NXDOMAIN' },
    'SRV _xmpp-client._tcp.broken.test': { rcode: 'SERVFAIL' },
    'SRV _xmpps-client._tcp.broken.test': { rcode: 'NXDOMAIN' },
    'SRV _xmpp-client._tcp.big.test': {
      truncateUdp: true,
      ad: true,
      answers: [srv('_xmpp-client._tcp.big.test', 0, 0, 5222, 'xmpp.big.test')],
    },
    'SRV _xmpp-client._tcp.silent.test': { silent: true },
    'SRV _xmpp-client._tcp.xonly.test': { rcode: 'NXDOMAIN' },
    'SRV _xmpps-client._tcp.xonly.test': {
      answers: [srv('_xmpps-client._tcp.xonly.test', 0, 0, 443, 'tls.xonly.test')],
    },
    'SOA .': { ad: true },
    'SOA unsigned.test': { ad: false },
    'TLSA _5222._tcp.broken.test': { rcode: 'SERVFAIL' },
    'A host.test': { ad: true, answers: [{ type: 'A', name: 'host.test', ttl: 60, data: '192.0.2.1' }] },
    'AAAA host.test': {
      ad: true,
      answers: [{ type: 'AAAA', name: 'host.test', ttl: 60, data: '2001:db8::1' }],
    },
    'A v4only.test': { ad: false, answers: [{ type: 'A', name: 'v4only.test', ttl: 60, data: '192.0.2.2' }] },
    'AAAA v4only.test': { ad: false, answers: [] },
    'TLSA _5269._tcp.host.test': {
      ad: true,
      answers: [
        {
          type: 'TLSA',
          name: '_5269._tcp.host.test',
          ttl: 60,
          data: { usage: 3, selector: 1, matchingType: 1, certificate: Buffer.alloc(32, 0xab) },
        },
      ],
    },
  });
});
afterAll(async () => {
  await dns.close();
});

describe('queries', () => {
  it('asks with RD, AD and the EDNS DO bit', async () => {
    await querySrv('_xmpp-server._tcp.multi.test', opts());
    const q = dns.log.find((l) => l.name === '_xmpp-server._tcp.multi.test');
    expect(q?.edns).toBe(true);
    expect(q?.dnssecOk).toBe(true);
    expect((q?.flags ?? 0) & 0x20).toBe(0x20); // AD in the query
  });

  it('reads SRV records and the AD bit', async () => {
    const a = await querySrv('_xmpp-client._tcp.multi.test', opts());
    expect(a.dnssec).toBe(true);
    expect(a.records).toContainEqual({ priority: 5, weight: 0, port: 5222, target: 'a.multi.test' });
    const b = await querySrv('_xmpp-server._tcp.multi.test', opts());
    expect(b.dnssec).toBe(false);
  });

  it('reads A and AAAA together', async () => {
    const a = await queryAddresses('host.test', opts());
    expect(a.records).toEqual(['192.0.2.1', '2001:db8::1']);
    expect(a.dnssec).toBe(true);
    const b = await queryAddresses('v4only.test', opts());
    expect(b.records).toEqual(['192.0.2.2']);
    expect(b.dnssec).toBe(false);
  });

  it('reads TLSA records', async () => {
    const a = await queryTlsa('_5269._tcp.host.test', opts());
    expect(a.dnssec).toBe(true);
    expect(a.records[0]).toMatchObject({ usage: 3, selector: 1, matchingType: 1 });
    expect(a.records[0]?.data).toEqual(new Uint8Array(32).fill(0xab));
  });

  it('reads the TLSA RRset of a target; a missing name is an empty answer', async () => {
    const a = await queryTlsaForTarget('Host.test.', 5269, opts());
    expect(a.name).toBe('_5269._tcp.host.test');
    expect(a.records).toHaveLength(1);
    const none = await queryTlsaForTarget('host.test', 5222, opts());
    expect(none).toEqual({ name: '_5222._tcp.host.test', records: [], dnssec: false });
    await expect(queryTlsaForTarget('broken.test', 5222, opts())).rejects.toMatchObject({ code: 'SERVFAIL' });
  });

  it('retries over TCP when the UDP answer is truncated', async () => {
    const a = await querySrv('_xmpp-client._tcp.big.test', opts());
    expect(a.records).toEqual([{ priority: 0, weight: 0, port: 5222, target: 'xmpp.big.test' }]);
    expect(dns.log.filter((l) => l.name === '_xmpp-client._tcp.big.test').map((l) => l.transport)).toEqual([
      'udp',
      'tcp',
    ]);
  });

  it('tells NXDOMAIN, SERVFAIL and timeout apart', async () => {
    await expect(querySrv('_xmpp-client._tcp.none.test', opts())).rejects.toMatchObject({
      code: 'NXDOMAIN',
      dnssec: true,
    });
    await expect(querySrv('_xmpp-client._tcp.broken.test', opts())).rejects.toMatchObject({
      code: 'SERVFAIL',
    });
    const err = await querySrv('_xmpp-client._tcp.silent.test', opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DnsError);
    expect((err as DnsError).code).toBe('TIMEOUT');
    expect((err as DnsError).message).toMatch(/after 2 attempts/);
    expect(dns.log.filter((l) => l.name === '_xmpp-client._tcp.silent.test')).toHaveLength(2);
  });

  it('stops at once when aborted', async () => {
    const ac = new AbortController();
    const p = querySrv('_xmpp-client._tcp.silent.test', { ...opts(), timeoutMs: 60_000, signal: ac.signal });
    ac.abort();
    await expect(p).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('rejects invalid names with a clear error', async () => {
    await expect(querySrv('bad name.test', opts())).rejects.toThrow(/invalid DNS name/);
    expect(() => normaliseName('')).toThrow(/invalid DNS name/);
    expect(() => normaliseName(`${'a'.repeat(64)}.test`)).toThrow(/invalid DNS name/);
    expect(normaliseName('Example.ORG.')).toBe('example.org');
  });

  it('reads the resolver from resolv.conf text', () => {
    expect(
      systemResolverFromResolvConf('# x\nsearch lan\nnameserver 127.0.0.53\nnameserver 1.1.1.1\n'),
    ).toEqual({
      host: '127.0.0.53',
      port: 53,
    });
    expect(() => systemResolverFromResolvConf('search lan\n')).toThrow(/no usable nameserver/);
  });
});

describe('checkResolver', () => {
  it('tells a resolver that sets AD on a signed name from one that does not, and one that fails', async () => {
    await expect(checkResolver('.', opts())).resolves.toMatchObject({ validates: true, probeName: '.' });
    const plain = await checkResolver('unsigned.test', opts());
    expect(plain).toMatchObject({ resolver: `${dns.host}:${dns.port}`, validates: false, error: null });
    expect(resolverFindings(plain).map((f) => [f.code, f.severity])).toEqual([
      ['dns.resolver.not-validating', 'medium'],
    ]);
    const failed = await checkResolver('missing.test', opts());
    expect(failed.validates).toBeNull();
    expect(failed.error).toMatch(/NXDOMAIN/);
    expect(resolverFindings(failed).map((f) => f.code)).toEqual(['dns.resolver.unchecked']);
    expect(dns.log.find((l) => l.type === 'SOA' && l.name === '.')?.dnssecOk).toBe(true);
  });
});

describe('discoverTargets', () => {
  it('merges STARTTLS and direct TLS records by priority and weight, deduplicated', async () => {
    const r = await discoverTargets('multi.test', 'c2s', opts());
    expect(r.targets.map((t) => `${t.host}:${t.port}:${t.directTls ? 'tls' : 'starttls'}`)).toEqual([
      'a.multi.test:5223:tls',
      'a.multi.test:5222:starttls',
      'c.multi.test:5222:starttls',
      'b.multi.test:5222:starttls',
    ]);
    expect(r.targets[0]).toMatchObject({ service: 'c2s', source: 'srv', priority: 1, weight: 0 });
    expect(r.dnssec).toBe(true);
    expect(r.findings).toEqual([]);
  });

  it('reports dnssec false when one answer was not validated', async () => {
    const r = await discoverTargets('multi.test', 's2s', opts());
    expect(r.targets).toHaveLength(1);
    expect(r.dnssec).toBe(false);
  });

  it('falls back to the domain on the standard port without SRV', async () => {
    const r = await discoverTargets('none.test', 'c2s', opts());
    expect(r.targets).toEqual([
      {
        service: 'c2s',
        host: 'none.test',
        port: 5222,
        directTls: false,
        source: 'fallback',
        priority: null,
        weight: null,
      },
    ]);
    expect(r.findings.map((f) => f.code)).toEqual(['dns.srv.none']);
  });

  it('also falls back to the domain when only _xmpps-* records exist (legacy peers use it)', async () => {
    const r = await discoverTargets('xonly.test', 'c2s', opts());
    expect(r.targets.map((t) => [t.host, t.port, t.directTls, t.source])).toEqual([
      ['tls.xonly.test', 443, true, 'srv'],
      ['xonly.test', 5222, false, 'fallback'],
    ]);
    expect(r.findings.map((f) => f.code)).toEqual(['dns.srv.direct-tls-only']);
  });

  it('honours the "." target: service explicitly not available', async () => {
    const r = await discoverTargets('dot.test', 's2s', opts());
    expect(r.targets).toEqual([]);
    expect(r.findings.map((f) => f.code)).toEqual(['dns.srv.unavailable']);
  });

  it('reports a failing SRV lookup and still falls back', async () => {
    const r = await discoverTargets('broken.test', 'c2s', opts());
    expect(r.findings.map((f) => f.code)).toEqual(['dns.srv.failed']);
    expect(r.findings[0]?.message).toMatch(/SERVFAIL/);
    expect(r.targets.map((t) => t.source)).toEqual(['fallback']);
    expect(r.dnssec).toBe(false);
  });

  it('rejects an invalid domain', async () => {
    await expect(discoverTargets('a..b', 'c2s', opts())).rejects.toThrow(/invalid DNS name/);
  });
});
