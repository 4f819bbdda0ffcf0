// Reports stored by the v1 scanner (real lab scans in test/fixtures/rubric-v1/, one entry per target)
// still read, upgrade to v2 (one entry per address) and re-grade, without a rescan.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradeReport, summarize } from './grade-report.ts';
import { type DomainReport, REPORT_VERSION } from './report.ts';
import { upgradeReport } from './report-upgrade.ts';
import { ShapeError } from './shape.ts';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/rubric-v1');
const storedV1 = (domain: string) =>
  JSON.parse(readFileSync(join(FIXTURES, `${domain}.json`), 'utf8')) as DomainReport;

describe('stored v1 reports', () => {
  it.each(['good.test', 'weak.test', 'badtlsa.sec.test'])('%s reads, upgrades and re-grades', (domain) => {
    const stored = storedV1(domain);
    expect(stored.reportVersion).toBe(1);
    const graded = gradeReport(stored);
    expect(graded.reportVersion).toBe(REPORT_VERSION);
    for (const kind of ['c2s', 's2s'] as const) {
      const before = stored.services[kind].targets;
      const after = graded.services[kind].targets;
      // The same entries: v1 probed each target on its first address, which is now said.
      expect(after.map((t) => [t.host, t.port, t.address])).toEqual(
        before.map((t) => [t.host, t.port, t.status === 'ok' ? t.addresses[0] : null]),
      );
      expect(after.map((t) => [t.tls, t.certificate, t.stream])).toEqual(
        before.map((t) => [t.tls, t.certificate, t.stream]),
      );
      expect(graded.services[kind].grade).not.toBeNull();
    }
    expect(gradeReport(graded)).toEqual(graded);
    expect(summarize(stored)).toEqual(summarize(graded));
  });

  it('leaves a current report as it is and refuses an unknown version with a clear error', () => {
    const current = gradeReport(storedV1('good.test'));
    expect(upgradeReport(current)).toBe(current);
    const future = { ...current, reportVersion: 3 } as unknown as DomainReport;
    expect(() => gradeReport(future)).toThrow(ShapeError);
    expect(() => gradeReport(future)).toThrow('report.reportVersion must be one of 1, 2, got 3');
  });
});
