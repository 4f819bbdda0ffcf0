// The operator's question, "can my server talk safely to theirs?": the inferred path between two
// domains as versioned plain JSON, shared by the `path` command, the API and the page. Pure.
import type { Light } from './lights.ts';
import { type ContactKind, computePath, type HopResult } from './path.ts';
import type { DomainSummary } from './summary.ts';

/** Bumped whenever a field changes meaning. */
export const PATH_REPORT_VERSION = 1;

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
  hops: HopResult[];
  /** The reasons of the hops that set the light. */
  reasons: string[];
  kind: ContactKind;
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
    hops: result.hops.map((hop) =>
      hop.name === 'c2s-local' ? { ...hop, from: `${from.domain}'s clients` } : hop,
    ),
    reasons: result.reasons,
    kind: result.kind,
  };
}

const LIGHT_WORDS: Record<Light, string> = {
  green: 'GREEN (protected)',
  yellow: 'YELLOW (weakened)',
  red: 'RED (unsafe or undeliverable)',
  grey: 'GREY (unknown)',
};

/** The report for people: one block per hop with its reasons. */
export function formatPathReport(report: PathReport): string {
  const lines = [`Path ${report.from.domain} → ${report.to.domain}: ${LIGHT_WORDS[report.light]}`, ''];
  for (const hop of report.hops) {
    const to = hop.to === 'contact' ? `${report.to.domain}'s clients` : hop.to;
    lines.push(`${hop.from} → ${to}: ${LIGHT_WORDS[hop.light]}`);
    for (const reason of hop.reasons) lines.push(`  - ${reason}`);
  }
  lines.push('');
  for (const end of [report.from, report.to]) {
    lines.push(`${end.domain}: ${end.scannedAt ? `scanned ${end.scannedAt}` : 'not scanned'}`);
  }
  return `${lines.join('\n')}\n`;
}
