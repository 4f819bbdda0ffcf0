import { describe, expect, it } from 'vitest';
import { formatPathReport, PATH_REPORT_VERSION, pathReport } from './path-report.ts';
import { domainSummary } from './testing/fixtures.ts';

const NOW = new Date('2026-11-25T12:00:00.000Z');

describe('pathReport', () => {
  it('is the versioned operator view: FROM’s clients, the s2s link, TO’s clients', () => {
    const report = pathReport(
      { domain: 'good.test', summary: domainSummary('good.test') },
      {
        domain: 'weak.test',
        summary: domainSummary('weak.test', { s2s: { authentication: [], grade: 'T' } }),
      },
      NOW,
    );
    expect(report.pathReportVersion).toBe(PATH_REPORT_VERSION);
    expect(report.computedAt).toBe(NOW.toISOString());
    expect(report.hops.map((h) => [h.name, h.from, h.to, h.light])).toEqual([
      ['c2s-local', "good.test's clients", 'good.test', 'green'],
      ['s2s', 'good.test', 'weak.test', 'yellow'],
      ['c2s-remote', 'weak.test', 'contact', 'green'],
    ]);
    expect(report.light).toBe('yellow');
    // Version 2: each reason is English text in parts, the jargon apart from the plain sentence.
    const s2s = report.hops[1]?.reasons[0];
    expect(s2s?.says).toBe(
      'good.test checks only weakly that messages really come from weak.test: whoever controls DNS could pose as weak.test.',
    );
    expect(s2s?.todo).toBe(
      'Tell your contact: they can ask the operator of weak.test to fix this, or move to another server.',
    );
    expect(s2s?.detail).toContain('dialback');
    expect(s2s?.about).toBe('weak.test');
    expect(report.reasons).toEqual([s2s]);
    expect(report.to.scannedAt).toBe('2026-11-24T12:00:00.000Z');
  });

  it('judges the first hop by the report alone: unknown when FROM is not scanned', () => {
    const report = pathReport(
      { domain: 'new.test', summary: null },
      { domain: 'good.test', summary: domainSummary('good.test') },
      NOW,
    );
    expect(report.hops[0]?.light).toBe('grey');
    expect(report.from.scannedAt).toBeNull();
  });

  it('reads as text for people, every hop with its reasons', () => {
    const text = formatPathReport(
      pathReport(
        { domain: 'good.test', summary: domainSummary('good.test') },
        { domain: 'other.test', summary: null },
        NOW,
      ),
    );
    expect(text).toContain('Path good.test → other.test: GREY (Unknown)');
    expect(text).toContain(
      'good.test → other.test: GREY (Unknown)\n  - other.test has not been checked by the observatory yet.',
    );
    expect(text).toContain('other.test: not scanned');
  });

  it('prints what to do and the detail under each reason', () => {
    const text = formatPathReport(
      pathReport(
        { domain: 'good.test', summary: domainSummary('good.test') },
        {
          domain: 'plain.test',
          summary: domainSummary('plain.test', { s2s: { encryption: 'none', tlsVersions: [], suites: [] } }),
        },
        NOW,
      ),
    );
    expect(text).toContain('Path good.test → plain.test: RED (Messages bounce)');
    expect(text).toContain(
      '  - good.test insists on encryption but plain.test offers none: messages between them bounce.\n' +
        '    To do: Tell your contact: they can ask the operator of plain.test to fix this, or move to another server.\n' +
        '    Detail: plain.test offers no TLS to other servers.',
    );
  });
});
