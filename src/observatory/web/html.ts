// Server-rendered pages with Preact and htm (tagged templates: Node runs .ts by type stripping, so no JSX).
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

export { html };

/** A part of a page as HTML text, to be kept and placed into pages later (see RenderCache). */
export function renderFragment(node: VNode): string {
  // The renderer's string is a tree of its ~6× larger pieces, which a cached fragment would keep alive
  // (a report section: ~110 KB for 17 K characters); decoded from bytes, it is one flat string.
  return Buffer.from(renderToString(node), 'utf8').toString('utf8');
}

/** Every page's frame: one stylesheet of ours, nothing external, no script. */
export function renderPage(title: string, body: VNode | VNode[]): string {
  const doc = html`<html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>${title} · Hoplight observatory</title>
      <link rel="stylesheet" href="/assets/site.css" />
      <link rel="icon" href="/assets/icon.svg" type="image/svg+xml" />
    </head>
    <body>
      <header>
        <a class="brand" href="/">Hoplight observatory</a>
        <nav><a href="/">Search</a> <a href="/directory">Directory</a> <a href="/stats">Statistics</a> <a href="/api/v1/openapi.json">API</a></nav>
      </header>
      <main>${body}</main>
    </body>
  </html>`;
  return `<!doctype html>${renderToString(doc as VNode)}`;
}

/** The site icon (browsers ask for one; without it every page logs a 404): three hop lights. */
export const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 16"><circle cx="8" cy="8" r="7" fill="#1a7f37"/><circle cx="24" cy="8" r="7" fill="#9a6700"/><circle cx="40" cy="8" r="7" fill="#cf222e"/></svg>';

/** Strict: only our own stylesheet and images, no scripts, no framing, forms only to us. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export const SITE_CSS = `
:root { color-scheme: light dark; --green: #1a7f37; --yellow: #9a6700; --red: #cf222e; --grey: #6e7781; }
body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 0 1rem 3rem; }
header { display: flex; justify-content: space-between; align-items: baseline; border-bottom: 1px solid #8884; padding: 1rem 0; }
header nav a { margin-left: 1rem; }
.brand { font-weight: 700; text-decoration: none; }
form.search { display: flex; gap: .5rem; margin: 2rem 0; }
form.search input:not([type=submit]) { flex: 1; font-size: 1.1rem; padding: .4rem .6rem; }
button, input[type=submit] { font-size: 1rem; padding: .4rem .9rem; }
.grade { display: inline-block; min-width: 2.6em; text-align: center; font-weight: 700; border-radius: .3rem; padding: .1rem .4rem; color: #fff; }
.grade-good { background: var(--green); } .grade-fair { background: var(--yellow); } .grade-bad { background: var(--red); } .grade-none { background: var(--grey); }
.services { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1rem; }
.service { border: 1px solid #8884; border-radius: .5rem; padding: 1rem; }
.finding { margin: .6rem 0; overflow-wrap: anywhere; } .finding .fix { margin: .2rem 0 0 1rem; }
.sev { font-size: .8rem; text-transform: uppercase; font-weight: 700; margin-right: .4rem; }
.sev-critical, .sev-high { color: var(--red); } .sev-medium { color: var(--yellow); } .sev-low, .sev-info { color: var(--grey); }
.error { color: var(--red); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; } dt { font-weight: 600; } dd { margin: 0; }
table.history { border-collapse: collapse; } table.history th, table.history td { text-align: left; padding: .2rem .8rem .2rem 0; border-bottom: 1px solid #8884; }
svg.chart text { font: 14px system-ui, sans-serif; fill: currentColor; }
figure { margin: 1.5rem 0; } figcaption { font-weight: 600; margin-bottom: .3rem; }
code { font-size: .9em; background: #8882; border-radius: .2rem; padding: 0 .2rem; }
form.rescan { margin: 1rem 0; }
.light { display: inline-block; font-weight: 700; border-radius: .3rem; padding: .05rem .5rem; color: #fff; }
.light-green { background: var(--green); } .light-yellow { background: var(--yellow); } .light-red { background: var(--red); } .light-grey { background: var(--grey); }
ol.hops { padding-left: 1.2rem; } ol.hops h2 { font-size: 1.05rem; overflow-wrap: anywhere; }
form.path-form { display: grid; grid-template-columns: max-content 1fr; gap: .4rem .8rem; align-items: center; margin: 1rem 0; max-width: 36rem; }
form.path-form input[type=submit] { grid-column: 2; justify-self: start; }
header { flex-wrap: wrap; gap: .5rem; }
.service { margin: 1.5rem 0; }
.target { border-top: 1px solid #8884; margin-top: 1rem; }
.scroll { overflow-x: auto; max-width: 100%; }
table.data { border-collapse: collapse; margin: .5rem 0; } table.data caption { text-align: left; font-weight: 600; padding: .3rem 0; }
table.data th, table.data td { text-align: left; padding: .2rem .6rem .2rem 0; border-bottom: 1px solid #8884; vertical-align: top; }
.wrap { overflow-wrap: anywhere; } .mono { font-family: ui-monospace, monospace; font-size: .85em; }
.strength-insecure { color: var(--red); font-weight: 600; } .strength-weak { color: var(--yellow); }
ul.caps { margin: .3rem 0; } ol.chain > li { margin-bottom: .8rem; }
form.filters { display: flex; flex-wrap: wrap; gap: .6rem 1rem; align-items: end; margin: 1rem 0; }
form.filters .field { display: flex; flex-direction: column; } form.filters select, form.filters input { font-size: 1rem; }
nav.pager { display: flex; gap: 1.5rem; margin: 1rem 0; }
th[aria-sort] a { font-weight: 700; }
svg.chart { max-width: 100%; height: auto; } svg.chart text.small { font-size: 12px; }
.legend span { margin-right: .6rem; white-space: nowrap; }
pre { font-size: .8rem; }
form.search { flex-wrap: wrap; } form.search input:not([type=submit]) { min-width: 0; flex: 1 1 12rem; }
.path-check form.search label { flex-basis: 100%; }
@media (max-width: 40rem) { dl { grid-template-columns: 1fr; } dd { margin-bottom: .4rem; } body { padding: 0 .6rem 2rem; } }
`;
