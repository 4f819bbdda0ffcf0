// The directory's address bar as data and back: query parameters → a store query (with a clear error
// for a value it does not know), and a query → the link to it with only what differs from the default.
import { domainToASCII } from 'node:url';
import { GRADE_ORDER } from '../../core/grades.ts';
import type { Grade } from '../../core/report.ts';
import type { AuthFilter, DirectoryQuery, DirectorySort, EncryptionFilter } from '../store/store.ts';

export const DIRECTORY_PAGE_SIZE = 50;
/** Pages beyond this are refused: an offset that deep is a crawler's, and the filters narrow better. */
export const MAX_DIRECTORY_PAGE = 1000;

export const DEFAULT_DIRECTORY_QUERY: DirectoryQuery = {
  sort: 'domain',
  descending: false,
  prefix: '',
  c2sGrade: null,
  s2sGrade: null,
  encryption: null,
  auth: null,
  page: 1,
  pageSize: DIRECTORY_PAGE_SIZE,
};

export const SORTS: Record<DirectorySort, string> = {
  domain: 'Domain',
  c2s: 'c2s grade',
  s2s: 's2s grade',
  age: 'Scan age',
};
export const ENCRYPTION_FILTERS: Record<EncryptionFilter, string> = {
  required: 'required on c2s and s2s',
  optional: 'optional on c2s or s2s',
  none: 'no TLS on c2s or s2s',
};
export const AUTH_FILTERS: Record<AuthFilter, string> = {
  pkix: 's2s by certificate (PKIX)',
  dane: 's2s by DANE',
  posh: 's2s by POSH',
  none: 's2s not authenticated',
};

export type DirectoryParams = Record<string, string | undefined>;

const oneOf = <K extends string>(value: string, allowed: Record<K, string>): value is K =>
  Object.hasOwn(allowed, value);

/** The query the parameters ask for, or the first parameter that makes no sense, in words. */
export function parseDirectoryParams(
  params: DirectoryParams,
): { ok: true; query: DirectoryQuery } | { ok: false; error: string } {
  const query: DirectoryQuery = { ...DEFAULT_DIRECTORY_QUERY };
  const { sort, order, c2s, s2s, encryption, auth, prefix, page } = params;
  if (sort) {
    if (!oneOf(sort, SORTS))
      return { ok: false, error: `Unknown sort "${sort}": use ${Object.keys(SORTS).join(', ')}.` };
    query.sort = sort;
    // Grades sort best first and ages newest first unless asked otherwise.
    query.descending = sort === 'age';
  }
  if (order) {
    if (order !== 'asc' && order !== 'desc')
      return { ok: false, error: `Unknown order "${order}": use asc or desc.` };
    query.descending = order === 'desc';
  }
  for (const [name, value] of [
    ['c2s', c2s],
    ['s2s', s2s],
  ] as const) {
    if (!value) continue;
    if (!(GRADE_ORDER as readonly string[]).includes(value))
      return { ok: false, error: `Unknown ${name} grade "${value}": use one of ${GRADE_ORDER.join(', ')}.` };
    if (name === 'c2s') query.c2sGrade = value as Grade;
    else query.s2sGrade = value as Grade;
  }
  if (encryption) {
    if (!oneOf(encryption, ENCRYPTION_FILTERS))
      return {
        ok: false,
        error: `Unknown encryption filter "${encryption}": use required, optional or none.`,
      };
    query.encryption = encryption;
  }
  if (auth) {
    if (!oneOf(auth, AUTH_FILTERS))
      return { ok: false, error: `Unknown authentication filter "${auth}": use pkix, dane, posh or none.` };
    query.auth = auth;
  }
  if (prefix) {
    const trimmed = prefix.trim().toLowerCase();
    // A prefix is the beginning of a domain: ASCII as stored (IDNA for Unicode), letters, digits, dots, dashes.
    const ascii = /^[\x20-\x7e]*$/.test(trimmed) ? trimmed : domainToASCII(trimmed);
    if (!/^[a-z0-9._-]{1,253}$/.test(ascii))
      return { ok: false, error: `"${prefix}" cannot begin a domain: use letters, digits, dots and dashes.` };
    query.prefix = ascii;
  }
  if (page) {
    const n = Number(page);
    if (!Number.isInteger(n) || n < 1 || n > MAX_DIRECTORY_PAGE)
      return { ok: false, error: `Page "${page}" is not a page number from 1 to ${MAX_DIRECTORY_PAGE}.` };
    query.page = n;
  }
  return { ok: true, query };
}

/** `/directory?…` with only the parameters that differ from the defaults, so links stay short and stable. */
export function directoryHref(query: DirectoryQuery, change: Partial<DirectoryQuery> = {}): string {
  const q = { ...query, ...change };
  const params = new URLSearchParams();
  if (q.sort !== DEFAULT_DIRECTORY_QUERY.sort) params.set('sort', q.sort);
  if (q.descending !== (q.sort === 'age')) params.set('order', q.descending ? 'desc' : 'asc');
  if (q.c2sGrade) params.set('c2s', q.c2sGrade);
  if (q.s2sGrade) params.set('s2s', q.s2sGrade);
  if (q.encryption) params.set('encryption', q.encryption);
  if (q.auth) params.set('auth', q.auth);
  if (q.prefix) params.set('prefix', q.prefix);
  if (q.page !== 1) params.set('page', String(q.page));
  const text = params.toString();
  return text ? `/directory?${text}` : '/directory';
}

/** Pages in all, at least one. */
export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

/** `3 days ago`, `5 hours ago`, `just now`: how old a scan is, for people. */
export function scanAge(scannedAt: string, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - Date.parse(scannedAt)) / 60_000));
  if (minutes < 2) return 'just now';
  if (minutes < 120) return `${minutes} minutes ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} hours ago`;
  return `${Math.floor(hours / 24)} days ago`;
}
