// A seeded, deterministic data set of XMPP domain reports whose mix follows what has been published
// about the XMPP network, for measuring the pages at 10,000 domains. Every report is a full
// DomainReport (targets, suites per version, certificate chains, TLSA, POSH, stream features) graded by
// the real rubric, so the directory, the statistics and the report pages read what a scan would store.
//
// Where each share comes from (figures found with the search corpora; the year matters):
// [A13] Thijs Alkema, "The State of TLS on XMPP (2)", 2013-08-28, s2s scan of the 100 servers on the
//       xmpp.net public list: 9 expired certificates, 6 self-signed, 21 not valid for the host; RSA keys
//       15 × 1024, 55 × 2048, 30 × 4096 bits; 38 offered TLS 1.1/1.2, 98 TLS 1.0, 100 SSLv3; 31 offered
//       forward secrecy; 1 of 100 marked STARTTLS required on s2s.
//       https://blog.thijsalkema.de/blog/2013/08/28/the-state-of-tls-on-xmpp-2/
// [D21] Viktor Dukhovni, DANE survey update 2021-04 (SMTP, not XMPP): "DANE TLSA is deployed on ~17.61%
//       of domains with DNSSEC". https://mail.sys4.de/pipermail/dane-users/2021-May/000597.html
// [L22] Lee, van Rijswijk-Deij, Ashiq, Kwon, "Under the Hood of DANE Mismanagement in SMTP", USENIX
//       Security 2022: TLSA records out of step with rotated certificates are common (no XMPP figure).
// [P08] ProcessOne IMtrends, 2008-07-18, 7,292 XMPP domains: ejabberd 37.0 %, jabberd14 22.4 %,
//       Openfire 18.4 %, jabberd2 11.3 %. https://www.process-one.net/blog/usage_estimation_of_public_xmpp_servers_per_domain/
// [XP24] XMPP Providers, 2024-08-01: 72 providers listed, about 60 % in category D (a usability rating,
//       not TLS). https://providers.xmpp.net/blog/2024-08-01_67_percent_providers_support_apiv2/
// No published figure was found for the 2026 network's TLS versions, ML-KEM, POSH or DNSSEC on XMPP
// domains: those shares are ASSUMPTIONS, marked so below, moved from the 2013 figures in the direction
// a decade of ACME certificates, the 2014 XMPP manifesto (encryption required) and OpenSSL 3.5 (ML-KEM
// hybrids by default, April 2025) point.
import type {
  CertificateInfo,
  CertificateResult,
  CipherSuite,
  DomainReport,
  ServiceKind,
  ServiceReport,
  TargetReport,
  TlsResult,
} from '../src/core/report.ts';
import { REPORT_VERSION } from '../src/core/report.ts';
import { SUITES, tls } from '../src/core/testing/fixtures.ts';
import { encryptionPolicy } from '../src/observatory/scan/scan-domain.ts';
import { seededRandom } from './api-synthetic.ts';

type Random = () => number;

/** Picks by weight (weights need not sum to 100). */
function pick<T>(random: Random, table: readonly (readonly [number, T])[]): T {
  const total = table.reduce((sum, [w]) => sum + w, 0);
  let r = random() * total;
  for (const [weight, value] of table) {
    r -= weight;
    if (r < 0) return value;
  }
  return (table[table.length - 1] as readonly [number, T])[1];
}

type TlsProfile = 'modern' | 'tls13-only' | 'cbc12' | 'legacy10' | 'legacy-3des' | 'no-tls';

/**
 * TLS configurations. ASSUMPTION for 2026, moved from [A13]'s 38 % with TLS 1.2: most servers run a
 * distribution's Prosody or ejabberd defaults (TLS 1.2+), a sixth still accept TLS 1.0.
 */
const TLS_PROFILES = [
  [60, 'modern'],
  [8, 'tls13-only'],
  [8, 'cbc12'],
  [16, 'legacy10'],
  [4, 'legacy-3des'],
  [4, 'no-tls'],
] as const;

/** The same servers a year earlier (for the grade history): ASSUMPTION, twice the legacy share. */
const OLDER_TLS_PROFILES = [
  [45, 'modern'],
  [4, 'tls13-only'],
  [10, 'cbc12'],
  [28, 'legacy10'],
  [8, 'legacy-3des'],
  [5, 'no-tls'],
] as const;

