import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DIRECTORY_QUERY,
  directoryHref,
  pageCount,
  parseDirectoryParams,
  scanAge,
} from './directory-model.ts';

describe('directory query', () => {
  it('defaults to every domain by name, first page', () => {
    expect(parseDirectoryParams({})).toEqual({ ok: true, query: DEFAULT_DIRECTORY_QUERY });
  });

  it('reads sort, order, filters and page; ages sort newest first unless asked', () => {
    const parsed = parseDirectoryParams({
      sort: 'age',
      c2s: 'A+',
      s2s: 'T',
      encryption: 'required',
      auth: 'dane',
      prefix: ' Jabber.',
      page: '3',
    });
    expect(parsed).toEqual({
      ok: true,
      query: {
        ...DEFAULT_DIRECTORY_QUERY,
        sort: 'age',
        descending: true,
        c2sGrade: 'A+',
        s2sGrade: 'T',
        encryption: 'required',
        auth: 'dane',
        prefix: 'jabber.',
        page: 3,
      },
    });
    expect(parseDirectoryParams({ sort: 'age', order: 'asc' })).toMatchObject({
      query: { descending: false },
    });
  });

  it('turns a Unicode prefix into its ASCII form, as domains are stored', () => {
    expect(parseDirectoryParams({ prefix: 'bücher' })).toMatchObject({ query: { prefix: 'xn--bcher-kva' } });
  });

  it('refuses what it does not know, naming the parameter', () => {
    expect(parseDirectoryParams({ sort: 'size' })).toEqual({
      ok: false,
      error: 'Unknown sort "size": use domain, c2s, s2s, age.',
    });
    expect(parseDirectoryParams({ c2s: 'Z' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('c2s grade "Z"'),
    });
    expect(parseDirectoryParams({ page: '0' })).toMatchObject({ ok: false });
    expect(parseDirectoryParams({ page: '2.5' })).toMatchObject({ ok: false });
    expect(parseDirectoryParams({ prefix: 'a/b' })).toMatchObject({ ok: false });
    expect(parseDirectoryParams({ encryption: 'maybe' })).toMatchObject({ ok: false });
  });

  it('links with only what differs from the defaults, and parses back to the same query', () => {
    expect(directoryHref(DEFAULT_DIRECTORY_QUERY)).toBe('/directory');
    const query = {
      ...DEFAULT_DIRECTORY_QUERY,
      sort: 's2s' as const,
      descending: true,
      auth: 'none' as const,
      page: 2,
    };
    const href = directoryHref(query);
    expect(href).toBe('/directory?sort=s2s&order=desc&auth=none&page=2');
    const params = Object.fromEntries(new URL(href, 'http://x').searchParams);
    expect(parseDirectoryParams(params)).toEqual({ ok: true, query });
  });

  it('counts pages and says how old a scan is', () => {
    expect(pageCount(0, 50)).toBe(1);
    expect(pageCount(101, 50)).toBe(3);
    const now = new Date('2026-11-30T12:00:00Z');
    expect(scanAge('2026-11-30T11:59:30Z', now)).toBe('just now');
    expect(scanAge('2026-11-30T11:00:00Z', now)).toBe('60 minutes ago');
    expect(scanAge('2026-11-29T12:00:00Z', now)).toBe('24 hours ago');
    expect(scanAge('2026-11-20T12:00:00Z', now)).toBe('10 days ago');
  });
});
