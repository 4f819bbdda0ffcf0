// The pages' markup, as functions of plain data: no I/O here.
import { GRADE_ORDER } from '../../core/grades.ts';
import type { DomainReport, Finding, Grade, ServiceReport } from '../../core/report.ts';
import type { DomainView } from '../http/domain-view.ts';
import type { ObservatoryStats } from '../http/observatory-stats.ts';
import type { ScanHistoryEntry } from '../store/store.ts';
import { gradeTone } from './badge.ts';
import { html } from './html.ts';

const STATUS_TEXT = {
  fresh: 'Scanned recently.',
  stale: 'The last scan is old; a rescan may show a different picture.',
  pending: 'A scan is queued or running; reload this page in a minute.',
  failed: 'The last scan failed.',
  unknown: 'Never scanned.',
} as const;

export function gradeLabel(grade: Grade | null, ifTrusted: string | null) {
  const text = grade === null ? 'no grade' : grade === 'T' && ifTrusted ? `T (${ifTrusted})` : grade;
  return html`<span class=${`grade grade-${gradeTone(grade)}`}>${text}</span>`;
}

export function searchView(input = '', error: string | null = null) {
  return html`<h1>How well is XMPP protected, hop by hop?</h1>
    <p>Enter an XMPP domain to see how its servers protect client (c2s) and server-to-server (s2s) connections.</p>
    <form class="search" method="get" action="/search" role="search">
      <label for="domain" class="visually-hidden">Domain</label>
      <input id="domain" name="domain" value=${input} placeholder="example.org" required maxlength="1024"
        aria-invalid=${error ? 'true' : undefined} aria-describedby=${error ? 'domain-error' : undefined} />
      <input type="submit" value="Look up" />
    </form>
    ${error ? html`<p id="domain-error" class="error" role="alert">${error}</p>` : null}`;
}

/** Findings quote configuration in `backticks`; shown as code so an operator can copy it exactly. */
export function withCode(text: string) {
  return text.split('`').map((part, i) => (i % 2 === 1 ? html`<code>${part}</code>` : part));
}

