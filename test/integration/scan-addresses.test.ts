// The scanner against servers of this test's own on loopback, named by a DNS responder of its own:
// every address of a target probed and the worst graded (127.0.0.1 good, ::1 weaker), the fallback
// target scanned when only _xmpps-* records exist, and a server that demands a client certificate
// (direct TLS 1.3 and STARTTLS TLS 1.2) reported with the certificate it presented.
import type dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainReport, TargetReport } from '../../src/core/report.ts';
import { scanDomain } from '../../src/observatory/scan/scan-domain.ts';
import type { ScanOptions } from '../../src/observatory/scan/types.ts';
import { type DnsResponder, startDnsResponder, type ZoneEntry } from '../support/dns-responder.ts';
import { issue, makeCa, makeChain } from '../support/pki.ts';
import { startXmppTlsServer, type XmppTlsServer } from '../support/xmpp-tls-server.ts';

// 127.0.0.0/8 is all loopback: an address of our own for the fallback on the fixed port 5222.
const FALLBACK_ADDRESS = '127.0.9.1';

// AEAD suites only on TLS 1.2, so the good servers are graded A (CBC would cap them at A-).
const AEAD = 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305';

const servers: XmppTlsServer[] = [];
let dns: DnsResponder;
let options: ScanOptions;

const srv = (name: string, port: number, target: string): ZoneEntry => ({
  answers: [{ type: 'SRV', name, data: { priority: 0, weight: 5, port, target } } as dnsPacket.Answer],
});
const a = (name: string, address: string): ZoneEntry => ({
  answers: [{ type: 'A', name, data: address } as dnsPacket.Answer],
});
const aaaa = (name: string, address: string): ZoneEntry => ({
  answers: [{ type: 'AAAA', name, data: address } as dnsPacket.Answer],
});
const none: ZoneEntry = { answers: [] };
/** SRV "." : no s2s service, so each domain's test is about c2s alone. */
const noService = (name: string): ZoneEntry => srv(name, 0, '.');

async function serve(o: Parameters<typeof startXmppTlsServer>[0]): Promise<XmppTlsServer> {
  const s = await startXmppTlsServer(o);
  servers.push(s);
  return s;
}