/** Certificate keys. [A13]: RSA 1024/2048/4096 at 15/55/30 %; ASSUMPTION: ECDSA since certbot 2.0's default (2022). */
const KEYS = [
  [2, ['RSA', 1024]],
  [40, ['RSA', 2048]],
  [18, ['RSA', 4096]],
  [36, ['EC', 256]],
  [4, ['EC', 384]],
] as const;

/** Issuers of CA-signed certificates. ASSUMPTION: ACME CAs dominate as on the web. */
const ISSUERS = [
  [80, ["C=US, O=Let's Encrypt, CN=R11", "C=US, O=Let's Encrypt, CN=E6"]],
  [
    8,
    [
      'C=AT, O=ZeroSSL, CN=ZeroSSL RSA Domain Secure Site CA',
      'C=AT, O=ZeroSSL, CN=ZeroSSL ECC Domain Secure Site CA',
    ],
  ],
  [
    5,
    [
      'C=GB, O=Sectigo Limited, CN=Sectigo RSA Domain Validation Secure Server CA',
      'C=GB, O=Sectigo Limited, CN=Sectigo ECC Domain Validation Secure Server CA',
    ],
  ],
  [3, ['C=US, O=DigiCert Inc, CN=RapidSSL TLS RSA CA G1', 'C=US, O=DigiCert Inc, CN=RapidSSL TLS ECC CA G1']],
  [
    2,
    [
      'C=BE, O=GlobalSign nv-sa, CN=GlobalSign GCC R6 AlphaSSL CA 2025',
      'C=BE, O=GlobalSign nv-sa, CN=GlobalSign GCC R6 AlphaSSL CA 2025',
    ],
  ],
  [
    2,
    [
      'C=NO, O=Buypass AS-983163327, CN=Buypass Class 2 CA 5',
      'C=NO, O=Buypass AS-983163327, CN=Buypass Class 2 CA 5',
    ],
  ],
] as const;

/**
 * Certificate trust. [A13]: 9 % expired, 6 % self-signed, 21 % not for the host (and 29 % CAcert chains,
 * gone from the trust stores since). ASSUMPTION: ACME renewal cut expiry and name errors by about half.
 */
const TRUST = [
  [82, 'valid'],
  [4, 'expired'],
  [6, 'self-signed'],
  [8, 'wrong-name'],
] as const;

/** ASSUMPTION: no XMPP figure found; [A13] saw 1 % required on s2s in 2013, the 2014 manifesto made it the norm. */
const REQUIRED_SHARE = { c2s: 0.92, s2s: 0.82 } as const;
/** ASSUMPTION: DNSSEC-signed XMPP domains (no published figure). */
const DNSSEC_SHARE = 0.12;
/** [D21]: DANE on 17.6 % of DNSSEC domains (SMTP); [L22]: mismatches common, ASSUMPTION 10 % of them. */
const DANE_OF_DNSSEC = 0.176;
const DANE_MISMATCH = 0.1;
/** ASSUMPTION: POSH is rare (hosting providers only). */
const POSH_SHARE = 0.01;
/** ASSUMPTION: servers on OpenSSL 3.5+ (Debian 13 and later) accept X25519MLKEM768 when they offer TLS 1.3. */
const MLKEM_OF_TLS13 = 0.3;
/** ASSUMPTION: a domain without a reachable c2s (s2s-only, e.g. MUC or component hosts), and without s2s. */
const UNREACHABLE = { c2s: 0.1, s2s: 0.05 } as const;
/** ASSUMPTION: XEP-0368 direct TLS targets next to STARTTLS ones, and domains with two SRV targets. */
const DIRECT_TLS_SHARE = 0.2;
const SECOND_TARGET_SHARE = 0.1;
/** Software recognised from the stream: [P08] for 2008; ASSUMPTION for 2026 (Prosody ahead since ~2015). */
const SOFTWARE = [
  [55, ['Prosody', '0.12.5']],
  [15, ['Prosody', '13.0.2']],
  [20, ['ejabberd', '24.12']],
  [6, ['Openfire', '4.9.2']],
  [4, ['Tigase', '8.4.0']],
] as const;

const SUITES_TLS13_256 = SUITES.tls13Aes256;
const CHACHA: CipherSuite = {
  ...SUITES.tls13Aes128,
  code: 0x1303,
  name: 'TLS_CHACHA20_POLY1305_SHA256',
  cipher: 'CHACHA20_POLY1305',
  bits: 256,
};

