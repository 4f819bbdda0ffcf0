// Rubric v2 (DESIGN §3: v1 plus the 2026 changes at its end): grades one scanned target from its facts
// alone, so stored reports can be re-graded without rescanning. Pure.
//
// Decisions where DESIGN leaves room (also listed in the report to the lead):
// - No TLS at all (no TLS result, or no version negotiated): score 0, all parts 0, grade F.
// - Cipher "mean of weakest and strongest": suites of every version are pooled (TLS 1.3 suites next
//   to 1.2 ones); the score of the fewest-bit suite and that of the most-bit suite are averaged.
// - Key exchange "weakest of": the leaf key (RSA/DSA by bits, EC/EdDSA 100), the smallest DHE group
//   (`dhBits`), ECDHE (100); export suites cap it at 40, anonymous suites make it 0. With no
//   certificate and no (EC)DHE there is nothing that exchanges keys we can rate: 0.
// - The score is kept exact (the weights are applied as integers: 3·p + 3·k + 4·c over 10).
// - T wins over every letter, F included ("T (F)"), as DESIGN §3 shows T with the letter it would
//   have had; only a target without TLS at all is a plain F (there is no certificate to judge).
// - A+ is an upgrade of A (after caps), never of A-.
// - The key-size caps (`cert.rsa-broken` < 1024 → F, `cert.rsa-small` < 2048 → B) apply to RSA only,
//   as DESIGN says; DSA keys are rated by bits in the key-exchange part.
// - A certificate that is absent while TLS ran (and no DANE/POSH) gives T, like an untrusted one.
//
// Rubric v2 decisions:
// - "Anywhere in the chain" means every presented certificate except a self-signed one above the
//   leaf: nobody checks a trust anchor's own signature, so a SHA-1 self-signed root is no finding.
// - SHA-1 in the chain makes PKIX not count (peers refuse the chain); a valid DANE record or POSH
//   document still authenticates, as T's definition allows. A validated DANE mismatch or a bogus
//   TLSA answer gives T whatever else holds: DANE-checking peers refuse the server.
// - The 14-day expiry warning is measured from the report's `scannedAt`, so re-grading is stable;
//   it covers every certificate of the chain but the anchors.
// - "CBC on TLS 1.2 → A- at most" is about the TLS 1.2 suites; CBC only on TLS 1.0/1.1 keeps the
//   v1 `tls.cipher.not-aead` note (those versions already cap at B).
// - EC keys: P-192 and smaller (≤ 192 bits) → F; an unknown curve (0 bits) is not judged by size.
import { capGrade, gradeFromScore } from './grades.ts';
import type {
  AuthMethod,
  CertificateInfo,
  CertificateResult,
  CipherSuite,
  DaneResult,
  Encryption,
  Finding,
  Grade,
  LetterGrade,
  ServiceKind,
  TlsResult,
  TlsVersion,
} from './report.ts';
import { TLS_VERSIONS } from './report.ts';
import { type FindingContext, type RubricCode, rubricFinding } from './rubric-findings.ts';
import { ellipticGroupBits, isPostQuantumGroup } from './tls-groups.ts';

export const RUBRIC_VERSION = 2;

/** A certificate expiring within this many days is a warning (DESIGN §2). */
export const EXPIRY_WARNING_DAYS = 14;

const CLIENT_AUTH_EKU = '1.3.6.1.5.5.7.3.2';
const ANY_EKU = '2.5.29.37.0';

/** The facts of one target the rubric reads. */
export interface RubricInput {
  domain: string;
  service: ServiceKind;
  /** `host:port`, to name the target in findings. */
  target: string;
  /** null: the target offered no TLS. */
  tls: TlsResult | null;
  certificate: CertificateResult | null;
  dane: DaneResult | null;
  /** The service's POSH document matched a presented certificate; null when there is none. */
  poshMatches: boolean | null;
  /** The service's STARTTLS policy (a scanner fact). */
  encryption: Encryption;
  /** When the facts were observed (ISO 8601): the reference time for the expiry warning. */
  scannedAt: string;
}

/** A ceiling on the letter; `A-` only lowers an A. */
export type CapLimit = 'F' | 'C' | 'B' | 'A-';

