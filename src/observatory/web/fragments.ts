// Small pieces every page uses: a grade label, findings with their fixes, times. Markup only.
import type { Finding, Grade } from '../../core/report.ts';
import { gradeTone } from './badge.ts';
import { html } from './html.ts';

export function gradeLabel(grade: Grade | null, ifTrusted: string | null) {
  const text = grade === null ? 'no grade' : grade === 'T' && ifTrusted ? `T (${ifTrusted})` : grade;
  return html`<span class=${`grade grade-${gradeTone(grade)}`}>${text}</span>`;
}

/** Findings quote configuration in `backticks`; shown as code so an operator can copy it exactly. */
export function withCode(text: string) {
  return text.split('`').map((part, i) => (i % 2 === 1 ? html`<code>${part}</code>` : part));
}

export function findingsView(findings: readonly Finding[]) {
  const seen = new Set<string>();
  const unique = findings.filter((f) => {
    const key = `${f.code}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (unique.length === 0) return html`<p>Nothing to fix.</p>`;
  return html`<div>
    ${unique.map(
      (f) => html`<div class="finding">
        <span class=${`sev sev-${f.severity}`}>${f.severity}</span>${withCode(f.message)}
        ${f.fix ? html`<div class="fix">Fix: ${withCode(f.fix)}</div>` : null}
      </div>`,
    )}
  </div>`;
}

/** `2026-11-24 18:07 UTC`: the stored ISO time, shortened for people (UTC, so no locale guessing). */
export function shortTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
