// The lab's fixed layout: which domain lives on which loopback address, with which TLS policy,
// certificate, DNS records and users. Pure data; everything else in lab/ is generated from it.
import { RUBRIC_V2_DOMAINS } from './rubric-v2-domains.ts';

/** The lab owns 127.0.2.0/24; every address below is inside it. */
export const LAB_NET_PREFIX = '127.0.2.';

/** dnsmasq: answers every `*.test` name (and forwards `sec.test` to nsd). What Prosody resolves through. */
export const DNSMASQ = { host: '127.0.2.1', port: 53 } as const;
/** unbound: validating resolver with the lab's trust anchor for the signed zone. */
export const UNBOUND = { host: '127.0.2.6', port: 53 } as const;
/** nsd: authoritative for the DNSSEC-signed zone. */
export const NSD = { host: '127.0.2.7', port: 53 } as const;
/** Kept free on purpose, for tests of the port check. */
export const SPARE_ADDRESS = '127.0.2.254';

export const SIGNED_ZONE = 'sec.test';

export type CertificateKind =
  /** Signed by the lab CA, for the domain's own name. */
  | 'ca-signed'
  /** Self-signed, for the domain's own name. */
  | 'self-signed'
  /** Signed by the lab CA, but for another name. */
  | 'wrong-name'
  /** Signed by the lab CA for the right name, validity ended in the past. */
  | 'expired'
  /** No certificate and no TLS at all. */
  | 'none'
  /** Signed by the lab CA for the right name, ending 7 days after it is made (rubric v2's warning). */
  | 'expiring-soon'
  /** Signed by an intermediate that the lab CA signed with SHA-1; the chain is served. */
  | 'sha1-intermediate';

/** How the signed zone's TLSA records relate to the domain's certificate. */
export type TlsaKind = 'match' | 'mismatch';

/**
 * RFC 7711 POSH documents served over HTTPS on 443 (with a lab-CA certificate for the domain):
 * `match` publishes the SHA-256 of the domain's XMPP certificate, `mismatch` that of another one.
 */
export type PoshKind = 'match' | 'mismatch';

export interface LabUser {
  localpart: string;
  password: string;
}

export interface RosterEntry {
  jid: string;
  name?: string;
  groups: string[];
}

/** Which software serves a lab domain. */
export type ServerKind = 'prosody' | 'ejabberd';

export interface DomainSpec {
  domain: string;
  /** Defaults to Prosody. The ejabberd domains share one ejabberd node (see ejabberd.ts). */
  server?: ServerKind;
  address: string;
  certificate: CertificateKind;
  /** For `wrong-name`: the name the certificate is for instead. */
  certificateName?: string;
  keyType: 'ec' | 'rsa' | 'ec-p384';
  /** Prosody `ssl` protocol and ciphers; null: the server's defaults (TLS 1.2+, its cipher list). */
  tls: { protocol: string; ciphers: string } | null;
  /** A DH group of this size for DHE suites (Prosody `dhparam`); absent: Prosody's default. */
  dhBits?: number;
  c2sRequireEncryption: boolean;
  s2sRequireEncryption: boolean;
  s2sSecureAuth: boolean;
  /** PLAIN offered before TLS (only meaningful without TLS). */
  allowUnencryptedPlain: boolean;
  /** XEP-0368 direct TLS on 5223/5270, with `_xmpps-*` SRV records. */
  directTls: boolean;
  /** HTTP (5280) and HTTPS (5281 for Prosody, 5443 for ejabberd) with WebSocket and BOSH. */
  http: boolean;
  /** `_xmpp-client._tcp`/`_xmpp-server._tcp` SRV records; without them clients fall back to the A record. */
  srv: boolean;
  tlsa: TlsaKind | null;
  posh: PoshKind | null;
  users: LabUser[];
  roster: Record<string, RosterEntry[]>;
  traits: string[];
}

export const C2S_PORT = 5222;
export const S2S_PORT = 5269;
export const C2S_DIRECT_PORT = 5223;
export const S2S_DIRECT_PORT = 5270;
export const HTTP_PORT = 5280;
export const HTTPS_PORT = 5281;
/** ejabberd's own default HTTPS port: its WebSocket, BOSH and host-meta over TLS. */
export const EJABBERD_HTTPS_PORT = 5443;
/** Erlang distribution port of the ejabberd node (no epmd), for ejabberdctl. */
export const EJABBERD_DIST_PORT = 5210;
/** The address of the ejabberd node, serving every ejabberd domain. */
export const EJABBERD_ADDRESS = '127.0.2.20';