export interface Cap {
  limit: CapLimit;
  code: RubricCode;
}

export interface RubricParts {
  protocol: number;
  keyExchange: number;
  cipher: number;
}

export interface RubricResult {
  /** 0.3·protocol + 0.3·keyExchange + 0.4·cipher, 0–100. */
  score: number;
  grade: Grade;
  /** The letter regardless of authentication; equals `grade` unless that is T. */
  gradeIfTrusted: LetterGrade;
  findings: Finding[];
  parts: RubricParts;
  caps: Cap[];
  /** Which methods authenticate the domain for this target. */
  authenticatedBy: AuthMethod[];
}

const PROTOCOL_SCORE: Record<TlsVersion, number> = {
  SSLv2: 0,
  SSLv3: 80,
  'TLSv1.0': 90,
  'TLSv1.1': 95,
  'TLSv1.2': 100,
  'TLSv1.3': 100,
};

/** DESIGN §3 key-exchange table for RSA keys and finite-field DH groups. */
export function finiteFieldScore(bits: number): number {
  if (bits < 512) return 20;
  if (bits < 1024) return 40;
  if (bits < 2048) return 80;
  if (bits < 4096) return 90;
  return 100;
}

/** DESIGN §3 cipher-strength table. */
export function cipherBitsScore(bits: number): number {
  if (bits <= 0) return 0;
  if (bits < 128) return 20;
  if (bits < 256) return 80;
  return 100;
}

/** Mean of the best and worst version offered; 0 when none. */
export function protocolScore(versions: readonly TlsVersion[]): number {
  const offered = TLS_VERSIONS.filter((v) => versions.includes(v));
  const lowest = offered[0];
  const highest = offered[offered.length - 1];
  if (lowest === undefined || highest === undefined) return 0;
  return (PROTOCOL_SCORE[lowest] + PROTOCOL_SCORE[highest]) / 2;
}

export function allSuites(tls: TlsResult): CipherSuite[] {
  return tls.perVersion.flatMap((v) => v.suites);
}

/** Mean of the scores of the weakest and the strongest suite over all versions; 0 when none. */
export function cipherScore(suites: readonly CipherSuite[]): number {
  if (suites.length === 0) return 0;
  const bits = suites.map((s) => s.bits);
  return (cipherBitsScore(Math.min(...bits)) + cipherBitsScore(Math.max(...bits))) / 2;
}

const ELLIPTIC_KEYS = new Set(['EC', 'ECDSA', 'ED25519', 'ED448']);

/** Weakest of the leaf key and the ephemeral exchange; see the decisions at the top. */
export function keyExchangeScore(tls: TlsResult, certificate: CertificateResult | null): number {
  const suites = allSuites(tls);
  if (suites.some((s) => s.anonymous)) return 0;
  const parts: number[] = [];
  const leaf = certificate?.chain[0];
  if (leaf) {
    const type = leaf.keyType.toUpperCase();
    parts.push(ELLIPTIC_KEYS.has(type) ? 100 : finiteFieldScore(leaf.keyBits));
  }
  if (tls.dhBits !== null) parts.push(finiteFieldScore(tls.dhBits));
  if (suites.some((s) => isEcdhe(s))) parts.push(100);
  if (parts.length === 0) return 0;
  const weakest = Math.min(...parts);
  return suites.some((s) => s.export) ? Math.min(weakest, 40) : weakest;
}

function isEcdhe(suite: CipherSuite): boolean {
  return suite.keyExchange.toUpperCase() === 'ECDHE' || suite.keyExchange.toLowerCase() === 'any';
}

/** Exact 0.3·p + 0.3·k + 0.4·c: integer weights avoid 79.99999 where 80 is meant. */
export function weightedScore(parts: RubricParts): number {
  return (3 * parts.protocol + 3 * parts.keyExchange + 4 * parts.cipher) / 10;
}

/** PKIX: trusted chain, within its validity period, identity matching the domain, no SHA-1 in it. */
export function pkixAuthenticates(certificate: CertificateResult | null): boolean {
  return (
    certificate?.trusted === true &&
    !certificate.expired &&
    !certificate.notYetValid &&
    certificate.identity.matches &&
    !checkedChain(certificate).some((c) => c.signatureHash.toLowerCase() === 'sha1')
  );
}

