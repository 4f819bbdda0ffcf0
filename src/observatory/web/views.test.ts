import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import type { DomainView } from '../http/domain-view.ts';
import { domainView, shortTime, withCode } from './views.ts';

const render = (node: unknown) => renderToString(node as VNode);

describe('views', () => {
  it('shows configuration quoted in backticks as code, escaped', () => {
    expect(render(withCode('Set `ssl = { protocol = "tlsv1_2+" }` and <reload>.'))).toBe(
      'Set <code>ssl = { protocol = &quot;tlsv1_2+&quot; }</code> and &lt;reload>.',
    );
    expect(render(withCode('no code here'))).toBe('no code here');
  });

  it('shortens times to minutes in UTC', () => {
    expect(shortTime('2026-11-24T18:07:33.123Z')).toBe('2026-11-24 18:07 UTC');
  });

  it('lists the scan history newest first with grades, failures with their reason', () => {
    const view: DomainView = {
      domain: 'weak.test',
      status: 'fresh',
      scannedAt: '2026-11-24T18:00:00.000Z',
      summary: null,
      lastScan: null,
    };
    const html = render(
      domainView(view, null, null, [
        {
          id: 'b',
          status: 'failed',
          requestedAt: '2026-11-24T19:00:00.000Z',
          finishedAt: '2026-11-24T19:00:05.000Z',
          error: 'DNS timed out',
          c2sGrade: null,
          s2sGrade: null,
        },
        {
          id: 'a',
          status: 'done',
          requestedAt: '2026-11-24T18:00:00.000Z',
          finishedAt: '2026-11-24T18:00:09.000Z',
          error: null,
          c2sGrade: 'B',
          s2sGrade: 'T',
        },
      ]),
    );
    const rows = html.split('<tr>').slice(2);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('failed: DNS timed out');
    expect(rows[1]).toContain('grade-fair">B<');
    expect(rows[1]).toContain('grade-bad">T<');
    // The badge URL changes with each report, so a browser never shows a cached older badge.
    expect(html).toContain('src="/badge/weak.test.svg?at=2026-11-24T18%3A00%3A00.000Z"');
  });

  it('says so when a domain was never scanned', () => {
    const view: DomainView = {
      domain: 'new.test',
      status: 'unknown',
      scannedAt: null,
      summary: null,
      lastScan: null,
    };
    const html = render(domainView(view, null, null, []));
    expect(html).toContain('No scans yet.');
    expect(html).toContain('value="Scan now"');
  });
});