function tlsFor(profile: TlsProfile, ecKey: boolean, random: Random): TlsResult | null {
  const groups = ['x25519', 'secp256r1', 'secp384r1'];
  const mlkem = random() < MLKEM_OF_TLS13;
  const withGroups = (result: TlsResult): TlsResult =>
    result.versions.includes('TLSv1.3') && mlkem
      ? { ...result, groups: ['X25519MLKEM768', ...groups] }
      : { ...result, groups };
  const ecdhe128: CipherSuite = ecKey
    ? {
        ...SUITES.ecdheAes128Gcm,
        code: 0xc02b,
        name: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
        authentication: 'ECDSA',
      }
    : SUITES.ecdheAes128Gcm;
  const ecdhe256: CipherSuite = ecKey
    ? {
        ...SUITES.ecdheAes256Gcm,
        code: 0xc02c,
        name: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
        authentication: 'ECDSA',
      }
    : SUITES.ecdheAes256Gcm;
  const tls13 = [SUITES_TLS13_256, CHACHA, SUITES.tls13Aes128];
  switch (profile) {
    case 'no-tls':
      return null;
    case 'modern':
      return withGroups(
        tls({ 'TLSv1.2': [ecdhe256, ecdhe128, SUITES.dheAes128Gcm], 'TLSv1.3': tls13 }, { dhBits: 2048 }),
      );
    case 'tls13-only':
      return withGroups(tls({ 'TLSv1.3': tls13 }));
    case 'cbc12':
      return withGroups(tls({ 'TLSv1.2': [ecdhe256, ecdhe128, SUITES.ecdheAes128Cbc], 'TLSv1.3': tls13 }));
    case 'legacy10':
      return withGroups(
        tls(
          {
            'TLSv1.0': [SUITES.ecdheAes128Cbc, SUITES.rsaAes128Gcm],
            'TLSv1.1': [SUITES.ecdheAes128Cbc],
            'TLSv1.2': [ecdhe256, ecdhe128, SUITES.ecdheAes128Cbc, SUITES.rsaAes128Gcm],
            ...(random() < 0.5 ? { 'TLSv1.3': tls13 } : {}),
          },
          { dhBits: random() < 0.2 ? 1024 : null, serverPreference: random() < 0.7 },
        ),
      );
    case 'legacy-3des':
      return withGroups(
        tls(
          {
            'TLSv1.0': [SUITES.rsa3des, SUITES.ecdheAes128Cbc],
            'TLSv1.2': [ecdhe128, SUITES.rsa3des, SUITES.rsaRc4],
          },
          { serverPreference: false },
        ),
      );
  }
}

const hex = (random: Random, bytes = 32) =>
  Array.from({ length: bytes }, () =>
    Math.floor(random() * 256)
      .toString(16)
      .padStart(2, '0'),
  ).join('');

function chainFor(
  domain: string,
  trust: (typeof TRUST)[number][1],
  key: readonly [string, number],
  issuer: string,
  scannedAt: Date,
  random: Random,
): CertificateResult {
  const selfSigned = trust === 'self-signed';
  const expired = trust === 'expired';
  const notBefore = new Date(
    scannedAt.getTime() - (expired ? 150 : 30 + Math.floor(random() * 50)) * 86_400_000,
  );
  const notAfter = new Date(notBefore.getTime() + 90 * 86_400_000);
  const name = trust === 'wrong-name' ? `mail.${domain.split('.').slice(-1)[0]}-hosting.example` : domain;
  const leaf: CertificateInfo = {
    subject: `CN=${name}`,
    issuer: selfSigned ? `CN=${name}` : issuer,
    serialNumber: hex(random, 8),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    keyType: key[0],
    keyBits: key[1],
    signatureAlgorithm: key[0] === 'EC' ? 'ecdsa-with-SHA384' : 'sha256WithRSAEncryption',
    signatureHash: key[0] === 'EC' ? 'sha384' : 'sha256',
    sha256Fingerprint: hex(random),
    spkiSha256: hex(random),
    names: {
      dnsIds: [name, `*.${name}`],
      srvIds: random() < 0.05 ? [`_xmpp-client.${name}`, `_xmpp-server.${name}`] : [],
      xmppAddrs: random() < 0.1 ? [name] : [],
      commonName: name,
    },
  };
  const intermediate: CertificateInfo = {
    ...leaf,
    subject: issuer,
    issuer: 'C=US, O=Internet Security Research Group, CN=ISRG Root X1',
    keyType: 'RSA',
    keyBits: 2048,
    signatureAlgorithm: 'sha256WithRSAEncryption',
    signatureHash: 'sha256',
    sha256Fingerprint: hex(random),
    spkiSha256: hex(random),
    names: { dnsIds: [], srvIds: [], xmppAddrs: [], commonName: null },
  };
  return {
    chain: selfSigned ? [leaf] : [leaf, intermediate],
    trusted: !selfSigned && !expired,
    trustError: selfSigned ? 'self-signed certificate' : expired ? 'certificate has expired' : null,
    selfSigned,
    expired,
    notYetValid: false,
    identity:
      trust === 'wrong-name' ? { matches: false, matchedBy: [] } : { matches: true, matchedBy: ['dns-id'] },
  };
}

