// Re-grades a stored report from its facts with the current rubric, and summarises it. Pure and
// idempotent: gradeReport(gradeReport(r)) equals gradeReport(r).
//
// Decisions (also in the report to the lead):
// - Service grade = worst target grade in GRADE_ORDER (T below E, above F); gradeIfTrusted = worst
//   target letter; score = lowest target score. Targets with status `error` are left out.
// - `encryption`, `dialback`, `saslMechanisms` and `posh` are scanner facts and are not recomputed.
// - Findings are sorted worst first (severity, then code, target, message) so the result does not
//   depend on the order in which findings were merged: that is what makes re-grading idempotent.
import { worstGrade } from './grades.ts';
import type {
  AuthMethod,
  DomainReport,
  Finding,
  LetterGrade,
  ServiceKind,
  ServiceReport,
  Severity,
  TargetReport,
  TlsVersion,
} from './report.ts';
import { TLS_VERSIONS } from './report.ts';
import { upgradeReport } from './report-upgrade.ts';
import { authenticatedBy, gradeTarget, RUBRIC_VERSION } from './rubric.ts';
import { RUBRIC_CODES } from './rubric-findings.ts';
import {
  availabilityOf,
  endpointsOf,
  refusesUnauthenticated,
  softwareOf,
  suiteOffers,
} from './service-facts.ts';
import { assertGradableReport } from './shape.ts';
import { type DomainSummary, type FindingSummary, type ServiceSummary, SUMMARY_VERSION } from './summary.ts';

/** Service-level findings this module writes; replaced on every re-grade like the rubric's. */
export const SERVICE_CODES: ReadonlySet<string> = new Set(['service.unreachable', 'posh.mismatch']);

const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
const AUTH_ORDER: readonly AuthMethod[] = ['pkix', 'dane', 'posh'];

/** Throws a ShapeError (naming the field) when `report` is not a report this rubric can grade. */
export function gradeReport(stored: DomainReport): DomainReport {
  assertGradableReport(stored);
  const report = upgradeReport(stored);
  return {
    ...report,
    rubricVersion: RUBRIC_VERSION,
    services: {
      c2s: gradeService(report.domain, report.scannedAt, report.services.c2s),
      s2s: gradeService(report.domain, report.scannedAt, report.services.s2s),
    },
  };
}

function isGenerated(finding: Finding): boolean {
  return RUBRIC_CODES.has(finding.code) || SERVICE_CODES.has(finding.code);
}

function gradeService(domain: string, scannedAt: string, service: ServiceReport): ServiceReport {
  const poshMatches = service.posh?.matches ?? null;
  const targets = service.targets.map((t) => regradeTarget(domain, scannedAt, service, t, poshMatches));
  const reachable = targets.filter((t) => t.status === 'ok');
  const serviceFindings = service.findings.filter((f) => !isGenerated(f));
  serviceFindings.push(...serviceLevelFindings(domain, service.service, reachable.length, service));

  const grades = reachable.flatMap((t) => (t.grade === null ? [] : [t.grade]));
  const letters = reachable.flatMap((t) => (t.gradeIfTrusted === null ? [] : [t.gradeIfTrusted]));
  const scores = reachable.flatMap((t) => (t.score === null ? [] : [t.score]));
  return {
    ...service,
    grade: worstGrade(grades),
    gradeIfTrusted: worstGrade<LetterGrade>(letters),
    score: scores.length === 0 ? null : Math.min(...scores),
    tlsVersions: unionVersions(reachable),
    cipherSuites: unionSuites(reachable),
    authentication: commonAuthentication(reachable, poshMatches),
    targets,
    findings: sortFindings(dedupe([...serviceFindings, ...targets.flatMap((t) => t.findings)])),
  };
}

function regradeTarget(
  domain: string,
  scannedAt: string,
  service: ServiceReport,
  target: TargetReport,
  poshMatches: boolean | null,
): TargetReport {
  const kept = target.findings.filter((f) => !isGenerated(f));
  if (target.status !== 'ok') {
    return { ...target, grade: null, gradeIfTrusted: null, score: null, findings: sortFindings(kept) };
  }
  const result = gradeTarget({
    domain,
    service: service.service,
    target: targetLabel(target),
    tls: target.tls,
    certificate: target.certificate,
    dane: target.dane,
    poshMatches,
    encryption: service.encryption,
    scannedAt,
  });
  return {
    ...target,
    grade: result.grade,
    gradeIfTrusted: result.gradeIfTrusted,
    score: result.score,
    findings: sortFindings(dedupe([...kept, ...result.findings])),
  };
}

