// Scan functions for the observatory's queue and API tests: the real scanner against the lab,
// wrapped to count calls per domain.
import { gradeReport } from '../../src/core/grade-report.ts';
import type { DomainReport } from '../../src/core/report.ts';
import { report, service, target } from '../../src/core/testing/fixtures.ts';
import type { ScanFn } from '../../src/observatory/queue/types.ts';

export interface CountingScan {
  scan: ScanFn;
  /** Calls per domain, counted when the scan starts. */
  calls: Map<string, number>;
  total(): number;
}

export function counting(inner: ScanFn): CountingScan {
  const calls = new Map<string, number>();
  return {
    calls,
    total: () => [...calls.values()].reduce((a, b) => a + b, 0),
    scan: async (domain) => {
      calls.set(domain, (calls.get(domain) ?? 0) + 1);
      return inner(domain);
    },
  };
}

/** The real `scanDomain` with the running lab's resolver and CA (names the lab does not know fail fast). */
export async function labScan(): Promise<ScanFn> {
  const [{ scanDomain }, { labScanOptions }] = await Promise.all([
    import('../../src/observatory/scan/scan-domain.ts'),
    import('../../src/observatory/commands/lab-options.ts'),
  ]);
  const options = labScanOptions();
  return (domain) => scanDomain(domain, options);
}

/**
 * A scanner of our own, for tests that need exact grades: a modern c2s and s2s for every domain.
 * Used only for stored data (the regrading test, the benchmark seed); scans in tests use `labScan`.
 */
export function fixedReport(domain: string, scannedAt = new Date().toISOString()): DomainReport {
  const at = (port: number) => target({ host: domain, port });
  return gradeReport(
    report({
      domain,
      scannedAt,
      c2s: service('c2s', { targets: [at(5222)] }),
      s2s: service('s2s', { targets: [at(5269)] }),
    }),
  );
}