/** The chain whose signatures peers check: every certificate but a self-signed one above the leaf. */
export function checkedChain(certificate: CertificateResult): CertificateInfo[] {
  return certificate.chain.filter((c, i) => i === 0 || c.subject !== c.issuer);
}

/** A validated TLSA set that matches nothing, or a bogus answer: DANE-checking peers refuse. */
export function daneRefused(dane: DaneResult | null): boolean {
  return dane?.bogus === true || (dane?.dnssec === true && dane.matches === false);
}

/** DANE counts only when validated; the DANE module already applied the usage rules to `matches`. */
export function daneAuthenticates(dane: DaneResult | null): boolean {
  return dane?.dnssec === true && dane.matches === true;
}

export function authenticatedBy(
  certificate: CertificateResult | null,
  dane: DaneResult | null,
  poshMatches: boolean | null,
): AuthMethod[] {
  const methods: AuthMethod[] = [];
  if (pkixAuthenticates(certificate)) methods.push('pkix');
  if (daneAuthenticates(dane)) methods.push('dane');
  if (certificate !== null && poshMatches === true) methods.push('posh');
  return methods;
}

const NO_TLS_PARTS: RubricParts = { protocol: 0, keyExchange: 0, cipher: 0 };

export function gradeTarget(input: RubricInput): RubricResult {
  const ctx: FindingContext = { domain: input.domain, service: input.service, target: input.target };
  const tls = input.tls;
  if (tls === null || tls.versions.length === 0) {
    return {
      score: 0,
      grade: 'F',
      gradeIfTrusted: 'F',
      findings: [rubricFinding('policy.no-tls', ctx)],
      parts: { ...NO_TLS_PARTS },
      caps: [{ limit: 'F', code: 'policy.no-tls' }],
      authenticatedBy: [],
    };
  }

  const suites = allSuites(tls);
  const parts: RubricParts = {
    protocol: protocolScore(tls.versions),
    keyExchange: keyExchangeScore(tls, input.certificate),
    cipher: cipherScore(suites),
  };
  const score = weightedScore(parts);
  const caps: Cap[] = [];
  const findings: Finding[] = [];
  const flag = (limit: CapLimit | null, code: RubricCode, detail = '', severity?: Finding['severity']) => {
    if (limit !== null) caps.push({ limit, code });
    findings.push(rubricFinding(code, ctx, detail, severity));
  };
  const has = (v: TlsVersion) => tls.versions.includes(v);
  const named = (pick: (s: CipherSuite) => boolean) => suiteNames(suites.filter(pick));

  if (suites.length === 0) flag(null, 'tls.cipher.none-recorded');

  // Protocol versions.
  if (has('SSLv2')) flag('F', 'tls.protocol.sslv2');
  if (has('SSLv3')) flag('C', 'tls.protocol.sslv3');
  if (has('TLSv1.0')) flag('B', 'tls.protocol.tls10');
  if (has('TLSv1.1')) flag('B', 'tls.protocol.tls11');
  if (!has('TLSv1.2') && !has('TLSv1.3')) flag('C', 'tls.protocol.no-modern');
  if (!has('TLSv1.3')) flag('A-', 'tls.protocol.no-tls13');

  // Cipher suites.
  const anonymous = named((s) => s.anonymous);
  if (anonymous) flag('F', 'tls.cipher.anonymous', anonymous);
  const nullSuites = named((s) => s.bits === 0 || s.cipher.toUpperCase() === 'NULL');
  if (nullSuites) flag('F', 'tls.cipher.null', nullSuites);
  const exportSuites = named((s) => s.export);
  if (exportSuites) flag('F', 'tls.cipher.export', exportSuites);
  const rc4 = named((s) => s.rc4);
  if (rc4) flag('C', 'tls.cipher.rc4', rc4);
  const smallBlock = named((s) => s.smallBlock);
  if (smallBlock) flag('C', 'tls.cipher.64bit-block', smallBlock);
  const noFs = named((s) => !s.forwardSecrecy);
  if (noFs) flag('B', 'tls.cipher.no-forward-secrecy', noFs);
  const tls12 = tls.perVersion.find((v) => v.version === 'TLSv1.2')?.suites ?? [];
  const cbc12 = suiteNames(tls12.filter((s) => !s.aead));
  const notAead = named((s) => !s.aead);
  if (cbc12) flag('A-', 'tls.cipher.cbc-tls12', cbc12);
  else if (notAead) flag(null, 'tls.cipher.not-aead', notAead);
  if (tls.compression) flag('C', 'tls.compression');

  // Key-exchange groups.
  const weakGroups = tls.groups.filter((g) => {
    const bits = ellipticGroupBits(g);
    return bits !== null && bits < 224;
  });
  if (weakGroups.length > 0) flag('F', 'tls.group.weak', `: ${weakGroups.join(', ')}`);
  const hybrids = tls.groups.filter(isPostQuantumGroup);
  if (hybrids.length > 0) flag(null, 'tls.group.post-quantum', `: ${hybrids.join(', ')}`);

  // Keys and signatures.
  const leaf = input.certificate?.chain[0];
  if (input.certificate === null || leaf === undefined) {
    flag(null, 'cert.missing');
  } else {
    const keyType = leaf.keyType.toUpperCase();
    if (keyType === 'RSA' && leaf.keyBits < 1024) {
      flag('F', 'cert.rsa-broken', ` (${leaf.keyBits} bits)`);
    } else if (keyType === 'RSA' && leaf.keyBits < 2048) {
      flag('B', 'cert.rsa-small', ` (${leaf.keyBits} bits)`);
    }
    if (keyType === 'DSA') flag('B', 'cert.dsa', ` (${leaf.keyBits} bits)`);
    if (keyType === 'EC' && leaf.keyBits > 0 && leaf.keyBits <= 192) {
      flag('F', 'cert.ec-weak', ` (${leaf.curve ?? `${leaf.keyBits}-bit curve`})`);
    }
    const chain = checkedChain(input.certificate);
    const md5 = chainNames(chain, 'md5');
    if (md5) flag('F', 'cert.md5', md5);
    const sha1 = chainNames(chain, 'sha1');
    // No cap: SHA-1 makes PKIX fail (pkixAuthenticates), which gives T unless DANE or POSH holds.
    if (sha1) flag(null, 'cert.sha1', sha1);
    const expiring = expiringSoon(chain, input.scannedAt);
    if (expiring) flag(null, 'cert.expiring-soon', expiring);
    if (input.service === 's2s' && Array.isArray(leaf.extendedKeyUsage)) {
      const eku = leaf.extendedKeyUsage;
      if (!eku.includes(CLIENT_AUTH_EKU) && !eku.includes(ANY_EKU)) flag(null, 'cert.no-client-auth');
    }
  }
  if (tls.dhBits !== null && tls.dhBits < 1024) flag('F', 'dh.broken', ` (${tls.dhBits} bits)`);
  else if (tls.dhBits !== null && tls.dhBits < 2048) flag('B', 'dh.small', ` (${tls.dhBits} bits)`);
  if (input.encryption !== 'required') flag('B', 'policy.encryption-optional');

  // Letter: score, then caps (a cap never raises).
  let letter = gradeFromScore(score);
  for (const cap of caps)
    letter = cap.limit === 'A-' ? (letter === 'A' ? 'A-' : letter) : capGrade(letter, cap.limit);

  // Authentication.
  const methods = authenticatedBy(input.certificate, input.dane, input.poshMatches);
  const authenticated = methods.length > 0 && !daneRefused(input.dane);
  findings.push(...certificateFindings(input, ctx, authenticated));
  findings.push(...daneFindings(input.dane, ctx));

  const aPlusEligible =
    letter === 'A' &&
    has('TLSv1.3') &&
    suites.length > 0 &&
    suites.every((s) => s.forwardSecrecy && s.aead) &&
    input.encryption === 'required';
  if (aPlusEligible) {
    if (methods.includes('dane') || methods.includes('posh')) letter = 'A+';
    else findings.push(rubricFinding('auth.no-dane-posh', ctx));
  }

  // T wins over every letter, F included: the operator must see the trust failure, and the letter
  // stays visible as gradeIfTrusted ("T (F)"). Only a target with no TLS at all is a plain F.
  const grade: Grade = authenticated ? letter : 'T';
  return { score, grade, gradeIfTrusted: letter, findings, parts, caps, authenticatedBy: methods };
}

