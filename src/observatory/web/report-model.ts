// What the report page shows, as plain data made from a stored report: per service, target and
// address. The score breakdown and the caps come from running the pure rubric again on the stored
// facts (a read never writes). Fields a newer scanner adds to a target that this model does not know
// yet are kept as `otherFacts`, so the page shows them before it learns to lay them out. Pure.
import { targetLabel } from '../../core/grade-report.ts';
import type {
  CertificateInfo,
  CipherSuite,
  DaneResult,
  DomainReport,
  Finding,
  Grade,
  LetterGrade,
  PoshResult,
  ServiceReport,
  TargetReport,
  TlsResult,
} from '../../core/report.ts';
import { upgradeReport } from '../../core/report-upgrade.ts';
import { type CapLimit, gradeTarget, type RubricParts } from '../../core/rubric.ts';
import { isMlKemGroup } from '../report-facts.ts';

export interface SuiteRow {
  /** 1-based position in the server's order (or the registry's when it has none). */
  order: number;
  name: string;
  /** `0xC02F`. */
  code: string;
  bits: number;
  /** `strong`, `weak` or `insecure`, with why in `weakness` when not strong. */
  strength: 'strong' | 'weak' | 'insecure';
  weakness: string | null;
  forwardSecrecy: boolean;
  aead: boolean;
}

export interface TlsModel {
  versions: { version: string; suites: SuiteRow[] }[];
  /** `server` picks its favourite, `client` follows the client's order, `unknown`. */
  order: 'server' | 'client' | 'unknown';
  groups: string[];
  mlkemGroups: string[];
  dhBits: number | null;
  compression: boolean;
}

export interface CertificateModel {
  position: 'leaf' | 'intermediate' | 'root';
  subject: string;
  issuer: string;
  dnsIds: string[];
  srvIds: string[];
  xmppAddrs: string[];
  notBefore: string;
  notAfter: string;
  key: string;
  signature: string;
  sha256Fingerprint: string;
  spkiSha256: string;
  /** Fields a newer scanner records (EKU, …), shown as they are. */
  otherFacts: [string, string][];
}

export interface TlsaRow {
  usage: string;
  selector: string;
  matchingType: string;
  data: string;
  /** Which presented certificate the record names, when the stored hashes can tell; else why not. */
  matches: string;
}

export interface ScoreModel {
  parts: RubricParts;
  score: number;
  /** The letter the score alone gives, before caps. */
  caps: { limit: CapLimit; reason: string }[];
}

export interface TargetModel {
  label: string;
  kind: 'STARTTLS' | 'direct TLS';
  source: 'SRV record' | 'fallback to the domain';
  priority: number | null;
  weight: number | null;
  addresses: string[];
  /** The address this entry probed (one entry per target and address); null when unresolved. */
  address: string | null;
  dnssec: boolean;
  status: 'ok' | 'error';
  error: string | null;
  grade: Grade | null;
  gradeIfTrusted: LetterGrade | null;
  score: ScoreModel | null;
  tls: TlsModel | null;
  chain: CertificateModel[];
  trust: { trusted: boolean; why: string | null; expired: boolean; identity: string } | null;
  dane: { name: string; dnssec: boolean; matches: boolean | null; records: TlsaRow[] } | null;
  stream: {
    starttls: string;
    saslBeforeTls: string[];
    saslAfterTls: string[];
    dialback: boolean;
    saslExternal: boolean;
    refusesUnauthenticated: boolean | null;
    /** The TLS handshake fails without a client certificate. */
    demandsClientCertificate: boolean;
    software: string | null;
  } | null;
  /** Target fields this model does not lay out (per-address results, …), name and JSON text. */
  otherFacts: [string, string][];
}

export interface ServiceModel {
  kind: 'c2s' | 's2s';
  title: string;
  grade: Grade | null;
  gradeIfTrusted: LetterGrade | null;
  encryption: string;
  authentication: string;
  dialback: boolean;
  /** s2s: what it does with a peer it cannot authenticate. */
  authPolicy: string | null;
  saslBeforeTls: string[];
  saslAfterTls: string[];
  posh: PoshResult | null;
  targets: TargetModel[];
  findings: Finding[];
}

export interface ReportModel {
  domain: string;
  scannedAt: string;
  rubricVersion: number;
  /** Whether the scan's resolver validates DNSSEC, in words; null in reports from before it was checked. */
  resolver: string | null;
  services: ServiceModel[];
}

const KNOWN_TARGET_FIELDS = new Set([
  'host',
  'port',
  'directTls',
  'source',
  'priority',
  'weight',
  'addresses',
  'address',
  'dnssec',
  'status',
  'error',
  'failure',
  'stream',
  'tls',
  'certificate',
  'dane',
  'grade',
  'gradeIfTrusted',
  'score',
  'findings',
  'durationMs',
]);
const KNOWN_CERT_FIELDS = new Set([
  'subject',
  'issuer',
  'serialNumber',
  'notBefore',
  'notAfter',
  'keyType',
  'keyBits',
  'signatureAlgorithm',
  'signatureHash',
  'sha256Fingerprint',
  'spkiSha256',
  'names',
]);

