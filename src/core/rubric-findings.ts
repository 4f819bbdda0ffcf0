// The findings the rubric (v2) can emit: stable codes, severities, and the sentences for operators (what was
// seen, what to change). Kept apart from the scoring so wording changes never touch grading logic.
import type { Finding, ServiceKind, Severity } from './report.ts';

/** Whom a finding is about, to name it in the sentence. */
export interface FindingContext {
  domain: string;
  service: ServiceKind;
  /** `host:port`. */
  target: string;
}

export type RubricCode =
  | 'policy.no-tls'
  | 'policy.encryption-optional'
  | 'tls.protocol.sslv2'
  | 'tls.protocol.sslv3'
  | 'tls.protocol.tls10'
  | 'tls.protocol.tls11'
  | 'tls.protocol.no-modern'
  | 'tls.protocol.no-tls13'
  | 'tls.cipher.anonymous'
  | 'tls.cipher.null'
  | 'tls.cipher.export'
  | 'tls.cipher.rc4'
  | 'tls.cipher.64bit-block'
  | 'tls.cipher.no-forward-secrecy'
  | 'tls.cipher.not-aead'
  | 'tls.cipher.cbc-tls12'
  | 'tls.group.weak'
  | 'tls.group.post-quantum'
  | 'tls.cipher.none-recorded'
  | 'tls.compression'
  | 'cert.missing'
  | 'cert.rsa-broken'
  | 'cert.rsa-small'
  | 'cert.dsa'
  | 'cert.ec-weak'
  | 'cert.md5'
  | 'cert.sha1'
  | 'cert.expiring-soon'
  | 'cert.no-client-auth'
  | 'cert.untrusted'
  | 'cert.expired'
  | 'cert.not-yet-valid'
  | 'cert.name-mismatch'
  | 'dh.small'
  | 'dh.broken'
  | 'dane.mismatch'
  | 'dane.bogus'
  | 'dane.unsigned'
  | 'auth.no-dane-posh';

const PROTOCOL_FIX =
  'Offer only TLS 1.2 and 1.3: Prosody `ssl = { protocol = "tlsv1_2+" }`; ejabberd `c2s_protocol_options`/`s2s_protocol_options: [no_sslv2, no_sslv3, no_tlsv1, no_tlsv1_1]`.';
const CIPHER_FIX =
  'Offer only forward-secret AEAD suites: Prosody `ssl = { ciphers = "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:!aNULL:!eNULL" }`; ejabberd `c2s_ciphers`/`s2s_ciphers` with the same string.';
const KEY_FIX =
  'Reissue the certificate with an RSA key of at least 2048 bits (3072 recommended) or an EC P-256 key, e.g. `certbot certonly --key-type ecdsa -d DOMAIN`.';
const TRUST_FIX =
  "Use a certificate from a publicly trusted CA (e.g. Let's Encrypt; `prosodyctl --root cert import /etc/letsencrypt/live`) or publish DANE TLSA records (`3 1 1 <SHA-256 of the key>`) in a DNSSEC-signed zone.";

function requireSetting(service: ServiceKind): string {
  return service === 'c2s'
    ? 'Prosody `c2s_require_encryption = true`; ejabberd `starttls_required: true` on the c2s listener'
    : 'Prosody `s2s_require_encryption = true`; ejabberd `s2s_use_starttls: required`';
}

/** `host:port` → `_port._tcp.host.` */
function tlsaOwner(target: string): string {
  const colon = target.lastIndexOf(':');
  return colon === -1 ? `_tcp.${target}.` : `_${target.slice(colon + 1)}._tcp.${target.slice(0, colon)}.`;
}

function subject(ctx: FindingContext): string {
  return `${ctx.domain} ${ctx.service} (${ctx.target})`;
}

/** Builds the finding for `code` with its default severity; `detail` adds what was measured. */
export function rubricFinding(
  code: RubricCode,
  ctx: FindingContext,
  detail = '',
  severity?: Severity,
): Finding {
  const entry = CATALOG[code];
  const sentence = entry.message(subject(ctx), detail);
  return {
    code,
    severity: severity ?? entry.severity,
    message: sentence,
    fix: entry.fix(ctx),
    target: ctx.target,
  };
}