/** PKIX failures: high when nothing else authenticates (T), low when DANE or POSH does. */
function certificateFindings(input: RubricInput, ctx: FindingContext, authenticated: boolean): Finding[] {
  const cert = input.certificate;
  if (cert === null) return [];
  const severity = authenticated ? 'low' : 'high';
  const rescued = authenticated ? '; DANE or POSH authenticates the domain instead' : '';
  const findings: Finding[] = [];
  if (!cert.trusted) {
    const why = cert.trustError ?? (cert.selfSigned ? 'self-signed' : 'unknown issuer');
    findings.push(rubricFinding('cert.untrusted', ctx, ` (${why})${rescued}`, severity));
  }
  const leaf = cert.chain[0];
  if (cert.expired) {
    findings.push(
      rubricFinding('cert.expired', ctx, `${leaf ? ` (since ${leaf.notAfter})` : ''}${rescued}`, severity),
    );
  }
  if (cert.notYetValid) {
    findings.push(
      rubricFinding(
        'cert.not-yet-valid',
        ctx,
        `${leaf ? ` (from ${leaf.notBefore})` : ''}${rescued}`,
        severity,
      ),
    );
  }
  if (!cert.identity.matches) {
    const names = leaf ? leaf.names.dnsIds.concat(leaf.names.srvIds, leaf.names.xmppAddrs) : [];
    const shown = names.length > 0 ? ` (names: ${names.slice(0, 5).join(', ')})` : '';
    findings.push(rubricFinding('cert.name-mismatch', ctx, `${shown}${rescued}`, severity));
  }
  return findings;
}

