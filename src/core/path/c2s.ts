// The client hops: you → your server (the extension's own connection plus your domain's c2s report)
// and their server → them (their domain's c2s report). Pure.
import { isAGrade } from '../grades.ts';
import { phrase } from '../phrase.ts';
import { type Reason, reason } from '../reason.ts';
import type { Grade, LetterGrade, TlsVersion } from '../report.ts';
import type { DomainSummary, ServiceSummary } from '../summary.ts';
import { knownService } from './freshness.ts';
import { fixerTodo } from './todo.ts';
import { type Verdict, verdict } from './verdict.ts';
import { bestVersion, isModern, namesOf, versionLabel } from './words.ts';

export interface ClientHopInput {
  domain: string;
  /** The user's own domain: who can fix a weakness depends on whose server it is. */
  userDomain: string;
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
  const todo = fixerTodo(domain, input.userDomain);
  const because = (key: string, detail?: Reason['detail']): Reason =>
    reason(phrase(key, domain), { todo, detail, about: domain });
  if (c2s.availability === 'none') return [verdict('red', because('path_c2s_no_service'))];
  if (c2s.encryption === 'none') return [verdict('red', because('path_c2s_no_encryption'))];
  const verdicts: Verdict[] = [];
  if (c2s.grade === 'T' || c2s.authentication.length === 0) {
    verdicts.push(verdict('red', because('path_c2s_certificate_invalid', ifTrusted(c2s))));
  }
  verdicts.push(...gradeVerdicts(domain, c2s.grade === 'T' ? c2s.gradeIfTrusted : c2s.grade, because));
  if (c2s.encryption === 'optional') {
    verdicts.push(verdict('yellow', because('path_c2s_encryption_optional')));
  }
  verdicts.push(...versionVerdicts(c2s.tlsVersions, because));
  return verdicts;
}

export function c2sGreen(domain: string, summary: DomainSummary | null): Reason {
  const c2s = summary?.services.c2s;
  const best = c2s ? bestVersion(c2s.tlsVersions) : null;
  return reason(phrase('path_c2s_green', domain), {
    detail: phrase('path_detail_c2s_green', best ? versionLabel(best) : 'TLS', c2s?.grade ?? '?'),
    about: domain,
  });
}

/** Red for D/E/F, yellow for B/C, none for A grades. */
function gradeVerdicts(
  domain: string,
  grade: Grade | LetterGrade | null,
  because: (key: string, detail?: Reason['detail']) => Reason,
): Verdict[] {
  if (grade === null || grade === 'T' || isAGrade(grade)) return [];
  const light = grade === 'B' || grade === 'C' ? 'yellow' : 'red';
  const key = light === 'red' ? 'path_c2s_grade_bad' : 'path_c2s_grade_weak';
  return [verdict(light, because(key, phrase('path_detail_c2s_grade', domain, grade)))];
}

/** "weak.test still accepts TLS 1.0"; "offers nothing newer than TLS 1.1". */
function versionVerdicts(
  versions: readonly TlsVersion[],
  because: (key: string, detail?: Reason['detail']) => Reason,
): Verdict[] {
  const best = bestVersion(versions);
  if (best !== null && !isModern(best)) {
    return [
      verdict(
        'yellow',
        because('path_c2s_versions_outdated', phrase('path_detail_best_version', versionLabel(best))),
      ),
    ];
  }
  const old = versions.filter((v) => !isModern(v));
  if (old.length === 0) return [];
  return [
    verdict(
      'yellow',
      because(
        'path_c2s_versions_old_accepted',
        phrase('path_detail_old_versions', namesOf(old.map(versionLabel))),
      ),
    ),
  ];
}

function ifTrusted(service: ServiceSummary): Reason['detail'] {
  return service.grade === 'T' && service.gradeIfTrusted !== null
    ? phrase('path_detail_grade_if_trusted', service.gradeIfTrusted)
    : phrase('path_detail_certificate_invalid');
}
