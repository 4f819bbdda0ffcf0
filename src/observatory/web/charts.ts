// Charts as inline SVG (no script, no external library), each with its numbers as a text alternative.
import { GRADE_ORDER } from '../../core/grades.ts';
import type { Grade } from '../../core/report.ts';
import { gradeTone } from './badge.ts';
import { html } from './html.ts';

const TONE_FILL = { good: '#1a7f37', fair: '#9a6700', bad: '#cf222e', none: '#6e7781' } as const;
export const SERVICE_FILL = { c2s: '#0969da', s2s: '#8250df' } as const;

export const gradeFill = (key: string) =>
  TONE_FILL[gradeTone((GRADE_ORDER as readonly string[]).includes(key) ? (key as Grade) : null)];

const percent = (n: number, total: number) => (total > 0 ? Math.round((n / total) * 100) : 0);

export interface Bar {
  label: string;
  c2s: number;
  s2s: number;
}

/**
 * Two bars per label (c2s above s2s), each as a share of `totals` of its service. Bars are drawn to the
 * largest share, the numbers written beside them.
 */
export function pairedBarChart(
  title: string,
  bars: readonly Bar[],
  totals: { c2s: number; s2s: number },
  fill?: (label: string) => string,
) {
  const row = 40;
  const labelWidth = 150;
  const width = 560;
  const max = Math.max(1, ...bars.flatMap((b) => [percent(b.c2s, totals.c2s), percent(b.s2s, totals.s2s)]));
  const scale = (width - labelWidth - 130) / max;
  const alt = `${title}: ${bars.map((b) => `${b.label} c2s ${b.c2s} (${percent(b.c2s, totals.c2s)}%), s2s ${b.s2s} (${percent(b.s2s, totals.s2s)}%)`).join('; ')}`;
  return html`<figure>
    <figcaption>${title}</figcaption>
    ${
      bars.length === 0
        ? html`<p>No data yet.</p>`
        : html`<svg class="chart" viewBox=${`0 0 ${width} ${bars.length * row + 4}`} width=${width} height=${bars.length * row + 4} role="img" aria-label=${alt}>
            ${bars.map((b, i) => {
              const y = i * row;
              const cell = (service: 'c2s' | 's2s', dy: number) => {
                const share = percent(b[service], totals[service]);
                const w = Math.max(share > 0 ? 1 : 0, Math.round(share * scale));
                return html`<rect x=${labelWidth} y=${y + dy} width=${w} height="15" fill=${fill ? fill(b.label) : SERVICE_FILL[service]} opacity=${service === 's2s' && fill ? 0.7 : 1}></rect>
                  <text x=${labelWidth + w + 6} y=${y + dy + 12}>${service} ${b[service]} (${share}%)</text>`;
              };
              return html`<g>
                <text x="0" y=${y + 21}>${b.label}</text>
                ${cell('c2s', 3)}
                ${cell('s2s', 20)}
              </g>`;
            })}
          </svg>`
    }
  </figure>`;
}

export interface HistoryColumn {
  month: string;
  counts: Record<string, number>;
}

/** One stacked column per month: the share of each grade among that month's reports, best grade at the bottom. */
export function gradeHistoryChart(title: string, columns: readonly HistoryColumn[]) {
  const keys = [...GRADE_ORDER, 'none'];
  const height = 200;
  const columnWidth = 36;
  const gap = 10;
  const width = Math.max(200, columns.length * (columnWidth + gap) + 40);
  const alt = `${title}: ${columns
    .map(
      (c) =>
        `${c.month} ${keys
          .filter((k) => (c.counts[k] ?? 0) > 0)
          .map((k) => `${k} ${c.counts[k]}`)
          .join(', ')}`,
    )
    .join('; ')}`;
  return html`<figure>
    <figcaption>${title}</figcaption>
    ${
      columns.length === 0
        ? html`<p>No reports yet.</p>`
        : html`<svg class="chart" viewBox=${`0 0 ${width} ${height + 40}`} width=${width} height=${height + 40} role="img" aria-label=${alt}>
            ${columns.map((c, i) => {
              const total = keys.reduce((sum, k) => sum + (c.counts[k] ?? 0), 0);
              const x = 10 + i * (columnWidth + gap);
              let y = height;
              return html`<g>
                ${keys.map((k) => {
                  const h = total > 0 ? ((c.counts[k] ?? 0) / total) * height : 0;
                  y -= h;
                  return h > 0
                    ? html`<rect x=${x} y=${y} width=${columnWidth} height=${h} fill=${gradeFill(k)}></rect>`
                    : null;
                })}
                <text x=${x} y=${height + 16} class="small">${c.month.slice(2)}</text>
                <text x=${x} y=${height + 32} class="small">${total}</text>
              </g>`;
            })}
          </svg>`
    }
    <p class="legend">${keys.map((k) => html`<span><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill=${gradeFill(k)}></rect></svg> ${k}</span> `)}</p>
  </figure>`;
}
