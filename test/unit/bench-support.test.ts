// The pure helpers behind the testssl cross-check and the scan benchmark: the lab's TLS endpoint list,
// the version/suite comparison and its failure text, and the bench runner's selection.
import { describe, expect, it } from 'vitest';
import { selectBenches } from '../../bench/run.ts';
import { endpointTestsslTarget, labTlsEndpoints } from '../../bench/support/lab-tls-endpoints.ts';
import {
  compareSightings,
  describeSighting,
  sightingFromProbe,
  sightingFromTestssl,
} from '../../bench/support/tls-agreement.ts';
import type { LabDomainState, LabState } from '../../lab/state.ts';
import { lookupSuite, toCipherSuite } from '../../src/core/cipher-suites.ts';
import type { TlsResult } from '../../src/core/report.ts';
import { parseTestsslProtocols } from '../support/testssl.ts';

function domainState(address: string, certFile: string | null, direct: boolean): LabDomainState {
  return {
    address,
    c2sPort: 5222,
    s2sPort: 5269,
    c2sDirectPort: direct ? 5223 : null,
    s2sDirectPort: direct ? 5270 : null,
    httpPort: null,
    httpsPort: null,
    websocketUrl: null,
    boshUrl: null,
    websocketSecureUrl: null,
    boshSecureUrl: null,
    traits: [],
    users: [],
    certFile,
  };
}

const LAB: LabState = {
  resolver: { host: '127.0.2.6', port: 53 },
  plainResolver: { host: '127.0.2.1', port: 53 },
  caFile: '/nowhere/ca.pem',
  signedZone: { name: 'sec.test', ds: '' },
  domains: {
    'good.test': domainState('127.0.2.2', '/c/good.pem', true),
    'plain.test': domainState('127.0.2.4', null, false),
    'weak.test': domainState('127.0.2.3', '/c/weak.pem', false),
  },
  processes: [],
  startedAt: '2026-01-01T00:00:00Z',
};

function probeResult(perVersion: Record<string, number[]>): TlsResult {
  const entries = Object.entries(perVersion) as [TlsResult['versions'][number], number[]][];
  return {
    versions: entries.map(([v]) => v),
    perVersion: entries.map(([version, codes]) => ({
      version,
      suites: codes.map((c) => toCipherSuite(lookupSuite(c)!)),
    })),
    serverPreference: null,
    groups: [],
    dhBits: null,
    compression: false,
    handshakes: 7,
  };
}

describe('labTlsEndpoints', () => {
  it('lists STARTTLS c2s/s2s of every domain with a certificate, and direct TLS where the lab has it', () => {
    expect(labTlsEndpoints(LAB).map((e) => e.label)).toEqual([
      'good.test c2s 127.0.2.2:5222 starttls',
      'good.test s2s 127.0.2.2:5269 starttls',
      'good.test c2s 127.0.2.2:5223 direct',
      'good.test s2s 127.0.2.2:5270 direct',
      'weak.test c2s 127.0.2.3:5222 starttls',
      'weak.test s2s 127.0.2.3:5269 starttls',
    ]);
  });

  it('gives testssl --starttls xmpp with the domain for STARTTLS ports, nothing for direct TLS', () => {
    const [c2s, , direct] = labTlsEndpoints(LAB);
    expect(endpointTestsslTarget(c2s!)).toEqual({
      host: '127.0.2.2',
      port: 5222,
      starttls: 'xmpp',
      xmppHost: 'good.test',
    });
    expect(endpointTestsslTarget(direct!)).toEqual({ host: '127.0.2.2', port: 5223 });
  });
});

describe('compareSightings', () => {
  const testssl = sightingFromTestssl(
    parseTestsslProtocols([
      { id: 'TLS1_2', severity: 'OK', finding: 'offered' },
      { id: 'TLS1_3', severity: 'OK', finding: 'offered with final' },
      { id: 'cipher-tls1_2_xc02b', severity: 'OK', finding: 'x' },
      { id: 'cipher-tls1_2_xc02c', severity: 'OK', finding: 'x' },
      { id: 'cipher-tls1_3_x1301', severity: 'OK', finding: 'x' },
    ]),
  );

  it('agrees on the same versions and suites whatever the order', () => {
    const ours = sightingFromProbe(probeResult({ 'TLSv1.2': [0xc02c, 0xc02b], 'TLSv1.3': [0x1301] }));
    expect(compareSightings(ours, testssl)).toEqual({ agree: true, differences: [] });
  });

  it('names the version and what each side saw when a suite differs', () => {
    const ours = sightingFromProbe(probeResult({ 'TLSv1.2': [0xc02b, 0xcca9], 'TLSv1.3': [0x1301] }));
    const { agree, differences } = compareSightings(ours, testssl);
    expect(agree).toBe(false);
    expect(differences).toEqual([
      'TLSv1.2: ours offered [0xc02b 0xcca9], testssl offered [0xc02b 0xc02c]; only ours: [0xcca9]; only testssl: [0xc02c]',
    ]);
  });

  it('reports a version only one side saw', () => {
    const ours = sightingFromProbe(probeResult({ 'TLSv1.2': [0xc02b, 0xc02c] }));
    const { differences } = compareSightings(ours, testssl, 'prober', 'oracle');
    expect(differences).toEqual([
      'TLSv1.3: prober not offered [none], oracle offered [0x1301]; only prober: [none]; only oracle: [0x1301]',
    ]);
  });

  it('treats a failed probe (null) as no TLS, which disagrees with a TLS server', () => {
    const none = sightingFromProbe(null);
    expect(describeSighting(none)).toBe('no TLS');
    expect(compareSightings(none, testssl).differences).toHaveLength(2);
    expect(describeSighting(testssl)).toBe('TLSv1.2 2, TLSv1.3 1');
  });
});

describe('selectBenches', () => {
  const files = ['scan.bench.ts', 'README.md', 'api.bench.ts', 'run.ts', 'support'];

  it('runs every *.bench.ts in name order', () => {
    expect(selectBenches(files)).toEqual(['api.bench.ts', 'scan.bench.ts']);
  });

  it('picks one by stem or file name', () => {
    expect(selectBenches(files, 'scan')).toEqual(['scan.bench.ts']);
    expect(selectBenches(files, 'api.bench.ts')).toEqual(['api.bench.ts']);
  });

  it('refuses an unknown name, listing the known ones', () => {
    expect(() => selectBenches(files, 'nope')).toThrow('no benchmark "nope" in bench/ (known: api, scan)');
  });
});
