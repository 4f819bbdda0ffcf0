import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { E2E_LABELS } from '../../core/path.ts';
import type { ContactResult } from '../shared/check-types.ts';
import { ResultList } from './ResultList.tsx';

const contacts = (n: number): ContactResult[] =>
  Array.from({ length: n }, (_, i) => ({
    jid: `c${i}@example.org`,
    name: null,
    light: 'grey',
    reasons: [],
    hops: [],
    e2e: { light: 'grey', label: E2E_LABELS.unknown, reasons: [] },
  }));

const rowsIn = (html: string) => html.match(/<li class="row /g)?.length ?? 0;

describe('ResultList', () => {
  it('renders the same few rows at 50 and at 10,000 contacts, with room for the rest', () => {
    const small = renderToString(<ResultList results={contacts(50)} observatoryUrl={null} />);
    const large = renderToString(<ResultList results={contacts(10_000)} observatoryUrl={null} />);
    expect(rowsIn(large)).toBe(rowsIn(small));
    expect(rowsIn(large)).toBeGreaterThan(5);
    expect(rowsIn(large)).toBeLessThan(50);
    // The rows not rendered keep their place: the list is as tall as every row.
    const below = Number(/padding-bottom:\s*([\d.]+)px/.exec(large)?.[1]);
    expect(below).toBeGreaterThan((10_000 - 50) * 40);
  });

  it('tells each rendered row its place in the whole list and the list size', () => {
    const html = renderToString(<ResultList results={contacts(3_000)} observatoryUrl={null} />);
    expect(html).toContain('data-jid="c0@example.org" aria-posinset="1" aria-setsize="3000"');
    expect(html).toContain('data-jid="c1@example.org" aria-posinset="2" aria-setsize="3000"');
    expect(html).not.toContain('c2999@example.org');
  });
});
