// The directory page: filters as a plain GET form, the table with sortable headers, and a pager.
import { GRADE_ORDER } from '../../core/grades.ts';
import type { Encryption } from '../../core/report.ts';
import type { Availability } from '../../core/summary.ts';
import type { DirectoryPage, DirectoryQuery, DirectorySort } from '../store/store.ts';
import {
  AUTH_FILTERS,
  DEFAULT_DIRECTORY_QUERY,
  directoryHref,
  ENCRYPTION_FILTERS,
  pageCount,
  SORTS,
  scanAge,
} from './directory-model.ts';
import { gradeLabel, shortTime } from './fragments.ts';
import { html } from './html.ts';

const AUTH_TEXT: Record<string, string> = { pkix: 'PKIX', dane: 'DANE', posh: 'POSH' };
const authText = (methods: readonly string[]) => methods.map((m) => AUTH_TEXT[m] ?? m).join(', ') || 'none';

const UNAVAILABLE = { none: 'no server', failed: 'not reached' } as const;
/** What a service's column says when no target answered: there is no policy to show. */
const served = (availability: Availability, text: string) =>
  availability === 'served' ? text : UNAVAILABLE[availability];
const policy = (availability: Availability, encryption: Encryption) => served(availability, encryption);

function select(name: string, label: string, value: string | null, options: Record<string, string>) {
  return html`<div class="field">
    <label for=${`f-${name}`}>${label}</label>
    <select id=${`f-${name}`} name=${name}>
      <option value="" selected=${value === null || value === ''}>any</option>
      ${Object.entries(options).map(([key, text]) => html`<option value=${key} selected=${value === key}>${text}</option>`)}
    </select>
  </div>`;
}

function sortHeader(query: DirectoryQuery, sort: DirectorySort, label: string) {
  const active = query.sort === sort;
  // A click on the active column flips its direction; another column starts at its natural direction.
  const descending = active ? !query.descending : sort === 'age';
  const ariaSort = active ? (query.descending ? 'descending' : 'ascending') : undefined;
  return html`<th scope="col" aria-sort=${ariaSort}>
    <a href=${directoryHref(query, { sort, descending, page: 1 })}>${label}${active ? (query.descending ? ' ↓' : ' ↑') : ''}</a>
  </th>`;
}

export function directoryView(
  query: DirectoryQuery,
  page: DirectoryPage,
  now: Date,
  error: string | null = null,
) {
  const pages = pageCount(page.total, query.pageSize);
  const grades = Object.fromEntries(GRADE_ORDER.map((g) => [g, g]));
  return html`<h1>Directory</h1>
    <p>Every scanned domain with its latest grades. Sort by a column's heading; filter below.</p>
    <form class="filters" method="get" action="/directory" aria-label="Filter the directory">
      <div class="field">
        <label for="f-prefix">Domain begins with</label>
        <input id="f-prefix" name="prefix" value=${query.prefix} maxlength="253" />
      </div>
      ${select('c2s', 'c2s grade', query.c2sGrade, grades)}
      ${select('s2s', 's2s grade', query.s2sGrade, grades)}
      ${select('encryption', 'Encryption', query.encryption, ENCRYPTION_FILTERS)}
      ${select('auth', 'Authentication', query.auth, AUTH_FILTERS)}
      ${query.sort !== DEFAULT_DIRECTORY_QUERY.sort ? html`<input type="hidden" name="sort" value=${query.sort} />` : null}
      ${query.descending !== (query.sort === 'age') ? html`<input type="hidden" name="order" value=${query.descending ? 'desc' : 'asc'} />` : null}
      <div class="field"><input type="submit" value="Filter" /></div>
    </form>
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    <p role="status">${page.total.toLocaleString('en')} domain${page.total === 1 ? '' : 's'}; page ${query.page} of ${pages}.</p>
    <div class="scroll" role="region" aria-label="Directory table" tabindex="0">
      <table class="data directory">
        <caption class="visually-hidden">Scanned domains, sorted by ${SORTS[query.sort]}</caption>
        <thead><tr>
          ${sortHeader(query, 'domain', 'Domain')}
          ${sortHeader(query, 'c2s', 'c2s')}
          ${sortHeader(query, 's2s', 's2s')}
          <th scope="col">Encryption (c2s / s2s)</th>
          <th scope="col">Authentication (c2s / s2s)</th>
          ${sortHeader(query, 'age', 'Scanned')}
        </tr></thead>
        <tbody>
          ${page.rows.map(
            (r) => html`<tr>
              <td><a href=${`/domain/${encodeURIComponent(r.domain)}`}>${r.domain}</a></td>
              <td>${gradeLabel(r.c2sGrade, null)}</td>
              <td>${gradeLabel(r.s2sGrade, null)}</td>
              <td>${policy(r.c2sAvailability, r.c2sEncryption)} / ${policy(r.s2sAvailability, r.s2sEncryption)}</td>
              <td>${served(r.c2sAvailability, authText(r.c2sAuthentication))} / ${served(r.s2sAvailability, authText(r.s2sAuthentication))}</td>
              <td><time datetime=${r.scannedAt} title=${shortTime(r.scannedAt)}>${scanAge(r.scannedAt, now)}</time></td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${page.rows.length === 0 ? html`<p>No domain matches.</p>` : null}
    <nav class="pager" aria-label="Pages">
      ${query.page > 1 ? html`<a rel="prev" href=${directoryHref(query, { page: query.page - 1 })}>Previous page</a>` : null}
      ${query.page < pages ? html`<a rel="next" href=${directoryHref(query, { page: query.page + 1 })}>Next page</a>` : null}
    </nav>`;
}
