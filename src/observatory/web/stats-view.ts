// The network statistics page, as the IM Observatory had it: grades, TLS versions, required encryption,
// DNSSEC/DANE/POSH, keys, issuers, ML-KEM and the grades over time, as SVG charts. Markup only.
import { GRADE_ORDER } from '../../core/grades.ts';
import type { ScanStatus } from '../store/schema.ts';
import type { Distribution, NetworkStats } from '../store/store.ts';
import { type Bar, gradeFill, gradeHistoryChart, pairedBarChart } from './charts.ts';
import { html } from './html.ts';

/** Bars in a fixed order where one exists (grades), else most frequent first. */
export function toBars(distribution: Distribution, order?: readonly string[]): Bar[] {
  const entries = Object.entries(distribution);
  const sorted = order
    ? order.flatMap((key) => {
        const counts = distribution[key];
        return counts ? [[key, counts] as const] : [];
      })
    : entries.sort(([a, x], [b, y]) => y.c2s + y.s2s - (x.c2s + x.s2s) || (a < b ? -1 : 1));
  return sorted.map(([label, counts]) => ({ label, c2s: counts.c2s, s2s: counts.s2s }));
}

export function networkStatsView(
  stats: NetworkStats,
  scans: Record<ScanStatus, number>,
  rubricVersion: number,
) {
  const served = stats.served;
  const mlkemRecorded = stats.mlkem.recorded.c2s + stats.mlkem.recorded.s2s > 0;
  return html`<h1>Network statistics</h1>
    <dl>
      <dt>Domains with a report</dt><dd>${stats.domains.toLocaleString('en')}</dd>
      <dt>With a reachable c2s / s2s server</dt><dd>${served.c2s.toLocaleString('en')} / ${served.s2s.toLocaleString('en')}</dd>
      <dt>Scans queued / running</dt><dd>${scans.queued} / ${scans.running}</dd>
      <dt>Scans done / failed</dt><dd>${scans.done.toLocaleString('en')} / ${scans.failed.toLocaleString('en')}</dd>
      <dt>Rubric version</dt><dd>${rubricVersion}</dd>
    </dl>
    <p>Shares are of the domains whose service could be reached (c2s and s2s apart). The browse-able list is the <a href="/directory">directory</a>.</p>
    ${pairedBarChart('Grades', toBars(stats.grades, [...GRADE_ORDER, 'none']), served, gradeFill)}
    ${pairedBarChart('TLS versions offered', toBars(stats.versions, Object.keys(stats.versions)), served)}
    ${pairedBarChart('Encryption', toBars(stats.encryption, ['required', 'optional', 'none']), served)}
    ${pairedBarChart('DNSSEC, DANE and POSH', toBars(stats.adoption, ['DNSSEC', 'DANE', 'POSH']), served)}
    ${pairedBarChart('Certificate keys', toBars(stats.keys), served)}
    ${pairedBarChart('Certificate issuers (most frequent)', toBars(stats.issuers), served)}
    ${
      mlkemRecorded
        ? pairedBarChart(
            'ML-KEM hybrid key exchange (of the scans that recorded groups)',
            [{ label: 'ML-KEM offered', ...stats.mlkem.offered }],
            stats.mlkem.recorded,
          )
        : html`<figure><figcaption>ML-KEM hybrid key exchange</figcaption><p>No scan has recorded key-exchange groups yet.</p></figure>`
    }
    ${gradeHistoryChart(
      'c2s grades of the reports made each month',
      stats.history.map((h) => ({ month: h.month, counts: h.c2s })),
    )}
    ${gradeHistoryChart(
      's2s grades of the reports made each month',
      stats.history.map((h) => ({ month: h.month, counts: h.s2s })),
    )}
    <p>
      A+ to F grade the TLS a server offers (rubric version ${rubricVersion}). T: the certificate does not
      authenticate the domain and neither DANE nor POSH does. "none": no server could be reached.
    </p>`;
}