export function reportModel(stored: DomainReport): ReportModel {
  // Older stored reports in today's shape (a pure read: nothing is written back).
  const report = upgradeReport(stored);
  return {
    domain: report.domain,
    scannedAt: report.scannedAt,
    rubricVersion: report.rubricVersion,
    resolver: report.resolver ? resolverText(report.resolver) : null,
    services: [
      serviceModel(report, report.services.c2s, 'Client connections (c2s)'),
      serviceModel(report, report.services.s2s, 'Server connections (s2s)'),
    ],
  };
}

function serviceModel(
  report: Pick<DomainReport, 'domain' | 'scannedAt'>,
  service: ServiceReport,
  title: string,
): ServiceModel {
  const _domain = report.domain;
  const refusals = service.targets
    .map((t) => t.stream?.refusesUnauthenticated)
    .filter((v): v is boolean => typeof v === 'boolean');
  const authPolicy =
    service.service !== 's2s'
      ? null
      : refusals.length === 0
        ? 'not probed'
        : refusals.some((v) => v)
          ? 'refuses peers it cannot authenticate'
          : 'accepts peers it cannot authenticate (after TLS)';
  return {
    kind: service.service,
    title,
    grade: service.grade,
    gradeIfTrusted: service.gradeIfTrusted,
    encryption: ENCRYPTION_TEXT[service.encryption],
    authentication: service.authentication.map((m) => AUTH_TEXT[m]).join(', ') || 'not authenticated',
    dialback: service.dialback,
    authPolicy,
    saslBeforeTls: service.saslMechanisms.beforeTls,
    saslAfterTls: service.saslMechanisms.afterTls,
    posh: service.posh,
    targets: service.targets.map((t) => targetModel(report, service, t)),
    findings: service.findings,
  };
}

function resolverText(check: NonNullable<DomainReport['resolver']>): string {
  if (check.validates === true) return `${check.resolver} validates DNSSEC`;
  if (check.validates === false)
    return `${check.resolver} does not validate DNSSEC (no AD for ${check.probeName}): DNSSEC and DANE statuses below are unknown`;
  return `${check.resolver}: whether it validates DNSSEC could not be checked (${check.error ?? 'no answer'})`;
}

const ENCRYPTION_TEXT = {
  required: 'required (STARTTLS mandatory or direct TLS)',
  optional: 'optional: STARTTLS can be stripped',
  none: 'none: no TLS offered',
} as const;
const AUTH_TEXT = { pkix: 'certificate (PKIX)', dane: 'DANE', posh: 'POSH' } as const;

export function targetModel(
  report: Pick<DomainReport, 'domain' | 'scannedAt'>,
  service: ServiceReport,
  t: TargetReport,
): TargetModel {
  const otherFacts = Object.entries(t)
    .filter(([key, value]) => !KNOWN_TARGET_FIELDS.has(key) && value !== undefined)
    .map(([key, value]): [string, string] => [key, JSON.stringify(value, null, 2)]);
  return {
    label: targetLabel(t),
    kind: t.directTls ? 'direct TLS' : 'STARTTLS',
    source: t.source === 'srv' ? 'SRV record' : 'fallback to the domain',
    priority: t.priority,
    weight: t.weight,
    addresses: t.addresses,
    address: t.address ?? null,
    dnssec: t.dnssec,
    status: t.status,
    error: t.error,
    grade: t.grade,
    gradeIfTrusted: t.gradeIfTrusted,
    score: t.status === 'ok' ? scoreModel(report, service, t) : null,
    tls: t.tls && t.tls.versions.length > 0 ? tlsModel(t.tls) : null,
    chain: (t.certificate?.chain ?? []).map((c, i, all) => certificateModel(c, i, all.length)),
    trust: t.certificate
      ? {
          trusted: t.certificate.trusted,
          why: t.certificate.trusted
            ? null
            : (t.certificate.trustError ?? (t.certificate.selfSigned ? 'self-signed' : 'unknown issuer')),
          expired: t.certificate.expired,
          identity: t.certificate.identity.matches
            ? `matches ${report.domain} (${t.certificate.identity.matchedBy.join(', ')})`
            : `does not match ${report.domain}`,
        }
      : null,
    dane: t.dane ? daneModel(t.dane, t.certificate?.chain ?? []) : null,
    stream: t.stream
      ? {
          starttls: t.stream.starttls,
          saslBeforeTls: t.stream.saslBeforeTls,
          saslAfterTls: t.stream.saslAfterTls,
          dialback: t.stream.dialback,
          saslExternal: t.stream.saslExternal,
          refusesUnauthenticated: t.stream.refusesUnauthenticated ?? null,
          demandsClientCertificate: t.stream.demandsClientCertificate === true,
          software: t.stream.software
            ? [t.stream.software.name, t.stream.software.version, t.stream.software.os]
                .filter(Boolean)
                .join(' ')
            : null,
        }
      : null,
    otherFacts,
  };
}