beforeAll(async () => {
  const dual = await makeChain('dual.test');
  const selfSigned = await issue(null, { subject: 'CN=dual.test', dnsNames: ['dual.test'] });
  const xonly = await makeChain('xonly.test');
  const demand = await makeChain('demand.test');
  const clientCa = await makeCa('CN=Some Other Client CA');
  const good = { key: dual.leaf.keyPem, cert: dual.leaf.pem + dual.intermediate.pem };

  // dual.test: one SRV target with an A record on a good server and an AAAA ::1 on a weaker one, same port.
  const v4 = await serve({
    host: '127.0.0.1',
    domain: 'dual.test',
    service: 'c2s',
    directTls: false,
    tls: { ...good, minVersion: 'TLSv1.2', ciphers: AEAD },
  });
  await serve({
    host: '::1',
    port: v4.port,
    domain: 'dual.test',
    service: 'c2s',
    directTls: false,
    tls: {
      key: selfSigned.keyPem,
      cert: selfSigned.pem,
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.2',
      ciphers: 'DEFAULT@SECLEVEL=0',
    },
  });

  // xonly.test: only _xmpps-client; the fallback xonly.test:5222 is a STARTTLS server of its own.
  const xonlyTls = {
    key: xonly.leaf.keyPem,
    cert: xonly.leaf.pem + xonly.intermediate.pem,
    minVersion: 'TLSv1.2' as const,
    ciphers: AEAD,
  };
  const direct = await serve({
    host: '127.0.0.1',
    domain: 'xonly.test',
    service: 'c2s',
    directTls: true,
    tls: xonlyTls,
  });
  await serve({
    host: FALLBACK_ADDRESS,
    port: 5222,
    domain: 'xonly.test',
    service: 'c2s',
    directTls: false,
    tls: xonlyTls,
  });

  // demand.test: both listeners refuse a client without a certificate of clientCa.
  const demandTls = {
    key: demand.leaf.keyPem,
    cert: demand.leaf.pem + demand.intermediate.pem,
    ca: [clientCa.pem],
    requestCert: true,
    rejectUnauthorized: true,
  };
  const demandDirect = await serve({
    host: '127.0.0.1',
    domain: 'demand.test',
    service: 'c2s',
    directTls: true,
    tls: { ...demandTls, minVersion: 'TLSv1.3' },
  });
  const demandStarttls = await serve({
    host: '127.0.0.1',
    domain: 'demand.test',
    service: 'c2s',
    directTls: false,
    tls: { ...demandTls, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' },
  });

  dns = await startDnsResponder({
    'SOA .': { ad: true, answers: [] },
    'SRV _xmpp-client._tcp.dual.test': srv('_xmpp-client._tcp.dual.test', v4.port, 'xmpp.dual.test'),
    'SRV _xmpps-client._tcp.dual.test': none,
    'SRV _xmpp-server._tcp.dual.test': noService('_xmpp-server._tcp.dual.test'),
    'SRV _xmpps-server._tcp.dual.test': none,
    'A xmpp.dual.test': a('xmpp.dual.test', '127.0.0.1'),
    'AAAA xmpp.dual.test': aaaa('xmpp.dual.test', '::1'),

    'SRV _xmpp-client._tcp.many.test': srv('_xmpp-client._tcp.many.test', v4.port, 'xmpp.many.test'),
    'SRV _xmpps-client._tcp.many.test': none,
    'SRV _xmpp-server._tcp.many.test': noService('_xmpp-server._tcp.many.test'),
    'SRV _xmpps-server._tcp.many.test': none,
    'A xmpp.many.test': {
      answers: [1, 2, 3, 4, 5].map(
        (i) => ({ type: 'A', name: 'xmpp.many.test', data: `127.0.8.${i}` }) as dnsPacket.Answer,
      ),
    },
    'AAAA xmpp.many.test': none,

    'SRV _xmpp-client._tcp.xonly.test': none,
    'SRV _xmpps-client._tcp.xonly.test': srv('_xmpps-client._tcp.xonly.test', direct.port, 'tls.xonly.test'),
    'SRV _xmpp-server._tcp.xonly.test': noService('_xmpp-server._tcp.xonly.test'),
    'SRV _xmpps-server._tcp.xonly.test': none,
    'A tls.xonly.test': a('tls.xonly.test', '127.0.0.1'),
    'AAAA tls.xonly.test': none,
    'A xonly.test': a('xonly.test', FALLBACK_ADDRESS),
    'AAAA xonly.test': none,

    'SRV _xmpp-client._tcp.demand.test': srv(
      '_xmpp-client._tcp.demand.test',
      demandStarttls.port,
      'xmpp.demand.test',
    ),
    'SRV _xmpps-client._tcp.demand.test': srv(
      '_xmpps-client._tcp.demand.test',
      demandDirect.port,
      'xmpp.demand.test',
    ),
    'SRV _xmpp-server._tcp.demand.test': noService('_xmpp-server._tcp.demand.test'),
    'SRV _xmpps-server._tcp.demand.test': none,
    'A xmpp.demand.test': a('xmpp.demand.test', '127.0.0.1'),
    'AAAA xmpp.demand.test': none,
  });
  options = {
    resolver: { host: dns.host, port: dns.port },
    extraCa: [dual.root.pem, xonly.root.pem, demand.root.pem],
    allowPrivate: true,
    timeoutMs: 3000,
    perHostConcurrency: 4,
  };
}, 60_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await dns?.close();
});

const c2sTargets = (r: DomainReport): TargetReport[] => r.services.c2s.targets;

