// Lab domains that prove rubric v2 (DESIGN §3, the changes at its end) where OpenSSL lets a real
// Prosody show the case: CBC suites on TLS 1.2, a 1024-bit DH group (B), a certificate expiring within
// 14 days, and an EC P-384 key (good.test has P-256). A SHA-1-signed intermediate is not among them:
// Prosody's OpenSSL 3 refuses to load such a chain ("ca md too weak"), even with SECLEVEL 0 in its
// cipher string, so the rubric tests cover it (lab/pki.ts can still make one: `sha1-intermediate`).
// Kept apart from topology.ts, which only imports the list; addresses 127.0.2.40–59 are this file's.
// Types only from topology.ts: it imports this module, so a value import would be circular.
import type { DomainSpec } from './topology.ts';

const SHARED = {
  certificate: 'ca-signed',
  keyType: 'ec',
  tls: null,
  c2sRequireEncryption: true,
  s2sRequireEncryption: true,
  s2sSecureAuth: false,
  allowUnencryptedPlain: false,
  directTls: false,
  http: false,
  srv: true,
  tlsa: null,
  posh: null,
  roster: {},
} as const satisfies Partial<DomainSpec>;

const BASE_TRAITS = ['tls:1.2+', 'c2s:encryption-required', 's2s:encryption-required', 'srv'];

export const RUBRIC_V2_DOMAINS: readonly DomainSpec[] = [
  {
    ...SHARED,
    domain: 'cbc12.test',
    address: '127.0.2.40',
    // TLS 1.3 as usual, and on TLS 1.2 an AEAD suite beside a CBC one: A under v1, A- under v2.
    tls: {
      protocol: 'tlsv1_2+',
      ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-SHA256',
    },
    users: [{ localpart: 'lena', password: 'lena-cbc12-pw' }],
    traits: ['cert:ca-signed', 'tls12:cbc', ...BASE_TRAITS],
  },
  {
    ...SHARED,
    domain: 'dh1024.test',
    address: '127.0.2.41',
    keyType: 'rsa',
    // DHE with a 1024-bit group (SECLEVEL 0 lets OpenSSL 3 use it): B, the "< 2048" step of v2; the
    // "< 1024 → F" step needs a group Prosody's OpenSSL will not serve, so the rubric tests cover it.
    tls: {
      protocol: 'tlsv1_2+',
      ciphers: 'DHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0',
    },
    dhBits: 1024,
    users: [{ localpart: 'mia', password: 'mia-dh1024-pw' }],
    traits: ['cert:ca-signed', 'dh:1024', ...BASE_TRAITS],
  },
  {
    ...SHARED,
    domain: 'expiring.test',
    address: '127.0.2.42',
    certificate: 'expiring-soon',
    users: [{ localpart: 'nina', password: 'nina-expiring-pw' }],
    traits: ['cert:expiring-soon', ...BASE_TRAITS],
  },
  {
    ...SHARED,
    domain: 'p384.test',
    address: '127.0.2.44',
    keyType: 'ec-p384',
    users: [{ localpart: 'pia', password: 'pia-p384-pw' }],
    traits: ['cert:ca-signed', 'key:p384', ...BASE_TRAITS],
  },
];