interface CatalogEntry {
  severity: Severity;
  message: (subject: string, detail: string) => string;
  fix: (ctx: FindingContext) => string;
}

const CATALOG: Record<RubricCode, CatalogEntry> = {
  'policy.no-tls': {
    severity: 'critical',
    message: (s) => `${s} does not offer TLS: everything, passwords included, travels in plaintext.`,
    fix: (ctx) =>
      `Give the server a certificate for ${ctx.domain} (Prosody \`certificates = "certs"\`; ejabberd \`certfiles\`) and require TLS (${requireSetting(ctx.service)}).`,
  },
  'policy.encryption-optional': {
    severity: 'medium',
    message: (s) => `${s} does not require encryption: an active attacker can strip STARTTLS.`,
    fix: (ctx) => `Require encryption: ${requireSetting(ctx.service)}.`,
  },
  'tls.protocol.sslv2': {
    severity: 'critical',
    message: (s) => `${s} still accepts SSLv2, which is broken.`,
    fix: () => PROTOCOL_FIX,
  },
  'tls.protocol.sslv3': {
    severity: 'high',
    message: (s) => `${s} still accepts SSLv3 (POODLE).`,
    fix: () => PROTOCOL_FIX,
  },
  'tls.protocol.tls10': {
    severity: 'medium',
    message: (s) => `${s} still accepts TLS 1.0.`,
    fix: () => PROTOCOL_FIX,
  },
  'tls.protocol.tls11': {
    severity: 'medium',
    message: (s) => `${s} still accepts TLS 1.1.`,
    fix: () => PROTOCOL_FIX,
  },
  'tls.protocol.no-modern': {
    severity: 'high',
    message: (s) => `${s} offers neither TLS 1.2 nor TLS 1.3.`,
    fix: () => `Update the server and its TLS library (OpenSSL 1.1.1 or later), then: ${PROTOCOL_FIX}`,
  },
  'tls.protocol.no-tls13': {
    severity: 'low',
    message: (s) => `${s} does not offer TLS 1.3.`,
    fix: () =>
      'Enable TLS 1.3: run Prosody 0.12+ or ejabberd 21+ on OpenSSL 1.1.1 or later, with Prosody `ssl = { protocol = "tlsv1_2+" }` (not `"tlsv1_2"`, which stops at 1.2).',
  },
  'tls.cipher.anonymous': {
    severity: 'critical',
    message: (s, d) => `${s} accepts anonymous cipher suites, which anyone can intercept${d}.`,
    fix: () => `Remove anonymous suites (\`!aNULL\`). ${CIPHER_FIX}`,
  },
  'tls.cipher.null': {
    severity: 'critical',
    message: (s, d) => `${s} accepts NULL cipher suites, which do not encrypt${d}.`,
    fix: () => `Remove NULL suites (\`!eNULL\`). ${CIPHER_FIX}`,
  },
  'tls.cipher.export': {
    severity: 'critical',
    message: (s, d) => `${s} accepts export-grade cipher suites (FREAK, Logjam)${d}.`,
    fix: () => `Remove export suites (\`!EXP\`). ${CIPHER_FIX}`,
  },
  'tls.cipher.rc4': {
    severity: 'high',
    message: (s, d) => `${s} accepts RC4 cipher suites${d}.`,
    fix: () => `Remove RC4 (\`!RC4\`). ${CIPHER_FIX}`,
  },
  'tls.cipher.64bit-block': {
    severity: 'high',
    message: (s, d) => `${s} accepts 64-bit block ciphers such as 3DES (Sweet32)${d}.`,
    fix: () => `Remove 3DES, DES, IDEA and RC2 (\`!3DES:!DES:!IDEA:!RC2\`). ${CIPHER_FIX}`,
  },
  'tls.cipher.no-forward-secrecy': {
    severity: 'medium',
    message: (s, d) => `${s} accepts cipher suites without forward secrecy${d}.`,
    fix: () => `Remove static RSA/DH key exchange (\`!kRSA\`). ${CIPHER_FIX}`,
  },
  'tls.cipher.not-aead': {
    severity: 'low',
    message: (s, d) => `${s} accepts CBC cipher suites, not only AEAD ones${d}.`,
    fix: () => CIPHER_FIX,
  },
  'tls.cipher.cbc-tls12': {
    severity: 'low',
    message: (s, d) =>
      `${s} accepts CBC cipher suites on TLS 1.2${d}; Mozilla's intermediate profile allows only AEAD suites there.`,
    fix: () => CIPHER_FIX,
  },
  'tls.group.weak': {
    severity: 'critical',
    message: (s, d) => `${s} accepts elliptic-curve groups under 224 bits for key exchange${d}.`,
    fix: () =>
      'Offer only X25519, P-256, P-384 (and the ML-KEM hybrids): Prosody `ssl = { curveslist = { "X25519", "P-256", "P-384" } }`; ejabberd (fast_tls) reads OpenSSL\'s configuration: `Groups = X25519:P-256:P-384` in openssl.cnf.',
  },
  'tls.group.post-quantum': {
    severity: 'info',
    message: (s, d) =>
      `${s} offers a post-quantum hybrid key exchange${d}: recorded sessions stay safe against a future quantum computer.`,
    fix: () => 'Nothing to fix: keep it.',
  },
  'tls.cipher.none-recorded': {
    severity: 'medium',
    message: (s) => `${s} negotiated TLS but no cipher suite was recorded, so cipher strength counts as 0.`,
    fix: () => 'Rescan; if this persists, report it to the Hoplight maintainers.',
  },
  'tls.compression': {
    severity: 'high',
    message: (s) => `${s} enables TLS compression (CRIME).`,
    fix: () =>
      'Disable TLS compression: Prosody `ssl = { options = { "no_compression" } }`, or update OpenSSL (1.1.0+ leaves it off).',
  },
  'cert.missing': {
    severity: 'high',
    message: (s) => `${s} presented no certificate.`,
    fix: () => TRUST_FIX,
  },
  'cert.rsa-broken': {
    severity: 'critical',
    message: (s, d) => `${s} uses an RSA key under 1024 bits${d}, which can be factored.`,
    fix: () => KEY_FIX,
  },
  'cert.rsa-small': {
    severity: 'medium',
    message: (s, d) => `${s} uses an RSA key under 2048 bits${d}.`,
    fix: () => KEY_FIX,
  },
  'cert.dsa': {
    severity: 'medium',
    message: (s, d) => `${s} uses a DSA key${d}, which TLS 1.3 and current clients no longer accept.`,
    fix: () => KEY_FIX,
  },
  'cert.ec-weak': {
    severity: 'critical',
    message: (s, d) => `${s} uses an elliptic-curve key of 192 bits or fewer${d}, too weak to trust.`,
    fix: () => KEY_FIX,
  },
  'cert.md5': {
    severity: 'critical',
    message: (s, d) => `${s} presents a chain with an MD5 signature${d}, which can be forged.`,
    fix: () =>
      "Reissue the certificate with a SHA-256 signature and serve the CA's current intermediate certificates.",
  },
  'cert.sha1': {
    severity: 'high',
    message: (s, d) =>
      `${s} presents a chain with a SHA-1 signature${d}: no public CA issues these any more and peers refuse them.`,
    fix: () =>
      "Reissue the certificate with a SHA-256 signature and serve the CA's current intermediate certificates (Prosody: the full chain in the certificate file).",
  },
  'cert.expiring-soon': {
    severity: 'medium',
    message: (s, d) => `${s} presents a certificate that expires within 14 days${d}.`,
    fix: () =>
      'Renew the certificate now and reload the server (`certbot renew`, then `prosodyctl --root cert import /etc/letsencrypt/live` and `prosodyctl reload`); automate renewal.',
  },
  'cert.no-client-auth': {
    severity: 'medium',
    message: (s) =>
      `${s} presents a certificate whose extended key usage lacks clientAuth: peers that insist on it cannot authenticate this server by certificate when it connects to them.`,
    fix: () =>
      'Use a certificate whose extended key usage includes TLS client authentication (or has no EKU extension) for server-to-server connections; until then peers fall back to dialback or refuse.',
  },
  'cert.untrusted': {
    severity: 'high',
    message: (s, d) => `${s} presents a certificate that does not chain to a trusted CA${d}.`,
    fix: () => TRUST_FIX,
  },
  'cert.expired': {
    severity: 'high',
    message: (s, d) => `${s} presents an expired certificate${d}.`,
    fix: () =>
      'Renew the certificate and reload the server (Prosody `prosodyctl --root cert import /etc/letsencrypt/live`, then `prosodyctl reload`); automate renewal.',
  },
  'cert.not-yet-valid': {
    severity: 'high',
    message: (s, d) => `${s} presents a certificate that is not valid yet${d}.`,
    fix: () =>
      'Check the server clock and the certificate dates, then install a currently valid certificate.',
  },
  'cert.name-mismatch': {
    severity: 'high',
    message: (s, d) => `${s} presents a certificate that is not issued for the domain${d}.`,
    fix: (ctx) =>
      `Get a certificate whose names include ${ctx.domain} (a DNS-ID, or the SRV-ID _xmpp-${ctx.service === 'c2s' ? 'client' : 'server'}.${ctx.domain}) and select it for this virtual host (Prosody \`VirtualHost "${ctx.domain}"\` with \`certificate = …\`).`,
  },
  'dh.small': {
    severity: 'medium',
    message: (s, d) => `${s} uses a Diffie-Hellman group under 2048 bits${d} (Logjam).`,
    fix: () =>
      'Use a 2048-bit or larger DH group (`openssl dhparam -out /etc/prosody/dh-2048.pem 2048`, Prosody `ssl = { dhparam = "/etc/prosody/dh-2048.pem" }`) or drop DHE suites in favour of ECDHE.',
  },
  'dh.broken': {
    severity: 'critical',
    message: (s, d) => `${s} uses a Diffie-Hellman group under 1024 bits${d}, which can be broken (Logjam).`,
    fix: () =>
      'Use a 2048-bit or larger DH group (`openssl dhparam -out /etc/prosody/dh-2048.pem 2048`, Prosody `ssl = { dhparam = "/etc/prosody/dh-2048.pem" }`) or drop DHE suites in favour of ECDHE.',
  },
  'dane.bogus': {
    severity: 'high',
    message: (s, d) =>
      `${s} has a TLSA answer${d} that fails DNSSEC validation (bogus): DANE-checking peers will refuse to connect.`,
    fix: () =>
      "Repair the zone's DNSSEC (re-sign it, check the DS record at the parent, e.g. with `dig +dnssec` or DNSViz), or remove the TLSA records until it validates.",
  },
  'dane.mismatch': {
    severity: 'high',
    message: (s, d) =>
      `${s} has DNSSEC-signed TLSA records${d} that match none of the presented certificates: DANE-checking peers will refuse to connect.`,
    fix: () =>
      'Update the TLSA records to the current certificate (e.g. `3 1 1 <SHA-256 of the public key>`); publish the new record before each certificate roll-over.',
  },
  'dane.unsigned': {
    severity: 'low',
    message: (s, d) => `${s} publishes TLSA records${d} without DNSSEC, so they are ignored.`,
    fix: () =>
      'Sign the zone with DNSSEC (and publish the DS record at the parent), or remove the TLSA records.',
  },
  'auth.no-dane-posh': {
    severity: 'info',
    message: (s) => `${s} would be A+ with a valid DANE record or POSH document.`,
    fix: (ctx) =>
      `Publish TLSA records (\`${tlsaOwner(ctx.target)} IN TLSA 3 1 1 <SHA-256 of the public key>\`) in a DNSSEC-signed zone, or a POSH document at https://${ctx.domain}/.well-known/posh/xmpp-${ctx.service === 'c2s' ? 'client' : 'server'}.json.`,
  },
};

/** Every code the rubric owns: re-grading replaces findings with these codes and keeps the others. */
export const RUBRIC_CODES: ReadonlySet<string> = new Set(Object.keys(CATALOG));
