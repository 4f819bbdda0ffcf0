// The versioned JSON report of one XMPP domain: what the scanner observed (facts) plus what the
// rubric concluded from them (grades). Plain data only, so it can be stored, served and re-graded.

/**
 * Bumped whenever a field changes meaning; stored with every report. v2: one target entry per address
 * (`address`), the resolver's DNSSEC validation (`resolver`), a demanded client certificate.
 */
export const REPORT_VERSION = 2;
/** Versions a stored report may carry; older ones are upgraded on read (report-upgrade.ts). */
export const READABLE_REPORT_VERSIONS: readonly number[] = [1, 2];

export type ServiceKind = 'c2s' | 's2s';

/** Protocol names as OpenSSL and testssl print them, except TLS 1.0 which gets its minor number. */
export type TlsVersion = 'SSLv2' | 'SSLv3' | 'TLSv1.0' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
export const TLS_VERSIONS: readonly TlsVersion[] = [
  'SSLv2',
  'SSLv3',
  'TLSv1.0',
  'TLSv1.1',
  'TLSv1.2',
  'TLSv1.3',
];

export type LetterGrade = 'A+' | 'A' | 'A-' | 'B' | 'C' | 'D' | 'E' | 'F';
/** `T`: the certificate does not authenticate the domain; the letter it would have had is `gradeIfTrusted`. */
export type Grade = LetterGrade | 'T';

export type Encryption = 'required' | 'optional' | 'none';
export type AuthMethod = 'pkix' | 'dane' | 'posh';
export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

export interface Finding {
  /** Stable machine code, e.g. `tls.version.tls10`, `cert.self-signed`. */
  code: string;
  severity: Severity;
  /** What was observed, for people. */
  message: string;
  /** What the operator should change. */
  fix: string;
  /** `host:port` of the target it concerns, when it is about one target. */
  target?: string;
}

/** One cipher suite the server accepted, with the properties the rubric needs. */
export interface CipherSuite {
  /** IANA code, e.g. 0x1301. */
  code: number;
  /** IANA name, e.g. `TLS_AES_128_GCM_SHA256`. */
  name: string;
  /** Key exchange: RSA, DH, DHE, ECDH, ECDHE, PSK, SRP, KRB5, GOST, or `any` for TLS 1.3 suites. */
  keyExchange: string;
  /** Authentication: RSA, DSS, ECDSA, anon, PSK, … or `any` for TLS 1.3 suites. */
  authentication: string;
  /** Bulk cipher, e.g. AES_128_GCM, CHACHA20_POLY1305, 3DES_EDE_CBC, RC4_128, NULL. */
  cipher: string;
  /** Effective symmetric key bits (0 for NULL, 40 for export RC4_40, 112 for 3DES). */
  bits: number;
  aead: boolean;
  forwardSecrecy: boolean;
  export: boolean;
  anonymous: boolean;
  /** 64-bit block cipher (3DES, DES, IDEA, RC2): Sweet32. */
  smallBlock: boolean;
  rc4: boolean;
}

export interface TlsVersionResult {
  version: TlsVersion;
  /** Suites in the server's preference order when it has one, else in registry order. */
  suites: CipherSuite[];
}

export interface TlsResult {
  /** Versions the server negotiated, lowest first. */
  versions: TlsVersion[];
  perVersion: TlsVersionResult[];
  /** True when the server picks its own favourite suite; null when it could not be told (one suite). */
  serverPreference: boolean | null;
  /** Named groups accepted for (EC)DHE, e.g. x25519, secp256r1, ffdhe2048. */
  groups: string[];
  /** Smallest finite-field DH group offered in a DHE handshake, in bits; null when no DHE suite. */
  dhBits: number | null;
  /** TLS-level compression (CRIME). */
  compression: boolean;
  /** How many handshakes the probe took, for benchmarks. */
  handshakes: number;
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  /** RSA, EC, Ed25519, Ed448, DSA. */
  keyType: string;
  keyBits: number;
  /** EC keys: the named curve as OpenSSL names it (prime256v1, secp384r1…); absent for other keys and older reports. */
  curve?: string;
  /**
   * Extended key usage OIDs (serverAuth 1.3.6.1.5.5.7.3.1, clientAuth 1.3.6.1.5.5.7.3.2); null when the
   * certificate has no EKU extension (any use); absent in reports from before the scanner read it.
   */
  extendedKeyUsage?: string[] | null;
  /** e.g. sha256WithRSAEncryption, ecdsa-with-SHA256. */
  signatureAlgorithm: string;
  /** The hash of the signature: md5, sha1, sha256, sha384, sha512, or `intrinsic` for EdDSA. */
  signatureHash: string;
  sha256Fingerprint: string;
  /** SHA-256 of the SubjectPublicKeyInfo, hex. */
  spkiSha256: string;
  names: {
    dnsIds: string[];
    /** SRV-IDs as written, e.g. `_xmpp-client.example.org`. */
    srvIds: string[];
    /** id-on-xmppAddr values. */
    xmppAddrs: string[];
    /** Subject CN, only as a fallback reference. */
    commonName: string | null;
  };
}

export interface CertificateResult {
  /** Leaf first. */
  chain: CertificateInfo[];
  /** The chain verifies to a trust anchor (Mozilla roots or an extra CA). */
  trusted: boolean;
  /** Why not, in words, when not trusted (self-signed, unknown issuer, bad signature). */
  trustError: string | null;
  selfSigned: boolean;
  expired: boolean;
  notYetValid: boolean;
  /** RFC 6125 / RFC 7590 identity match against the source domain. */
  identity: {
    matches: boolean;
    /** Which kinds of identifier matched. */
    matchedBy: ('dns-id' | 'srv-id' | 'xmpp-addr' | 'cn')[];
  };
}