/**
 * Names the lab gives DNS records but no server: messages to them must bounce. `dead.test` has an
 * address and SRV records with nothing listening; `nxdomain.test` has no record at all (NXDOMAIN).
 */
export const SERVERLESS_DOMAINS = [
  { domain: 'dead.test', address: '127.0.2.17' as string | null },
  { domain: 'nxdomain.test', address: null as string | null },
] as const;
/** POSH is fetched from https://DOMAIN/.well-known/posh/, i.e. the standard HTTPS port. */
export const POSH_HTTPS_PORT = 443;

const modern = null;
const weakTls = { protocol: 'tlsv1+', ciphers: 'ALL:@SECLEVEL=0' };

/** What most lab domains share: an EC key, Prosody's modern TLS, encryption required, SRV records. */
const MODERN_DEFAULTS = {
  keyType: 'ec',
  tls: modern,
  c2sRequireEncryption: true,
  s2sRequireEncryption: true,
  s2sSecureAuth: false,
  allowUnencryptedPlain: false,
  directTls: false,
  http: false,
  srv: true,
} as const satisfies Partial<DomainSpec>;

// posh.test and badposh.test are left out on purpose: the extension's end-to-end and BOSH tests count
// these nine contacts. Adding them is one line each here, with those tests updated in the same change.
const ALICE_ROSTER: RosterEntry[] = [
  { jid: 'bob@good.test', name: 'Bob', groups: ['Friends'] },
  { jid: 'carol@good.test', groups: [] },
  { jid: 'bob@weak.test', name: 'Weak Bob', groups: ['Friends', 'Weak'] },
  { jid: 'dave@plain.test', name: 'Dave', groups: ['Work'] },
  { jid: 'erin@other.test', name: 'Erin', groups: ['Work'] },
  { jid: 'frank@wrongname.test', name: 'Frank', groups: [] },
  { jid: 'grace@expired.test', groups: ['Work'] },
  { jid: 'heidi@dane.sec.test', name: 'Heidi', groups: ['DANE'] },
  { jid: 'ivan@badtlsa.sec.test', name: 'Ivan', groups: ['DANE'] },
];

