// The path page for operators: can FROM's server talk safely to TO's? Every hop with its light, a
// label and the reasons in words (never colour alone). Markup as functions of plain data: no I/O.
import { english, type ReasonText } from '../../core/english.ts';
import { BOUNCE_WORDS, LIGHT_WORDS, seeReport } from '../../core/light-words.ts';
import type { Light } from '../../core/lights.ts';
import type { PathReport } from '../../core/path-report.ts';
import { phrase } from '../../core/phrase.ts';
import { html } from './html.ts';

const LIGHT_SHAPE: Record<Light, string> = { green: '●', yellow: '▲', red: '■', grey: '?' };

function lightLabel(light: Light, undeliverable: boolean) {
  const text = english(undeliverable ? BOUNCE_WORDS : LIGHT_WORDS[light]);
  return html`<span class=${`light light-${light}`}><span aria-hidden="true">${LIGHT_SHAPE[light]} </span>${text}</span>`;
}

/** The form on the path page and on every domain report: "from your server to this one". */
export function pathForm(values: { from?: string; to?: string } = {}, error: string | null = null) {
  return html`<form class="path-form" method="get" action="/path">
      <label for="path-from">Your server’s domain</label>
      <input id="path-from" name="from" value=${values.from ?? ''} placeholder="example.org" required maxlength="1024" />
      <label for="path-to">Their domain</label>
      <input id="path-to" name="to" value=${values.to ?? ''} placeholder="example.net" required maxlength="1024" />
      <input type="submit" value="Check the path" />
    </form>
    ${error ? html`<p id="path-error" class="error" role="alert">${error}</p>` : null}`;
}

export function pathFormView(values: { from?: string; to?: string } = {}, error: string | null = null) {
  return html`<h1>Can two servers talk safely?</h1>
    <p>Enter your server’s domain and another one to see every hop of a message between them.</p>
    ${pathForm(values, error)}`;
}

function endLine(end: PathReport['from']) {
  return html`<li>
    <a href=${`/domain/${encodeURIComponent(end.domain)}`}>${end.domain}</a>:
    ${end.scannedAt ? ` scanned ${end.scannedAt.slice(0, 16).replace('T', ' ')} UTC` : ' not scanned yet'}
  </li>`;
}

/** The plain sentence first, what to do, the domain's report, and the jargon folded away. */
function reasonItem(reason: ReasonText) {
  return html`<li>
    <p class="says">${reason.says}</p>
    ${reason.todo ? html`<p class="todo">${english(phrase('path_todo_label'))} ${reason.todo}</p>` : null}
    ${reason.about ? html`<p class="about"><a href=${`/domain/${encodeURIComponent(reason.about)}`}>${english(seeReport(reason.about))}</a></p>` : null}
    ${reason.detail ? html`<details><summary>${english(phrase('path_details_summary'))}</summary><p>${reason.detail}</p></details>` : null}
  </li>`;
}

export function pathView(report: PathReport) {
  const { from, to } = report;
  return html`<h1>${from.domain} → ${to.domain}</h1>
    <p class="path-light">Path: ${lightLabel(report.light, report.undeliverable)}</p>
    <ol class="hops">
      ${report.hops.map(
        (hop) => html`<li class="hop">
          <h2>${hop.from} → ${hop.to === 'contact' ? `${to.domain}'s clients` : hop.to}: ${lightLabel(hop.light, hop.undeliverable)}</h2>
          <ul class="reasons">${hop.reasons.map(reasonItem)}</ul>
        </li>`,
      )}
    </ol>
    <h2>Based on</h2>
    <ul>${endLine(from)}${endLine(to)}</ul>
    <p>
      <a href=${`/api/v1/path?from=${encodeURIComponent(from.domain)}&to=${encodeURIComponent(to.domain)}`}>This path as JSON</a>
    </p>
    <h2>Another path</h2>
    ${pathForm({ from: from.domain, to: to.domain })}`;
}
