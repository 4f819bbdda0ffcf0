// Which summaries the path may judge by: known, not failed, and young enough. Pure.
import type { DomainSummary, ServiceSummary } from '../summary.ts';
import { type Verdict, verdict } from './verdict.ts';
import { ageText } from './words.ts';

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
  if (summary === null) return { verdict: verdict('grey', `${domain} has not been scanned yet.`) };
  const age = now.getTime() - Date.parse(summary.scannedAt);
  if (!(age <= freshForMs)) {
    const old = Number.isFinite(age) ? ageText(age) : 'an unknown time';
    return {
      verdict: verdict(
        'grey',
        `The scan of ${domain} is ${old} old: too old to judge by until it is rescanned.`,
      ),
    };
  }
  const service = summary.services[kind];
  if (service.availability === 'failed') {
    const what = kind === 'c2s' ? 'client' : 'server-to-server';
    return { verdict: verdict('grey', `${domain}'s ${what} service could not be scanned.`) };
  }
  return { service, summary };
}