export const DOMAINS: readonly DomainSpec[] = [
  {
    domain: 'good.test',
    address: '127.0.2.2',
    certificate: 'ca-signed',
    keyType: 'ec',
    tls: modern,
    c2sRequireEncryption: true,
    s2sRequireEncryption: true,
    s2sSecureAuth: false,
    allowUnencryptedPlain: false,
    directTls: true,
    http: true,
    srv: true,
    tlsa: null,
    posh: null,
    users: [
      { localpart: 'alice', password: 'alice-good-pw' },
      { localpart: 'bob', password: 'bob-good-pw' },
      { localpart: 'carol', password: 'carol-good-pw' },
    ],
    roster: { alice: ALICE_ROSTER },
    traits: [
      'cert:ca-signed',
      'tls:1.2+',
      'c2s:encryption-required',
      's2s:encryption-required',
      'srv',
      'direct-tls',
      'websocket',
      'bosh',
    ],
  },
  {
    domain: 'weak.test',
    address: '127.0.2.3',
    certificate: 'self-signed',
    keyType: 'rsa',
    tls: weakTls,
    c2sRequireEncryption: false,
    s2sRequireEncryption: false,
    s2sSecureAuth: false,
    allowUnencryptedPlain: false,
    directTls: false,
    http: false,
    srv: true,
    tlsa: null,
    posh: null,
    users: [
      { localpart: 'bob', password: 'bob-weak-pw' },
      { localpart: 'mallory', password: 'mallory-weak-pw' },
    ],
    roster: {},
    traits: [
      'cert:self-signed',
      'tls:1.0+',
      'tls:anonymous-suites',
      'tls:rsa-key-exchange',
      'c2s:encryption-optional',
      's2s:encryption-optional',
      'srv',
    ],
  },
  {
    domain: 'plain.test',
    address: '127.0.2.4',
    certificate: 'none',
    keyType: 'ec',
    tls: null,
    c2sRequireEncryption: false,
    s2sRequireEncryption: false,
    s2sSecureAuth: false,
    allowUnencryptedPlain: true,
    directTls: false,
    http: false,
    srv: false,
    tlsa: null,
    posh: null,
    users: [{ localpart: 'dave', password: 'dave-plain-pw' }],
    roster: {},
    traits: ['tls:none', 'c2s:encryption-none', 's2s:encryption-none', 'sasl:plain-without-tls', 'no-srv'],
  },
  {
    domain: 'other.test',
    address: '127.0.2.5',
    certificate: 'ca-signed',
    keyType: 'ec',
    tls: modern,
    c2sRequireEncryption: true,
    s2sRequireEncryption: true,
    s2sSecureAuth: true,
    allowUnencryptedPlain: false,
    directTls: false,
    http: false,
    srv: true,
    tlsa: null,
    posh: null,
    users: [{ localpart: 'erin', password: 'erin-other-pw' }],
    roster: {},
    traits: [
      'cert:ca-signed',
      'tls:1.2+',
      'c2s:encryption-required',
      's2s:encryption-required',
      's2s:secure-auth',
      'srv',
    ],
  },
  {
    domain: 'dane.sec.test',
    address: '127.0.2.10',
    certificate: 'self-signed',
    ...MODERN_DEFAULTS,
    tlsa: 'match',
    posh: null,
    users: [{ localpart: 'heidi', password: 'heidi-dane-pw' }],
    roster: {},
    traits: [
      'cert:self-signed',
      'tls:1.2+',
      'c2s:encryption-required',
      's2s:encryption-required',
      'dnssec:signed',
      'dane:valid',
      'srv',
    ],
  },
  {
    domain: 'badtlsa.sec.test',
    address: '127.0.2.11',
    certificate: 'self-signed',
    ...MODERN_DEFAULTS,
    tlsa: 'mismatch',
    posh: null,
    users: [{ localpart: 'ivan', password: 'ivan-badtlsa-pw' }],
    roster: {},
    traits: [
      'cert:self-signed',
      'tls:1.2+',
      'c2s:encryption-required',
      's2s:encryption-required',
      'dnssec:signed',
      'dane:mismatch',
      'srv',
    ],
  },
  {
    domain: 'wrongname.test',
    address: '127.0.2.12',
    certificate: 'wrong-name',
    certificateName: 'elsewhere.test',
    ...MODERN_DEFAULTS,
    tlsa: null,
    posh: null,
    users: [{ localpart: 'frank', password: 'frank-wrongname-pw' }],
    roster: {},
    traits: ['cert:wrong-name', 'tls:1.2+', 'c2s:encryption-required', 's2s:encryption-required', 'srv'],
  },
  {
    domain: 'expired.test',
    address: '127.0.2.13',
    certificate: 'expired',
    ...MODERN_DEFAULTS,
    tlsa: null,
    posh: null,
    users: [{ localpart: 'grace', password: 'grace-expired-pw' }],
    roster: {},
    traits: ['cert:expired', 'tls:1.2+', 'c2s:encryption-required', 's2s:encryption-required', 'srv'],
  },
  {
    domain: 'posh.test',
    address: '127.0.2.14',
    certificate: 'self-signed',
    ...MODERN_DEFAULTS,
    tlsa: null,
    posh: 'match',
    users: [{ localpart: 'judy', password: 'judy-posh-pw' }],
    roster: {},
    traits: [
      'cert:self-signed',
      'tls:1.2+',
      'c2s:encryption-required',
      's2s:encryption-required',
      'posh:valid',
      'srv',
    ],
  },
  {
    domain: 'badposh.test',
    address: '127.0.2.15',
    certificate: 'self-signed',
    ...MODERN_DEFAULTS,
    tlsa: null,
    posh: 'mismatch',
    users: [{ localpart: 'karl', password: 'karl-badposh-pw' }],
    roster: {},
    traits: [
      'cert:self-signed',
      'tls:1.2+',
      'c2s:encryption-required',
      's2s:encryption-required',
      'posh:mismatch',
      'srv',
    ],
  },
  {
    domain: 'tls13.test',
    address: '127.0.2.16',
    certificate: 'ca-signed',
    ...MODERN_DEFAULTS,
    tls: { protocol: 'tlsv1_3', ciphers: 'DEFAULT' },
    tlsa: null,
    posh: null,
    users: [{ localpart: 'tina', password: 'tina-tls13-pw' }],
    roster: {},
    traits: ['cert:ca-signed', 'tls:1.3-only', 'c2s:encryption-required', 's2s:encryption-required', 'srv'],
  },
  {
    domain: 'ejabberd.test',
    server: 'ejabberd',
    address: EJABBERD_ADDRESS,
    certificate: 'ca-signed',
    ...MODERN_DEFAULTS,
    http: true,
    tlsa: null,
    posh: null,
    users: [
      { localpart: 'eve', password: 'eve-ejabberd-pw' },
      { localpart: 'fay', password: 'fay-ejabberd-pw' },
    ],
    roster: { eve: [{ jid: 'alice@good.test', name: 'Alice', groups: ['Friends'] }] },
    traits: [
      'server:ejabberd',
      'cert:ca-signed',
      'tls:1.2+',
      'c2s:encryption-required',
      's2s:encryption-required',
      'auth:scram',
      'srv',
      'websocket',
      'bosh',
      'host-meta',
    ],
  },
  {
    // The same ejabberd node as ejabberd.test: two domains served by one server.
    domain: 'ejabberd2.test',
    server: 'ejabberd',
    address: EJABBERD_ADDRESS,
    certificate: 'ca-signed',
    ...MODERN_DEFAULTS,
    http: true,
    tlsa: null,
    posh: null,
    users: [{ localpart: 'zoe', password: 'zoe-ejabberd2-pw' }],
    // A contact on the same server and one on a Prosody domain (a real s2s hop in the browser e2e).
    roster: {
      zoe: [
        { jid: 'eve@ejabberd.test', name: 'Eve', groups: [] },
        { jid: 'bob@good.test', name: 'Bob', groups: ['Friends'] },
      ],
    },
    traits: [
      'server:ejabberd',
      'cert:ca-signed',
      'tls:1.2+',
      'c2s:encryption-required',
      's2s:encryption-required',
      'auth:plain',
      'same-server:ejabberd.test',
      'srv',
      'websocket',
      'bosh',
      'host-meta',
    ],
  },
  ...RUBRIC_V2_DOMAINS,
];

