// The operator's question, "can my server talk safely to theirs?": the inferred path between two
// domains as versioned plain JSON, shared by the `path` command, the API and the page. Pure.
import { english, type ReasonText, reasonText } from './english.ts';
import { BOUNCE_WORDS, LIGHT_WORDS } from './light-words.ts';
import type { Light } from './lights.ts';
import { type ContactKind, computePath, type HopResult } from './path.ts';
import type { DomainSummary } from './summary.ts';

/**
 * Bumped whenever a field changes meaning. 2: every reason is an object, `says` (a plain sentence)
 * with optional `todo` (what can be done), `detail` (the expert's words) and `about` (the domain it is
 * about), where version 1 had one sentence per reason.
 */
export const PATH_REPORT_VERSION = 2;

/** A hop as the report gives it: its reasons in English text. */
export interface PathReportHop extends Omit<HopResult, 'reasons'> {
  reasons: ReasonText[];
}

export interface PathEnd {
  domain: string;
  /** When its report was made; null when it has not been scanned. */
  scannedAt: string | null;
}

export interface PathReport {
  pathReportVersion: typeof PATH_REPORT_VERSION;
  from: PathEnd;
  to: PathEnd;
  /** When the path was computed (freshness is judged against it). */
  computedAt: string;
  /** The worst hop. */
  light: Light;
  /** From's clients → from → to → to's clients; no s2s hop for one domain or one shared server. */
  hops: PathReportHop[];
  /** The reasons of the hops that set the light. */
  reasons: ReasonText[];
  kind: ContactKind;
  /** Messages between the two bounce or cannot be delivered. */
  undeliverable: boolean;
}

export function pathReport(
  from: { domain: string; summary: DomainSummary | null },
  to: { domain: string; summary: DomainSummary | null },
  now: Date,
): PathReport {
  const result = computePath({
    userDomain: from.domain,
    contactDomain: to.domain,
    user: from.summary,
    contact: to.summary,
    transportSecure: null,
    sameDomain: from.domain === to.domain,
    omemo: null,
    now,
  });
  return {
    pathReportVersion: PATH_REPORT_VERSION,
    from: { domain: from.domain, scannedAt: from.summary?.scannedAt ?? null },
    to: { domain: to.domain, scannedAt: to.summary?.scannedAt ?? null },
    computedAt: now.toISOString(),
    light: result.light,
    hops: result.hops.map((hop) => ({
      ...hop,
      from: hop.name === 'c2s-local' ? `${from.domain}'s clients` : hop.from,
      reasons: hop.reasons.map(reasonText),
    })),
    reasons: result.reasons.map(reasonText),
    kind: result.kind,
    undeliverable: result.undeliverable,
  };
}

/** "RED (Messages bounce)", "GREEN (Protected)": the light's name, then its word. */
function lightWords(light: Light, undeliverable: boolean): string {
  return `${light.toUpperCase()} (${english(undeliverable ? BOUNCE_WORDS : LIGHT_WORDS[light])})`;
}

/** The report for people: one block per hop with its reasons. */
export function formatPathReport(report: PathReport): string {
  const lines = [
    `Path ${report.from.domain} → ${report.to.domain}: ${lightWords(report.light, report.undeliverable)}`,
    '',
  ];
  for (const hop of report.hops) {
    const to = hop.to === 'contact' ? `${report.to.domain}'s clients` : hop.to;
    lines.push(`${hop.from} → ${to}: ${lightWords(hop.light, hop.undeliverable)}`);
    for (const reason of hop.reasons) {
      lines.push(`  - ${reason.says}`);
      if (reason.todo) lines.push(`    To do: ${reason.todo}`);
      if (reason.detail) lines.push(`    Detail: ${reason.detail}`);
    }
  }
  lines.push('');
  for (const end of [report.from, report.to]) {
    lines.push(`${end.domain}: ${end.scannedAt ? `scanned ${end.scannedAt}` : 'not scanned'}`);
  }
  return `${lines.join('\n')}\n`;
}