export interface DaneResult {
  /** Owner name queried, e.g. `_5269._tcp.xmpp.example.org`. */
  name: string;
  /** The answer was DNSSEC-validated (AD bit). DANE counts only then. */
  dnssec: boolean;
  records: { usage: number; selector: number; matchingType: number; data: string }[];
  /** At least one usable record matched the presented chain; null when there are no (validated) records. */
  matches: boolean | null;
  /**
   * The validating resolver failed the TLSA answer (SERVFAIL from a validating resolver: bogus
   * DNSSEC); absent in reports from before the scanner told it apart.
   */
  bogus?: boolean;
}

export interface StreamResult {
  /** `to`/`from`/`version`/`id` of the server's stream header. */
  header: { from: string | null; id: string | null; version: string | null };
  starttls: 'required' | 'offered' | 'none';
  /** SASL mechanisms offered before TLS (PLAIN here is a finding). */
  saslBeforeTls: string[];
  /** SASL mechanisms offered after TLS. */
  saslAfterTls: string[];
  /** s2s: XEP-0220 dialback offered (`urn:xmpp:features:dialback`). */
  dialback: boolean;
  /** s2s: SASL EXTERNAL offered after TLS. */
  saslExternal: boolean;
  /** XEP-0092 answer where the server gave one, or the software recognised from the stream. */
  software: { name: string; version: string | null; os: string | null } | null;
  /**
   * s2s: after TLS, the server closed the stream of a peer it could not authenticate (a `from` with
   * no certificate and no dialback): it refuses unauthenticated peers. Null or absent: not probed.
   */
  refusesUnauthenticated?: boolean | null;
  /**
   * The TLS handshake failed because the server demands a client certificate (it asked for one and
   * refused the connection without it); the certificate it presented is still read. Absent: not seen.
   */
  demandsClientCertificate?: boolean;
}

/** Why a target could not be scanned, when the scanner could tell. */
export type TargetFailure = 'nxdomain' | 'no-address' | 'refused' | 'timeout' | 'error';

export interface TargetReport {
  host: string;
  port: number;
  /** XEP-0368 direct TLS (`_xmpps-*`), else STARTTLS. */
  directTls: boolean;
  /** Where the target came from: an SRV record or the fallback to the domain itself. */
  source: 'srv' | 'fallback';
  priority: number | null;
  weight: number | null;
  /** Every address of the host (up to the cap); the entry's own is `address`. */
  addresses: string[];
  /**
   * The address this entry probed: a target has one entry per address (v2), each graded on its own.
   * Null when the host could not be resolved.
   */
  address: string | null;
  /** The address answers were DNSSEC-validated. */
  dnssec: boolean;
  /** `ok` when the stream and TLS probes completed, else `error` with a sentence in `error`. */
  status: 'ok' | 'error';
  error: string | null;
  /** With `error`: what kind of failure; absent in reports from before summary v2. */
  failure?: TargetFailure | null;
  stream: StreamResult | null;
  tls: TlsResult | null;
  certificate: CertificateResult | null;
  dane: DaneResult | null;
  /** Graded by the rubric: see `ServiceReport`. */
  grade: Grade | null;
  gradeIfTrusted: LetterGrade | null;
  score: number | null;
  findings: Finding[];
  durationMs: number;
}

export interface PoshResult {
  url: string;
  /** The document was fetched over valid HTTPS and parsed. */
  found: boolean;
  fingerprints: { algorithm: 'sha-256' | 'sha-512'; value: string }[];
  /** A presented certificate matched a fingerprint; null when no document. */
  matches: boolean | null;
  error: string | null;
}

export interface ServiceReport {
  service: ServiceKind;
  /** Worst grade over the reachable targets; null when no target could be scanned. */
  grade: Grade | null;
  gradeIfTrusted: LetterGrade | null;
  score: number | null;
  encryption: Encryption;
  /** Union over targets, lowest first. */
  tlsVersions: TlsVersion[];
  /** Union over targets, IANA names. */
  cipherSuites: string[];
  /** Which authentication methods hold for every reachable target. */
  authentication: AuthMethod[];
  /** s2s: dialback offered. */
  dialback: boolean;
  saslMechanisms: { beforeTls: string[]; afterTls: string[] };
  posh: PoshResult | null;
  targets: TargetReport[];
  /** Service-level findings plus every target's findings. */
  findings: Finding[];
}

/** Whether the resolver the scan asked validates DNSSEC: all DNSSEC and DANE facts depend on it. */
export interface ResolverCheck {
  /** `host:port` of the resolver. */
  resolver: string;
  /** The name asked with DO whose answer a validating resolver marks authenticated (AD). */
  probeName: string;
  /** True: it set AD; false: it never set AD, even for a signed name; null: the check failed. */
  validates: boolean | null;
  /** Why the check failed, when `validates` is null. */
  error: string | null;
}

export interface DomainReport {
  reportVersion: typeof REPORT_VERSION;
  /** Normalised: ASCII (IDNA), lower case, no trailing dot. */
  domain: string;
  scannedAt: string;
  /** Version of the rubric that produced the grades; re-grading replaces it. */
  rubricVersion: number;
  scanner: { name: 'hoplight'; version: string };
  services: { c2s: ServiceReport; s2s: ServiceReport };
  /** Absent in reports from before v2. */
  resolver?: ResolverCheck;
  durationMs: number;
}