function daneFindings(dane: DaneResult | null, ctx: FindingContext): Finding[] {
  if (dane?.bogus === true) return [rubricFinding('dane.bogus', ctx, ` at ${dane.name}`)];
  if (dane === null || dane.records.length === 0) return [];
  if (!dane.dnssec) return [rubricFinding('dane.unsigned', ctx, ` at ${dane.name}`)];
  if (dane.matches === false) return [rubricFinding('dane.mismatch', ctx, ` at ${dane.name}`)];
  return [];
}

/** ` (leaf CN=…; intermediate CN=…)`: which certificates of the chain are signed with `hash`. */
function chainNames(chain: readonly CertificateInfo[], hash: string): string {
  const named = chain.flatMap((c, i) =>
    c.signatureHash.toLowerCase() === hash ? [`${i === 0 ? 'leaf' : 'intermediate'} ${c.subject}`] : [],
  );
  return named.length === 0 ? '' : ` (${named.join('; ')})`;
}

/** ` (leaf … on 2026-12-10)` for the first certificate that expires within the warning window, else ''. */
function expiringSoon(chain: readonly CertificateInfo[], scannedAt: string): string {
  const now = Date.parse(scannedAt);
  if (Number.isNaN(now)) return '';
  const horizon = now + EXPIRY_WARNING_DAYS * 24 * 60 * 60 * 1000;
  const soon = chain
    .map((c, i) => ({ c, i, at: Date.parse(c.notAfter) }))
    .filter(({ at }) => at > now && at <= horizon)
    .sort((a, b) => a.at - b.at)[0];
  if (soon === undefined) return '';
  const days = Math.floor((soon.at - now) / (24 * 60 * 60 * 1000));
  return ` (${soon.i === 0 ? 'leaf' : 'intermediate'} ${soon.c.subject}, on ${soon.c.notAfter.slice(0, 10)}, in ${days} day${days === 1 ? '' : 's'})`;
}

/** `: A, B, C and 4 more`, so a message names the culprits without growing without bound. */
function suiteNames(suites: readonly CipherSuite[]): string {
  if (suites.length === 0) return '';
  const names = [...new Set(suites.map((s) => s.name))];
  const shown = names.slice(0, 3).join(', ');
  return names.length > 3 ? `: ${shown} and ${names.length - 3} more` : `: ${shown}`;
}