export function serverOf(d: DomainSpec): ServerKind {
  return d.server ?? 'prosody';
}

/** The TCP ports a domain's server listens on (ejabberd's HTTPS on its own default port). */
export function listenPorts(d: DomainSpec): number[] {
  const tls = d.certificate !== 'none';
  const ports = [C2S_PORT, S2S_PORT];
  if (d.directTls && tls) ports.push(C2S_DIRECT_PORT, S2S_DIRECT_PORT);
  if (d.http) ports.push(HTTP_PORT);
  if (d.http && tls) ports.push(serverOf(d) === 'ejabberd' ? EJABBERD_HTTPS_PORT : HTTPS_PORT);
  if (d.posh && tls) ports.push(POSH_HTTPS_PORT);
  return ports;
}

export interface Endpoint {
  /** What listens there, for messages. */
  owner: string;
  host: string;
  port: number;
  protocol: 'tcp' | 'udp';
}

/** Every address:port the lab binds, so they can be checked before anything starts. */
export function labEndpoints(domains: readonly DomainSpec[] = DOMAINS): Endpoint[] {
  const out: Endpoint[] = [];
  for (const dns of [
    { owner: 'dnsmasq', ...DNSMASQ },
    { owner: 'unbound', ...UNBOUND },
    { owner: 'nsd', ...NSD },
  ]) {
    out.push({ ...dns, protocol: 'udp' }, { ...dns, protocol: 'tcp' });
  }
  const seen = new Set<string>();
  for (const d of domains) {
    const owner = serverOf(d) === 'ejabberd' ? 'ejabberd' : `prosody ${d.domain}`;
    const ports = serverOf(d) === 'ejabberd' ? [...listenPorts(d), EJABBERD_DIST_PORT] : listenPorts(d);
    for (const port of ports) {
      // ejabberd domains share one node and its listeners.
      const key = `${d.address}:${port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ owner, host: d.address, port, protocol: 'tcp' });
    }
  }
  return out;
}
