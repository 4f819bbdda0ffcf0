// The per-domain badge: an SVG with the c2s and s2s grades, pure.
import type { Grade } from '../../core/report.ts';

export function gradeTone(grade: Grade | null): 'good' | 'fair' | 'bad' | 'none' {
  if (grade === null) return 'none';
  if (grade === 'A+' || grade === 'A' || grade === 'A-') return 'good';
  if (grade === 'B' || grade === 'C') return 'fair';
  return 'bad';
}

const COLOURS = { good: '#1a7f37', fair: '#9a6700', bad: '#cf222e', none: '#6e7781' } as const;

const escapeXml = (s: string) =>
  s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string,
  );

/** `XMPP | c2s A | s2s B`; `?` for a domain without a report. */
export function badgeSvg(domain: string, c2s: Grade | null, s2s: Grade | null): string {
  const cell = (x: number, label: string, grade: Grade | null) =>
    `<rect x="${x}" width="60" height="20" fill="${COLOURS[gradeTone(grade)]}"/><text x="${x + 30}" y="14">${label} ${escapeXml(grade ?? '?')}</text>`;
  const title = `XMPP grades of ${domain}: c2s ${c2s ?? 'unknown'}, s2s ${s2s ?? 'unknown'}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="166" height="20" role="img" aria-label="${escapeXml(title)}"><title>${escapeXml(title)}</title><g font-family="Verdana,sans-serif" font-size="11" fill="#fff" text-anchor="middle"><rect width="46" height="20" fill="#555"/><text x="23" y="14">XMPP</text>${cell(46, 'c2s', c2s)}${cell(106, 's2s', s2s)}</g></svg>`;
}
