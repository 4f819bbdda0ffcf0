// Small builders of plain report values for the core's unit tests: each test states only the facts
// it is about, on top of a modern, well-configured baseline.

import type { PathInput } from '../path.ts';
import type {
  CertificateInfo,
  CertificateResult,
  CipherSuite,
  DaneResult,
  DomainReport,
  ServiceKind,
  ServiceReport,
  TargetReport,
  TlsResult,
  TlsVersion,
  TlsVersionResult,
} from '../report.ts';
import { REPORT_VERSION } from '../report.ts';
import { type DomainSummary, type ServiceSummary, SUMMARY_VERSION } from '../summary.ts';

export function suite(overrides: Partial<CipherSuite> = {}): CipherSuite {
  return {
    code: 0xc02f,
    name: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    keyExchange: 'ECDHE',
    authentication: 'RSA',
    cipher: 'AES_128_GCM',
    bits: 128,
    aead: true,
    forwardSecrecy: true,
    export: false,
    anonymous: false,
    smallBlock: false,
    rc4: false,
    ...overrides,
  };
}

/** Typical suites, named by what matters to the rubric. */
export const SUITES = {
  tls13Aes128: suite({
    code: 0x1301,
    name: 'TLS_AES_128_GCM_SHA256',
    keyExchange: 'any',
    authentication: 'any',
  }),
  tls13Aes256: suite({
    code: 0x1302,
    name: 'TLS_AES_256_GCM_SHA384',
    keyExchange: 'any',
    authentication: 'any',
    cipher: 'AES_256_GCM',
    bits: 256,
  }),
  ecdheAes128Gcm: suite(),
  ecdheAes256Gcm: suite({
    code: 0xc030,
    name: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
    cipher: 'AES_256_GCM',
    bits: 256,
  }),
  ecdheAes128Cbc: suite({
    code: 0xc013,
    name: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
    cipher: 'AES_128_CBC',
    aead: false,
  }),
  dheAes128Gcm: suite({ code: 0x009e, name: 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', keyExchange: 'DHE' }),
  rsaAes128Gcm: suite({
    code: 0x009c,
    name: 'TLS_RSA_WITH_AES_128_GCM_SHA256',
    keyExchange: 'RSA',
    forwardSecrecy: false,
  }),
  rsa3des: suite({
    code: 0x000a,
    name: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
    keyExchange: 'RSA',
    cipher: '3DES_EDE_CBC',
    bits: 112,
    aead: false,
    forwardSecrecy: false,
    smallBlock: true,
  }),
  rsaRc4: suite({
    code: 0x0005,
    name: 'TLS_RSA_WITH_RC4_128_SHA',
    keyExchange: 'RSA',
    cipher: 'RC4_128',
    bits: 128,
    aead: false,
    forwardSecrecy: false,
    rc4: true,
  }),
  anonEcdh: suite({
    code: 0xc018,
    name: 'TLS_ECDH_anon_WITH_AES_128_CBC_SHA',
    keyExchange: 'ECDH',
    authentication: 'anon',
    cipher: 'AES_128_CBC',
    aead: false,
    anonymous: true,
  }),
  nullSha: suite({
    code: 0x0002,
    name: 'TLS_RSA_WITH_NULL_SHA',
    keyExchange: 'RSA',
    cipher: 'NULL',
    bits: 0,
    aead: false,
    forwardSecrecy: false,
  }),
  exportRc4: suite({
    code: 0x0003,
    name: 'TLS_RSA_EXPORT_WITH_RC4_40_MD5',
    keyExchange: 'RSA',
    cipher: 'RC4_40',
    bits: 40,
    aead: false,
    forwardSecrecy: false,
    export: true,
    rc4: true,
  }),
} satisfies Record<string, CipherSuite>;

/** Suites per version; versions are those with an entry, lowest first. */
export function tls(
  perVersion: Partial<Record<TlsVersion, CipherSuite[]>>,
  overrides: Partial<Omit<TlsResult, 'versions' | 'perVersion'>> = {},
): TlsResult {
  const order: TlsVersion[] = ['SSLv2', 'SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
  const entries: TlsVersionResult[] = order
    .filter((v) => perVersion[v] !== undefined)
    .map((version) => ({ version, suites: perVersion[version] ?? [] }));
  return {
    versions: entries.map((e) => e.version),
    perVersion: entries,
    serverPreference: true,
    groups: ['x25519', 'secp256r1'],
    dhBits: null,
    compression: false,
    handshakes: 10,
    ...overrides,
  };
}

/** TLS 1.2 + 1.3, ECDHE AES-GCM only. */
export function modernTls(overrides: Partial<Omit<TlsResult, 'versions' | 'perVersion'>> = {}): TlsResult {
  return tls(
    {
      'TLSv1.2': [SUITES.ecdheAes256Gcm, SUITES.ecdheAes128Gcm],
      'TLSv1.3': [SUITES.tls13Aes256, SUITES.tls13Aes128],
    },
    overrides,
  );
}

export function leaf(overrides: Partial<CertificateInfo> = {}): CertificateInfo {
  return {
    subject: 'CN=good.test',
    issuer: 'CN=Hoplight Lab CA',
    serialNumber: '01',
    notBefore: '2026-01-01T00:00:00Z',
    notAfter: '2027-01-01T00:00:00Z',
    keyType: 'EC',
    keyBits: 256,
    signatureAlgorithm: 'ecdsa-with-SHA256',
    signatureHash: 'sha256',
    sha256Fingerprint: 'aa'.repeat(32),
    spkiSha256: 'bb'.repeat(32),
    names: { dnsIds: ['good.test'], srvIds: [], xmppAddrs: [], commonName: 'good.test' },
    ...overrides,
  };
}

/** A trusted, valid, matching certificate unless overridden. */
export function cert(
  overrides: Partial<Omit<CertificateResult, 'chain'>> = {},
  leafOverrides: Partial<CertificateInfo> = {},
): CertificateResult {
  return {
    chain: [leaf(leafOverrides)],
    trusted: true,
    trustError: null,
    selfSigned: false,
    expired: false,
    notYetValid: false,
    identity: { matches: true, matchedBy: ['dns-id'] },
    ...overrides,
  };
}

export function rsaCert(
  bits: number,
  overrides: Partial<Omit<CertificateResult, 'chain'>> = {},
): CertificateResult {
  return cert(overrides, { keyType: 'RSA', keyBits: bits, signatureAlgorithm: 'sha256WithRSAEncryption' });
}

export function dane(overrides: Partial<DaneResult> = {}): DaneResult {
  return {
    name: '_5222._tcp.good.test',
    dnssec: true,
    records: [{ usage: 3, selector: 1, matchingType: 1, data: 'bb'.repeat(32) }],
    matches: true,
    ...overrides,
  };
}

export function target(overrides: Partial<TargetReport> = {}): TargetReport {
  return {
    address: overrides.addresses?.[0] ?? '127.0.2.2',
    host: 'good.test',
    port: 5222,
    directTls: false,
    source: 'srv',
    priority: 0,
    weight: 5,
    addresses: ['127.0.2.2'],
    dnssec: false,
    status: 'ok',
    error: null,
    stream: {
      header: { from: 'good.test', id: 'abc', version: '1.0' },
      starttls: 'required',
      saslBeforeTls: [],
      saslAfterTls: ['SCRAM-SHA-1', 'PLAIN'],
      dialback: false,
      saslExternal: false,
      software: null,
    },
    tls: modernTls(),
    certificate: cert(),
    dane: null,
    grade: null,
    gradeIfTrusted: null,
    score: null,
    findings: [],
    durationMs: 100,
    ...overrides,
  };
}

export function unreachableTarget(overrides: Partial<TargetReport> = {}): TargetReport {
  return target({
    status: 'error',
    error: 'connect ECONNREFUSED',
    stream: null,
    tls: null,
    certificate: null,
    findings: [
      {
        code: 'target.unreachable',
        severity: 'high',
        message: 'good.test c2s (good.test:5222) could not be reached: connect ECONNREFUSED.',
        fix: 'Check that the server listens on this port.',
        target: 'good.test:5222',
      },
    ],
    ...overrides,
  });
}

export function service(kind: ServiceKind, overrides: Partial<ServiceReport> = {}): ServiceReport {
  const port = kind === 'c2s' ? 5222 : 5269;
  return {
    service: kind,
    grade: null,
    gradeIfTrusted: null,
    score: null,
    encryption: 'required',
    tlsVersions: [],
    cipherSuites: [],
    authentication: [],
    dialback: kind === 's2s',
    saslMechanisms: { beforeTls: [], afterTls: ['SCRAM-SHA-1'] },
    posh: null,
    targets: [target({ port })],
    findings: [],
    ...overrides,
  };
}

export function report(
  overrides: Partial<Omit<DomainReport, 'services'>> & { c2s?: ServiceReport; s2s?: ServiceReport } = {},
): DomainReport {
  const { c2s, s2s, ...rest } = overrides;
  return {
    reportVersion: REPORT_VERSION,
    domain: 'good.test',
    scannedAt: '2026-11-24T12:00:00.000Z',
    rubricVersion: 0,
    scanner: { name: 'hoplight', version: '0.1.0' },
    services: { c2s: c2s ?? service('c2s'), s2s: s2s ?? service('s2s') },
    durationMs: 1000,
    ...rest,
  };
}

/** A service summary of a well-configured server unless overridden. */
export function serviceSummary(overrides: Partial<ServiceSummary> = {}): ServiceSummary {
  return {
    grade: 'A',
    gradeIfTrusted: 'A',
    encryption: 'required',
    tlsVersions: ['TLSv1.2', 'TLSv1.3'],
    authentication: ['pkix'],
    dialback: true,
    findings: [],
    availability: 'served',
    noService: null,
    suites: [
      { version: 'TLSv1.2', codes: [0xc02f, 0xc030, 0xcca8] },
      { version: 'TLSv1.3', codes: [0x1301, 0x1302, 0x1303] },
    ],
    serverPreference: true,
    refusesUnauthenticated: false,
    software: { name: 'Prosody', version: '0.12.3' },
    ...overrides,
  };
}

export function domainSummary(
  domain: string,
  services: { c2s?: Partial<ServiceSummary>; s2s?: Partial<ServiceSummary> } = {},
): DomainSummary {
  return {
    summaryVersion: SUMMARY_VERSION,
    domain,
    scannedAt: '2026-11-24T12:00:00.000Z',
    rubricVersion: 1,
    services: { c2s: serviceSummary(services.c2s), s2s: serviceSummary(services.s2s) },
    s2sEndpoints: [`${domain}:5269`],
  };
}

/** One day after the fixtures' scans. */
export const FIXTURE_NOW = new Date('2026-11-25T12:00:00.000Z');

/** A path from good.test to other.test, both as the fixtures scanned them, over a secure transport, with OMEMO. */
export function pathInput(overrides: Partial<PathInput> = {}): PathInput {
  return {
    userDomain: 'good.test',
    contactDomain: 'other.test',
    user: domainSummary('good.test'),
    contact: domainSummary('other.test'),
    transportSecure: true,
    sameDomain: false,
    omemo: true,
    now: FIXTURE_NOW,
    ...overrides,
  };
}
