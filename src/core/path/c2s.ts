// The client hops: you → your server (the extension's own connection plus your domain's c2s report)
// and their server → them (their domain's c2s report). Pure.
import { isAGrade } from '../grades.ts';
import type { Grade, LetterGrade, TlsVersion } from '../report.ts';
import type { DomainSummary, ServiceSummary } from '../summary.ts';
import { knownService } from './freshness.ts';
import { type Verdict, verdict } from './verdict.ts';
import { bestVersion, isModern, listOf, versionLabel } from './words.ts';

export interface ClientHopInput {
  domain: string;
  summary: DomainSummary | null;
  now: Date;
  freshForMs: number;
}

/** What the domain's c2s report says about clients' connections; grey when it cannot say. */
export function c2sVerdicts(input: ClientHopInput): Verdict[] {
  const { domain } = input;
  const found = knownService(domain, input.summary, 'c2s', input.now, input.freshForMs);
  if ('verdict' in found) return [found.verdict];
  const c2s = found.service;
  if (c2s.availability === 'none') {
    return [
      verdict('red', `${domain} has no service for clients: nobody can log in there to receive messages.`),
    ];
  }
  if (c2s.encryption === 'none') {
    return [
      verdict('red', `${domain} does not offer encryption to clients: messages may travel in plaintext.`),
    ];
  }
  const verdicts: Verdict[] = [];
  if (c2s.grade === 'T' || c2s.authentication.length === 0) {
    verdicts.push(
      verdict(
        'red',
        `${domain}'s certificate is not valid for ${domain}, so clients cannot tell it from an impostor${ifTrusted(c2s)}.`,
      ),
    );
  }
  verdicts.push(...gradeVerdicts(domain, c2s.grade === 'T' ? c2s.gradeIfTrusted : c2s.grade));
  if (c2s.encryption === 'optional') {
    verdicts.push(verdict('yellow', `${domain} does not require encryption: an attacker can strip it.`));
  }
  verdicts.push(...versionVerdicts(domain, c2s.tlsVersions));
  return verdicts;
}

export function c2sGreen(domain: string, summary: DomainSummary | null): string {
  const c2s = summary?.services.c2s;
  const best = c2s ? bestVersion(c2s.tlsVersions) : null;
  return `${domain} requires encryption (${best ? versionLabel(best) : 'TLS'}, grade ${c2s?.grade ?? '?'}) and its certificate is verified.`;
}

/** Red for D/E/F, yellow for B/C, none for A grades. */
function gradeVerdicts(domain: string, grade: Grade | LetterGrade | null): Verdict[] {
  if (grade === null || grade === 'T' || isAGrade(grade)) return [];
  const light = grade === 'B' || grade === 'C' ? 'yellow' : 'red';
  return [verdict(light, `${domain} is graded ${grade} for client connections.`)];
}

/** "weak.test still accepts TLS 1.0"; "offers nothing newer than TLS 1.1". */
function versionVerdicts(domain: string, versions: readonly TlsVersion[]): Verdict[] {
  const best = bestVersion(versions);
  if (best !== null && !isModern(best)) {
    return [verdict('yellow', `${domain} offers nothing newer than ${versionLabel(best)}.`)];
  }
  const old = versions.filter((v) => !isModern(v));
  if (old.length === 0) return [];
  return [verdict('yellow', `${domain} still accepts ${listOf(old.map(versionLabel))}.`)];
}

function ifTrusted(service: ServiceSummary): string {
  return service.grade === 'T' && service.gradeIfTrusted !== null
    ? ` (grade T, ${service.gradeIfTrusted} if trusted)`
    : '';
}