/** `host:port`, and the address in brackets when the host has several (each is an entry of its own). */
export function targetLabel(target: Pick<TargetReport, 'host' | 'port' | 'addresses' | 'address'>): string {
  const where = `${target.host}:${target.port}`;
  return target.address && target.addresses.length > 1 ? `${where} [${target.address}]` : where;
}

function serviceLevelFindings(
  domain: string,
  kind: ServiceKind,
  reachableCount: number,
  service: ServiceReport,
): Finding[] {
  const findings: Finding[] = [];
  if (reachableCount === 0) {
    findings.push({
      code: 'service.unreachable',
      severity: 'high',
      message:
        service.targets.length === 0
          ? `${domain} ${kind}: no target was found to scan, so it cannot be graded.`
          : `${domain} ${kind}: none of its ${service.targets.length} target(s) could be scanned, so it cannot be graded.`,
      fix: `Check the ${kind === 'c2s' ? '_xmpp-client._tcp' : '_xmpp-server._tcp'} SRV records of ${domain} and that the server listens on the ports they name (default ${kind === 'c2s' ? 5222 : 5269}).`,
    });
  }
  if (service.posh?.found === true && service.posh.matches === false) {
    findings.push({
      code: 'posh.mismatch',
      severity: 'medium',
      message: `${domain} ${kind}: the POSH document at ${service.posh.url} matches none of the presented certificates.`,
      fix: 'Update the fingerprints in the POSH document to those of the current certificates, or remove the document.',
    });
  }
  return findings;
}

function unionVersions(targets: readonly TargetReport[]): TlsVersion[] {
  const seen = new Set(targets.flatMap((t) => t.tls?.versions ?? []));
  return TLS_VERSIONS.filter((v) => seen.has(v));
}

/** In first-seen order, which follows the first target's preference. */
function unionSuites(targets: readonly TargetReport[]): string[] {
  const names = targets.flatMap((t) => t.tls?.perVersion.flatMap((v) => v.suites.map((s) => s.name)) ?? []);
  return [...new Set(names)];
}

/** Methods that hold on every reachable target; none when no target is reachable. */
function commonAuthentication(targets: readonly TargetReport[], poshMatches: boolean | null): AuthMethod[] {
  if (targets.length === 0) return [];
  const perTarget = targets.map((t) =>
    t.tls === null || t.tls.versions.length === 0 ? [] : authenticatedBy(t.certificate, t.dane, poshMatches),
  );
  return AUTH_ORDER.filter((method) => perTarget.every((methods) => methods.includes(method)));
}

function dedupe(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.code}\u0000${f.target ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function compareFindings(a: Finding | FindingSummary, b: Finding | FindingSummary): number {
  return (
    SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
    compareText(a.code, b.code) ||
    compareText('target' in a ? (a.target ?? '') : '', 'target' in b ? (b.target ?? '') : '') ||
    compareText(a.message, b.message)
  );
}

/** Locale-independent, so the order is the same in Node and every browser. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortFindings<F extends Finding | FindingSummary>(findings: readonly F[]): F[] {
  return [...findings].sort(compareFindings);
}

/** The compact view for the API and the extension; grades with the current rubric first. */
export function summarize(report: DomainReport): DomainSummary {
  const graded = gradeReport(report);
  return {
    summaryVersion: SUMMARY_VERSION,
    domain: graded.domain,
    scannedAt: graded.scannedAt,
    rubricVersion: graded.rubricVersion,
    services: { c2s: summarizeService(graded.services.c2s), s2s: summarizeService(graded.services.s2s) },
    s2sEndpoints: endpointsOf(graded.services.s2s),
  };
}

function summarizeService(service: ServiceReport): ServiceSummary {
  const seen = new Set<string>();
  const findings: FindingSummary[] = [];
  for (const f of sortFindings(service.findings)) {
    const key = `${f.code}\u0000${f.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push({ code: f.code, severity: f.severity, message: f.message });
  }
  return {
    grade: service.grade,
    gradeIfTrusted: service.gradeIfTrusted,
    encryption: service.encryption,
    tlsVersions: [...service.tlsVersions],
    authentication: [...service.authentication],
    dialback: service.dialback,
    findings,
    ...availabilityOf(service),
    ...suiteOffers(service.targets),
    refusesUnauthenticated: refusesUnauthenticated(service.targets),
    software: softwareOf(service.targets),
  };
}
