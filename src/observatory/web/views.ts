// The pages' markup, as functions of plain data: no I/O here.
import type { DomainReport } from '../../core/report.ts';
import type { DomainView } from '../http/domain-view.ts';
import type { ScanHistoryEntry } from '../store/store.ts';
import { gradeLabel, shortTime } from './fragments.ts';
import { html } from './html.ts';
import { reportModel } from './report-model.ts';
import { reportView } from './report-view.ts';

export { findingsView, gradeLabel, shortTime, withCode } from './fragments.ts';

const STATUS_TEXT = {
  fresh: 'Scanned recently.',
  stale: 'The last scan is old; a rescan may show a different picture.',
  pending: 'A scan is queued or running; reload this page in a minute.',
  failed: 'The last scan failed.',
  unknown: 'Never scanned.',
} as const;

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

const SCAN_STATUS_TEXT = { queued: 'queued', running: 'running', done: 'done', failed: 'failed' } as const;

/** Scans of the domain, newest first: when, what became of each, and the grades it gave. */
function historyView(history: readonly ScanHistoryEntry[]) {
  if (history.length === 0) return html`<p>No scans yet.</p>`;
  return html`<div class="scroll" role="region" aria-label="Scan history" tabindex="0"><table class="history">
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
  </table></div>`;
}

/** The report's part of the domain page, rendered once per report and rubric (see routes.ts). */
export function reportSection(domain: string, report: DomainReport) {
  return html`<p>
      Rubric version ${report.rubricVersion}.${' '}
      <a href=${`/domain/${encodeURIComponent(domain)}/report.json`} download=${`${domain}.json`}>Download the whole report (JSON)</a>
    </p>
    ${reportView(reportModel(report))}`;
}

/** `section`: the report's part as rendered by reportSection, or null without a report. */
export function domainView(
  view: DomainView,
  section: string | null,
  notice: string | null,
  history: readonly ScanHistoryEntry[] = [],
) {
  return html`<h1>${view.domain}</h1>
    <p>${STATUS_TEXT[view.status]} ${view.scannedAt ? `Report of ${shortTime(view.scannedAt)}.` : ''}</p>
    ${view.lastScan?.status === 'failed' && view.lastScan.error ? html`<p class="error">Last scan: ${view.lastScan.error}</p>` : null}
    ${notice ? html`<p role="status">${notice}</p>` : null}
    <form class="rescan" method="post" action=${`/domain/${encodeURIComponent(view.domain)}/scan`}>
      <input type="submit" value=${section !== null ? 'Rescan' : 'Scan now'} />
    </form>
    ${section === null ? null : html`<div class="report" dangerouslySetInnerHTML=${{ __html: section }}></div>`}
    <h2>History</h2>
    ${historyView(history)}
    <h2>Badge</h2>
    <p>
      <img src=${`/badge/${encodeURIComponent(view.domain)}.svg${view.scannedAt ? `?at=${encodeURIComponent(view.scannedAt)}` : ''}`}
        alt=${`XMPP grades of ${view.domain}`} width="166" height="20" />
    </p>
    <p>Embed it: <code>${`<img src="/badge/${encodeURIComponent(view.domain)}.svg" alt="XMPP grades of ${view.domain}">`}</code></p>`;
}

export function messageView(title: string, message: string) {
  return html`<h1>${title}</h1><p>${message}</p><p><a href="/">Back to search</a></p>`;
}