interface DomainTraits {
  profile: TlsProfile;
  key: readonly [string, number];
  issuer: string;
  trust: (typeof TRUST)[number][1];
  dnssec: boolean;
  dane: 'none' | 'valid' | 'mismatch';
  posh: boolean;
  software: readonly [string, string];
  required: { c2s: boolean; s2s: boolean };
  reachable: { c2s: boolean; s2s: boolean };
  directTls: boolean;
  twoTargets: boolean;
}

function traitsOf(random: Random, older: boolean): DomainTraits {
  const key = pick<readonly [string, number]>(random, KEYS);
  const issuers = pick<readonly [string, string]>(random, ISSUERS);
  const dnssec = random() < DNSSEC_SHARE;
  const dane =
    dnssec && random() < DANE_OF_DNSSEC ? (random() < DANE_MISMATCH ? 'mismatch' : 'valid') : 'none';
  return {
    profile: pick(random, older ? OLDER_TLS_PROFILES : TLS_PROFILES),
    key,
    issuer: key[0] === 'EC' ? issuers[1] : issuers[0],
    trust: pick(random, TRUST),
    dnssec,
    dane,
    posh: random() < POSH_SHARE,
    software: pick<readonly [string, string]>(random, SOFTWARE),
    required: { c2s: random() < REQUIRED_SHARE.c2s, s2s: random() < REQUIRED_SHARE.s2s },
    reachable: { c2s: random() >= UNREACHABLE.c2s, s2s: random() >= UNREACHABLE.s2s },
    directTls: random() < DIRECT_TLS_SHARE,
    twoTargets: random() < SECOND_TARGET_SHARE,
  };
}

function targetFor(
  domain: string,
  kind: ServiceKind,
  host: string,
  port: number,
  directTls: boolean,
  traits: DomainTraits,
  scannedAt: Date,
  random: Random,
): TargetReport {
  const address = `${[192, 198, 203][Math.floor(random() * 3)]}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}`;
  const base = {
    host,
    port,
    directTls,
    source: 'srv' as const,
    priority: 0,
    weight: 5,
    addresses:
      random() < 0.4
        ? [address, `2001:db8:${Math.floor(random() * 65535).toString(16)}::${port}`]
        : [address],
    // Report v2: one entry per address; the data set's entries stand for the first one.
    address,
    dnssec: traits.dnssec,
    grade: null,
    gradeIfTrusted: null,
    score: null,
    findings: [],
    durationMs: 300 + Math.floor(random() * 2000),
  };
  if (!traits.reachable[kind]) {
    const failure = random() < 0.5 ? ('refused' as const) : ('timeout' as const);
    return {
      ...base,
      status: 'error',
      error: failure === 'refused' ? 'connect ECONNREFUSED' : 'The connection timed out after 5000 ms.',
      failure,
      stream: null,
      tls: null,
      certificate: null,
      dane: null,
    };
  }
  const tlsResult =
    directTls && traits.profile === 'no-tls'
      ? tlsFor('modern', traits.key[0] === 'EC', random)
      : tlsFor(traits.profile, traits.key[0] === 'EC', random);
  const certificate = tlsResult
    ? chainFor(domain, traits.trust, traits.key, traits.issuer, scannedAt, random)
    : null;
  const leaf = certificate?.chain[0];
  const scram = random() < 0.3 ? ['SCRAM-SHA-256', 'SCRAM-SHA-1'] : ['SCRAM-SHA-1'];
  return {
    ...base,
    status: 'ok',
    error: null,
    failure: null,
    stream: {
      header: { from: domain, id: hex(random, 8), version: '1.0' },
      starttls: directTls
        ? 'none'
        : tlsResult === null
          ? 'none'
          : traits.required[kind]
            ? 'required'
            : 'offered',
      saslBeforeTls: tlsResult === null && kind === 'c2s' ? ['PLAIN', ...scram] : [],
      saslAfterTls: kind === 'c2s' ? [...scram, 'PLAIN'] : ['EXTERNAL'],
      dialback: kind === 's2s' && random() < 0.95,
      saslExternal: kind === 's2s' && certificate?.trusted === true,
      software: { name: traits.software[0], version: traits.software[1], os: null },
      refusesUnauthenticated: kind === 's2s' ? random() < 0.15 : null,
    },
    tls: tlsResult,
    certificate,
    dane:
      traits.dane === 'none' || !leaf
        ? null
        : {
            name: `_${port}._tcp.${host}`,
            dnssec: true,
            records: [
              {
                usage: 3,
                selector: 1,
                matchingType: 1,
                data: traits.dane === 'valid' ? leaf.spkiSha256 : hex(random),
              },
            ],
            matches: traits.dane === 'valid',
          },
  };
}

