// The path page for operators: can FROM's server talk safely to TO's? Every hop with its light, a
// label and the reasons in words (never colour alone). Markup as functions of plain data: no I/O.
import type { Light } from '../../core/lights.ts';
import type { PathReport } from '../../core/path-report.ts';
import { html } from './html.ts';

const LIGHT_TEXT: Record<Light, string> = {
  green: 'Protected',
  yellow: 'Weakened',
  red: 'Unsafe',
  grey: 'Unknown',
};

const LIGHT_SHAPE: Record<Light, string> = { green: '●', yellow: '▲', red: '■', grey: '?' };

function lightLabel(light: Light, undeliverable: boolean) {
  const text = undeliverable ? 'Messages bounce' : LIGHT_TEXT[light];
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

export function pathView(report: PathReport) {
  const { from, to } = report;
  return html`<h1>${from.domain} → ${to.domain}</h1>
    <p class="path-light">Path: ${lightLabel(report.light, report.undeliverable)}</p>
    <ol class="hops">
      ${report.hops.map(
        (hop) => html`<li class="hop">
          <h2>${hop.from} → ${hop.to === 'contact' ? `${to.domain}'s clients` : hop.to}: ${lightLabel(hop.light, hop.undeliverable)}</h2>
          <ul>${hop.reasons.map((reason) => html`<li>${reason}</li>`)}</ul>
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
