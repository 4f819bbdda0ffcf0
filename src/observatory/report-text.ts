// The scan report for people at a terminal: per service its grade, what is offered and required,
// then every finding with the fix. Pure: report in, text out.
import type { DomainReport, Finding, ServiceReport, Severity, TargetReport } from '../core/report.ts';

const SEVERITY_ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export function formatGrade(service: Pick<ServiceReport, 'grade' | 'gradeIfTrusted'>): string {
  if (service.grade === null) return 'no grade (not reachable)';
  return service.grade === 'T' && service.gradeIfTrusted ? `T (${service.gradeIfTrusted})` : service.grade;
}

function list(items: readonly string[]): string {
  return items.length > 0 ? items.join(', ') : 'none';
}

function formatTarget(target: TargetReport): string[] {
  const where = `${target.host}:${target.port}${target.directTls ? ' (direct TLS)' : ''}`;
  const via = target.source === 'srv' ? `SRV priority ${target.priority}` : 'no SRV, fallback';
  // One entry per address (report v2): say which one this is when the host has several.
  const at = target.address && target.addresses.length > 1 ? `at ${target.address} of ` : '';
  const head = `    ${where}  [${via}; ${at}${list(target.addresses)}${target.dnssec ? '; DNSSEC' : ''}]`;
  if (target.status === 'error') return [head, `      error: ${target.error}`];
  const lines = [head];
  if (target.grade) {
    const grade = target.grade === 'T' ? `T (${target.gradeIfTrusted})` : target.grade;
    lines.push(`      grade ${grade}, score ${target.score?.toFixed(1)}`);
  }
  if (target.tls) {
    for (const v of target.tls.perVersion) {
      lines.push(`      ${v.version}: ${v.suites.map((s) => s.name).join(' ')}`);
    }
    if (target.tls.groups.length > 0) lines.push(`      groups: ${target.tls.groups.join(', ')}`);
  }
  const cert = target.certificate;
  if (cert?.chain[0]) {
    const leaf = cert.chain[0];
    const trust = cert.trusted ? 'trusted' : `not trusted (${cert.trustError})`;
    lines.push(
      `      certificate: ${leaf.keyType} ${leaf.keyBits}, ${leaf.signatureAlgorithm}, until ${leaf.notAfter}, ${trust}, ` +
        `identity ${cert.identity.matches ? `matches by ${cert.identity.matchedBy.join('+')}` : 'does not match'}`,
    );
  }
  if (target.dane) {
    const state =
      target.dane.matches === null ? 'not usable' : target.dane.matches ? 'matches' : 'does NOT match';
    lines.push(`      DANE ${target.dane.name}: ${target.dane.records.length} record(s), ${state}`);
  }
  return lines;
}

function formatService(service: ServiceReport): string[] {
  const title = service.service === 'c2s' ? 'Client to server (c2s)' : 'Server to server (s2s)';
  const lines = [
    `  ${title}: grade ${formatGrade(service)}`,
    `    encryption ${service.encryption}; TLS ${list(service.tlsVersions)}; authentication ${list(service.authentication)}`,
    `    SASL before TLS: ${list(service.saslMechanisms.beforeTls)}; after TLS: ${list(service.saslMechanisms.afterTls)}`,
  ];
  if (service.service === 's2s') lines.push(`    dialback ${service.dialback ? 'offered' : 'not offered'}`);
  if (service.posh?.found) lines.push(`    POSH ${service.posh.matches ? 'matches' : 'does NOT match'}`);
  lines.push(`    targets:`);
  for (const target of service.targets) lines.push(...formatTarget(target));
  return lines;
}

function formatFinding(finding: Finding): string[] {
  const where = finding.target ? ` [${finding.target}]` : '';
  return [`  - ${finding.severity.toUpperCase()} ${finding.message}${where}`, `      fix: ${finding.fix}`];
}

export function formatReport(report: DomainReport): string {
  const lines = [
    `${report.domain}  scanned ${report.scannedAt} in ${(report.durationMs / 1000).toFixed(1)} s (rubric v${report.rubricVersion})`,
    '',
  ];
  for (const service of [report.services.c2s, report.services.s2s]) lines.push(...formatService(service), '');
  const findings = [...report.services.c2s.findings, ...report.services.s2s.findings].sort(
    (a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity),
  );
  lines.push(findings.length > 0 ? 'What to fix:' : 'Nothing to fix.');
  const seen = new Set<string>();
  for (const finding of findings) {
    const key = `${finding.code}|${finding.target ?? ''}|${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    lines.push(...formatFinding(finding));
  }
  return `${lines.join('\n')}\n`;
}