describe('every address of every target', () => {
  it('probes 127.0.0.1 and ::1 of one SRV target, grades the worst and reports what differs', async () => {
    const report = await scanDomain('dual.test', options);
    expect(report.reportVersion).toBe(2);
    expect(report.resolver).toMatchObject({ probeName: '.', validates: true });
    const targets = c2sTargets(report);
    expect(targets.map((t) => [t.host, t.address, t.status])).toEqual([
      ['xmpp.dual.test', '127.0.0.1', 'ok'],
      ['xmpp.dual.test', '::1', 'ok'],
    ]);
    const [v4, v6] = targets as [TargetReport, TargetReport];
    expect(v4.tls?.versions).toEqual(['TLSv1.2', 'TLSv1.3']);
    expect(v6.tls?.versions).toEqual(['TLSv1.0', 'TLSv1.1', 'TLSv1.2']);
    expect(v4.certificate?.trusted).toBe(true);
    expect(v6.certificate?.selfSigned).toBe(true);
    expect(v4.grade).toBe('A');
    // TLS 1.0/1.1 cap it at B, and a self-signed certificate makes it T (B).
    expect(v6.grade).toBe('T');
    expect(v6.gradeIfTrusted).toBe('B');
    expect(report.services.c2s.grade).toBe('T');
    expect(report.services.c2s.gradeIfTrusted).toBe('B');
    expect(report.services.c2s.tlsVersions).toEqual(['TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);

    const differ = report.services.c2s.findings.find((f) => f.code === 'target.addresses-differ');
    expect(differ?.target).toBe(`xmpp.dual.test:${v4.port}`);
    expect(differ?.message).toContain(
      'TLS versions (127.0.0.1: TLSv1.2, TLSv1.3; ::1: TLSv1.0, TLSv1.1, TLSv1.2)',
    );
    expect(differ?.message).toContain('certificate (127.0.0.1: SHA-256');
    expect(differ?.message).toMatch(/cipher suites \(/);
    // The weak address's own findings name it, so the page and the text report tell them apart.
    expect(v6.findings.some((f) => f.target === `xmpp.dual.test:${v4.port} [::1]`)).toBe(true);
  });
});

describe('the address cap', () => {
  it('probes the first 4 addresses of a host with 5 and names the rest in a finding', async () => {
    const report = await scanDomain('many.test', options);
    const targets = c2sTargets(report);
    // Nothing listens on 127.0.8.x: each address is its own refused entry, and the service does not exist.
    expect(targets.map((t) => [t.address, t.failure])).toEqual(
      [1, 2, 3, 4].map((i) => [`127.0.8.${i}`, 'refused']),
    );
    const capped = report.services.c2s.findings.find((f) => f.code === 'target.too-many-addresses');
    expect(capped?.message).toContain('xmpp.many.test has 5 addresses; the first 4 were scanned');
    expect(report.services.c2s.grade).toBeNull();
  });
});

describe('fallback when only _xmpps-* records exist', () => {
  it('scans the direct-TLS target and the domain on 5222', async () => {
    const report = await scanDomain('xonly.test', options);
    const targets = c2sTargets(report);
    expect(
      targets.map((t) => [
        t.host,
        t.port === 5222 ? 5222 : 'srv',
        t.directTls,
        t.source,
        t.address,
        t.status,
      ]),
    ).toEqual([
      ['tls.xonly.test', 'srv', true, 'srv', '127.0.0.1', 'ok'],
      ['xonly.test', 5222, false, 'fallback', FALLBACK_ADDRESS, 'ok'],
    ]);
    expect(targets[1]?.stream?.starttls).toBe('required');
    expect(targets[1]?.tls?.versions).toEqual(['TLSv1.2', 'TLSv1.3']);
    expect(report.services.c2s.findings.map((f) => f.code)).toContain('dns.srv.direct-tls-only');
    expect(report.services.c2s.grade).toBe('A');
  });
});

describe('a server that demands a client certificate', () => {
  it('is reported as such, with the certificate it presented, over direct TLS 1.3 and STARTTLS TLS 1.2', async () => {
    const report = await scanDomain('demand.test', options);
    const targets = c2sTargets(report);
    expect(targets).toHaveLength(2);
    for (const t of targets) {
      expect(t.status).toBe('ok');
      expect(t.stream?.demandsClientCertificate).toBe(true);
      expect(t.certificate?.chain[0]?.subject).toContain('demand.test');
      expect(t.certificate?.trusted).toBe(true);
      expect(t.certificate?.identity.matches).toBe(true);
      expect(t.findings.map((f) => f.code)).toContain('tls.client-certificate-demanded');
      expect(t.findings.map((f) => f.code)).not.toContain('cert.none');
      expect(t.grade).not.toBeNull();
    }
    const versions = targets.map((t) => [t.directTls, t.tls?.versions]);
    expect(versions).toEqual(
      expect.arrayContaining([
        [true, ['TLSv1.3']],
        [false, ['TLSv1.2']],
      ]),
    );
  });
});