function serviceFor(
  domain: string,
  kind: ServiceKind,
  traits: DomainTraits,
  scannedAt: Date,
  random: Random,
): ServiceReport {
  const port = kind === 'c2s' ? 5222 : 5269;
  const host = random() < 0.6 ? `xmpp.${domain}` : domain;
  const targets = [targetFor(domain, kind, host, port, false, traits, scannedAt, random)];
  if (traits.twoTargets)
    targets.push(targetFor(domain, kind, `xmpp2.${domain}`, port, false, traits, scannedAt, random));
  if (traits.directTls && traits.reachable[kind])
    targets.push(
      targetFor(domain, kind, host, kind === 'c2s' ? 5223 : 5270, true, traits, scannedAt, random),
    );
  const ok = targets.filter((t) => t.status === 'ok');
  const encryption = encryptionPolicy(targets);
  const leaf = ok.find((t) => t.certificate)?.certificate?.chain[0];
  return {
    service: kind,
    grade: null,
    gradeIfTrusted: null,
    score: null,
    encryption,
    tlsVersions: [],
    cipherSuites: [],
    authentication: [],
    dialback: ok.some((t) => t.stream?.dialback),
    saslMechanisms: {
      beforeTls: ok[0]?.stream?.saslBeforeTls ?? [],
      afterTls: ok[0]?.stream?.saslAfterTls ?? [],
    },
    posh:
      traits.posh && leaf
        ? {
            url: `https://${domain}/.well-known/posh/xmpp-${kind === 'c2s' ? 'client' : 'server'}.json`,
            found: true,
            fingerprints: [
              { algorithm: 'sha-256', value: Buffer.from(leaf.sha256Fingerprint, 'hex').toString('base64') },
            ],
            matches: true,
            error: null,
          }
        : null,
    targets,
    findings: [],
  };
}

const WORDS = [
  'jabber',
  'chat',
  'xmpp',
  'talk',
  'im',
  'home',
  'conversations',
  'snikket',
  'messenger',
  'social',
  'muc',
  'hub',
];
const TLDS = [
  'org',
  'net',
  'de',
  'fr',
  'io',
  'eu',
  'nl',
  'im',
  'social',
  'se',
  'ch',
  'at',
  'ru',
  'cz',
  'com',
];

export interface DatasetEntry {
  /** Oldest first; the last is the domain's latest report. */
  reports: DomainReport[];
}

/** The i-th domain's reports (ungraded): the same i always gives the same reports. */
export function datasetDomain(i: number, now: Date): DatasetEntry {
  const random = seededRandom(0x5eed + i);
  const domain = `${WORDS[Math.floor(random() * WORDS.length)]}${i}.${TLDS[Math.floor(random() * TLDS.length)]}`;
  const make = (scannedAt: Date, older: boolean): DomainReport => {
    const traits = traitsOf(random, older);
    return {
      reportVersion: REPORT_VERSION,
      domain,
      scannedAt: scannedAt.toISOString(),
      rubricVersion: 0,
      scanner: { name: 'hoplight', version: '0.1.0' },
      services: {
        c2s: serviceFor(domain, 'c2s', traits, scannedAt, random),
        s2s: serviceFor(domain, 's2s', traits, scannedAt, random),
      },
      durationMs: 1500 + Math.floor(random() * 6000),
    };
  };
  const reports: DomainReport[] = [];
  // A third of the domains were first scanned 2 to 14 months earlier, so the grade history has a past.
  if (random() < 0.33)
    reports.push(make(new Date(now.getTime() - (60 + Math.floor(random() * 360)) * 86_400_000), true));
  // The latest report: within the last 10 days, to the second.
  reports.push(make(new Date(now.getTime() - Math.floor(random() * 10 * 86_400) * 1000), false));
  return { reports };
}
