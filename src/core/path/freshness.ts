// Which summaries the path may judge by: known, not failed, and young enough. Pure.
import { phrase } from '../phrase.ts';
import { reason } from '../reason.ts';
import type { DomainSummary, ServiceSummary } from '../summary.ts';
import { type Verdict, verdict } from './verdict.ts';
import { agePhrase } from './words.ts';

/** DESIGN §1: data older than this is unknown (grey), and the light says how old. */
export const FRESH_FOR_MS = 7 * 24 * 3_600_000;

export type Known = { service: ServiceSummary; summary: DomainSummary } | { verdict: Verdict };

/** The summary's service when it can be judged by, else a grey verdict saying why not. */
export function knownService(
  domain: string,
  summary: DomainSummary | null,
  kind: 'c2s' | 's2s',
  now: Date,
  freshForMs: number,
): Known {
  if (summary === null) {
    return { verdict: verdict('grey', reason(phrase('path_not_scanned', domain), { about: domain })) };
  }
  const age = now.getTime() - Date.parse(summary.scannedAt);
  if (!(age <= freshForMs)) {
    return {
      verdict: verdict(
        'grey',
        reason(phrase('path_scan_too_old', domain, agePhrase(age)), {
          detail: phrase('path_detail_scanned_at', summary.scannedAt),
          about: domain,
        }),
      ),
    };
  }
  const service = summary.services[kind];
  if (service.availability === 'failed') {
    const key = kind === 'c2s' ? 'path_scan_failed_c2s' : 'path_scan_failed_s2s';
    return { verdict: verdict('grey', reason(phrase(key, domain), { about: domain })) };
  }
  return { service, summary };
}