function findingsView(findings: readonly Finding[]) {
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

function serviceView(title: string, service: ServiceReport) {
  return html`<section class="service">
    <h2>${title} ${gradeLabel(service.grade, service.gradeIfTrusted)}</h2>
    <dl>
      <dt>Encryption</dt><dd>${service.encryption}</dd>
      <dt>TLS versions</dt><dd>${service.tlsVersions.join(', ') || 'none'}</dd>
      <dt>Authentication</dt><dd>${service.authentication.join(', ') || 'not authenticated'}</dd>
      ${service.service === 's2s' ? html`<dt>Dialback</dt><dd>${service.dialback ? 'offered' : 'not offered'}</dd>` : null}
      <dt>Targets</dt><dd>${service.targets.map((t) => `${t.host}:${t.port}`).join(', ') || 'none found'}</dd>
    </dl>
    <h3>What to fix</h3>
    ${findingsView(service.findings)}
  </section>`;
}

const SCAN_STATUS_TEXT = { queued: 'queued', running: 'running', done: 'done', failed: 'failed' } as const;

/** Scans of the domain, newest first: when, what became of each, and the grades it gave. */
function historyView(history: readonly ScanHistoryEntry[]) {
  if (history.length === 0) return html`<p>No scans yet.</p>`;
  return html`<table class="history">
    <caption class="visually-hidden">Scans of this domain, newest first</caption>
    <thead><tr><th scope="col">Requested</th><th scope="col">Finished</th><th scope="col">Result</th><th scope="col">c2s</th><th scope="col">s2s</th></tr></thead>
    <tbody>
      ${history.map(
        (h) => html`<tr>
          <td><time datetime=${h.requestedAt}>${shortTime(h.requestedAt)}</time></td>
          <td>${h.finishedAt ? html`<time datetime=${h.finishedAt}>${shortTime(h.finishedAt)}</time>` : '–'}</td>
          <td>${h.status === 'failed' && h.error ? `failed: ${h.error}` : SCAN_STATUS_TEXT[h.status]}</td>
          <td>${h.status === 'done' ? gradeLabel(h.c2sGrade, null) : '–'}</td>
          <td>${h.status === 'done' ? gradeLabel(h.s2sGrade, null) : '–'}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

/** `2026-11-24 18:07 UTC`: the stored ISO time, shortened for people (UTC, so no locale guessing). */
export function shortTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function domainView(
  view: DomainView,
  report: DomainReport | null,
  notice: string | null,
  history: readonly ScanHistoryEntry[] = [],
) {
  return html`<h1>${view.domain}</h1>
    <p>${STATUS_TEXT[view.status]} ${view.scannedAt ? `Report of ${shortTime(view.scannedAt)}.` : ''}</p>
    ${view.lastScan?.status === 'failed' && view.lastScan.error ? html`<p class="error">Last scan: ${view.lastScan.error}</p>` : null}
    ${notice ? html`<p role="status">${notice}</p>` : null}
    ${
      report
        ? html`<div class="services">
            ${serviceView('Client connections (c2s)', report.services.c2s)}
            ${serviceView('Server connections (s2s)', report.services.s2s)}
          </div>`
        : null
    }
    <form class="rescan" method="post" action=${`/domain/${encodeURIComponent(view.domain)}/scan`}>
      <input type="submit" value=${report ? 'Rescan' : 'Scan now'} />
    </form>
    <h2>History</h2>
    ${historyView(history)}
    <h2>Badge</h2>
    <p>
      <img src=${`/badge/${encodeURIComponent(view.domain)}.svg${view.scannedAt ? `?at=${encodeURIComponent(view.scannedAt)}` : ''}`}
        alt=${`XMPP grades of ${view.domain}`} width="166" height="20" />
    </p>
    <p>Embed it: <code>${`<img src="/badge/${encodeURIComponent(view.domain)}.svg" alt="XMPP grades of ${view.domain}">`}</code></p>`;
}

/** A horizontal bar chart in inline SVG (no script, no external library). */
function barChart(title: string, counts: Record<string, number>) {
  const keys = [...GRADE_ORDER, 'none'].filter((k) => (counts[k] ?? 0) > 0);
  const max = Math.max(1, ...keys.map((k) => counts[k] ?? 0));
  const total = Math.max(
    1,
    keys.reduce((sum, k) => sum + (counts[k] ?? 0), 0),
  );
  const row = 22;
  return html`<figure>
    <figcaption>${title}</figcaption>
    <svg class="chart" width="480" height=${keys.length * row + 4} role="img" aria-label=${`${title}: ${keys.map((k) => `${k} ${counts[k]}`).join(', ')}`}>
      ${keys.map((k, i) => {
        const width = Math.round(((counts[k] ?? 0) / max) * 300);
        const tone = gradeTone(k === 'none' ? null : (k as Grade));
        const fill = { good: '#1a7f37', fair: '#9a6700', bad: '#cf222e', none: '#6e7781' }[tone];
        return html`<g>
          <text x="0" y=${i * row + 15}>${k}</text>
          <rect x="40" y=${i * row + 3} width=${width} height="16" fill=${fill}></rect>
          <text x=${46 + width} y=${i * row + 15}>${counts[k]} (${Math.round(((counts[k] ?? 0) / total) * 100)}%)</text>
        </g>`;
      })}
    </svg>
  </figure>`;
}

export function statsView(stats: ObservatoryStats, queueDepth: number) {
  return html`<h1>Network statistics</h1>
    <dl>
      <dt>Domains with a report</dt><dd>${stats.scanned}</dd>
      <dt>Domains asked about</dt><dd>${stats.domains}</dd>
      <dt>Scans queued</dt><dd>${queueDepth}</dd>
      <dt>Scans done / failed</dt><dd>${stats.scans.done} / ${stats.scans.failed}</dd>
      <dt>Rubric version</dt><dd>${stats.rubricVersion}</dd>
    </dl>
    ${barChart('Client connections (c2s) by grade', stats.grades.c2s)}
    ${barChart('Server connections (s2s) by grade', stats.grades.s2s)}
    <p>
      A+ to F grade the TLS a server offers (rubric version ${stats.rubricVersion}). T: the certificate does not
      authenticate the domain and neither DANE nor POSH does. "none": no server could be reached.
    </p>`;
}

export function messageView(title: string, message: string) {
  return html`<h1>${title}</h1><p>${message}</p><p><a href="/">Back to search</a></p>`;
}