/** The rubric once more on the stored facts: the parts of the score and every cap that applied. */
export function scoreModel(
  report: Pick<DomainReport, 'domain' | 'scannedAt'>,
  service: ServiceReport,
  t: TargetReport,
): ScoreModel {
  const result = gradeTarget({
    domain: report.domain,
    scannedAt: report.scannedAt,
    service: service.service,
    target: targetLabel(t),
    tls: t.tls,
    certificate: t.certificate,
    dane: t.dane,
    poshMatches: service.posh?.matches ?? null,
    encryption: service.encryption,
  });
  return {
    parts: result.parts,
    score: result.score,
    caps: result.caps.map((cap) => ({
      limit: cap.limit,
      reason: result.findings.find((f) => f.code === cap.code)?.message ?? cap.code,
    })),
  };
}

export function tlsModel(tls: TlsResult): TlsModel {
  return {
    versions: tls.perVersion.map((v) => ({
      version: v.version,
      suites: v.suites.map((s, i) => suiteRow(s, i + 1)),
    })),
    order: tls.serverPreference === true ? 'server' : tls.serverPreference === false ? 'client' : 'unknown',
    groups: tls.groups,
    mlkemGroups: tls.groups.filter(isMlKemGroup),
    dhBits: tls.dhBits,
    compression: tls.compression,
  };
}

export function suiteRow(s: CipherSuite, order: number): SuiteRow {
  const insecure = [
    s.anonymous && 'anonymous',
    (s.bits === 0 || s.cipher.toUpperCase() === 'NULL') && 'no encryption',
    s.export && 'export grade',
    s.rc4 && 'RC4',
  ].filter((x): x is string => typeof x === 'string');
  const weak = [
    s.smallBlock && '64-bit block',
    s.bits > 0 && s.bits < 128 && `${s.bits}-bit key`,
    !s.forwardSecrecy && 'no forward secrecy',
    !s.aead && 'CBC',
  ].filter((x): x is string => typeof x === 'string');
  return {
    order,
    name: s.name,
    code: `0x${s.code.toString(16).toUpperCase().padStart(4, '0')}`,
    bits: s.bits,
    strength: insecure.length > 0 ? 'insecure' : weak.length > 0 ? 'weak' : 'strong',
    weakness: [...insecure, ...weak].join(', ') || null,
    forwardSecrecy: s.forwardSecrecy,
    aead: s.aead,
  };
}

function certificateModel(c: CertificateInfo, index: number, length: number): CertificateModel {
  return {
    position: index === 0 ? 'leaf' : index === length - 1 && c.subject === c.issuer ? 'root' : 'intermediate',
    subject: c.subject,
    issuer: c.issuer,
    dnsIds: c.names.dnsIds,
    srvIds: c.names.srvIds,
    xmppAddrs: c.names.xmppAddrs,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    key: `${c.keyType} ${c.keyBits} bits`,
    signature: c.signatureAlgorithm,
    sha256Fingerprint: c.sha256Fingerprint,
    spkiSha256: c.spkiSha256,
    otherFacts: Object.entries(c)
      .filter(([key, value]) => !KNOWN_CERT_FIELDS.has(key) && value !== undefined)
      .map(([key, value]): [string, string] => [
        key,
        typeof value === 'string' ? value : JSON.stringify(value),
      ]),
  };
}

const TLSA_USAGE = ['PKIX-TA (0)', 'PKIX-EE (1)', 'DANE-TA (2)', 'DANE-EE (3)'];
const TLSA_SELECTOR = ['full certificate (0)', 'public key (1)'];
const TLSA_MATCHING = ['exact (0)', 'SHA-256 (1)', 'SHA-512 (2)'];

function daneModel(dane: DaneResult, chain: readonly CertificateInfo[]): TargetModel['dane'] {
  return {
    name: dane.name,
    dnssec: dane.dnssec,
    matches: dane.matches,
    records: dane.records.map((r) => ({
      usage: TLSA_USAGE[r.usage] ?? String(r.usage),
      selector: TLSA_SELECTOR[r.selector] ?? String(r.selector),
      matchingType: TLSA_MATCHING[r.matchingType] ?? String(r.matchingType),
      data: r.data,
      matches: tlsaMatch(r, chain),
    })),
  };
}

/**
 * Which presented certificate a TLSA record names: the report keeps each certificate's SHA-256 and its
 * key's SHA-256, so SHA-256 records can be told; exact and SHA-512 ones were judged only at scan time.
 */
export function tlsaMatch(record: DaneResult['records'][number], chain: readonly CertificateInfo[]): string {
  if (record.matchingType !== 1) return 'checked at scan time only (see the verdict above)';
  const data = record.data.toLowerCase();
  const endEntity = record.usage === 1 || record.usage === 3;
  const candidates = endEntity ? chain.slice(0, 1) : chain.slice(1);
  const hit = candidates.findIndex(
    (c) => (record.selector === 1 ? c.spkiSha256 : c.sha256Fingerprint).toLowerCase() === data,
  );
  if (hit === -1) return endEntity ? 'matches not the presented certificate' : 'matches no presented CA';
  return endEntity ? 'matches the presented certificate' : `matches CA #${hit + 2} of the chain`;
}
