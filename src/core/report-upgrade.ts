// Stored reports outlive the scanner that wrote them: this brings an older report's shape up to the
// current REPORT_VERSION, without rescanning and without inventing facts. Pure.
import { type DomainReport, REPORT_VERSION, type ServiceReport, type TargetReport } from './report.ts';

/** A report as stored by an older scanner: v1 had one entry per target, probed on its first address. */
type StoredReport = Omit<DomainReport, 'reportVersion' | 'services'> & {
  reportVersion: number;
  services: Record<'c2s' | 's2s', Omit<ServiceReport, 'targets'> & { targets: StoredTarget[] }>;
};
type StoredTarget = Omit<TargetReport, 'address'> & { address?: string | null };

/** The report in the current shape; a current report is returned as it is. */
export function upgradeReport(report: DomainReport | StoredReport): DomainReport {
  if (report.reportVersion === REPORT_VERSION) return report as DomainReport;
  const service = (s: StoredReport['services']['c2s']): ServiceReport => ({
    ...s,
    // v1 probed the first address of each target and kept the others only as a list.
    targets: s.targets.map((t) => ({
      ...t,
      address: t.address ?? (t.status === 'ok' ? (t.addresses[0] ?? null) : null),
    })),
  });
  return {
    ...report,
    reportVersion: REPORT_VERSION,
    services: { c2s: service(report.services.c2s), s2s: service(report.services.s2s) },
  };
}
