// The truth matrix as text for people: one line per pair, then the reasons on both sides. Pure.
import type { MatrixRow } from './matrix-row.ts';
import type { DirectionTruth, Fate } from './types.ts';

export function fateText(f: Fate): string {
  if (f.kind === 'delivered') return `delivered (${f.ms} ms)`;
  if (f.kind === 'lost') return `lost (nothing within ${Math.round(f.waitedMs / 1000)} s)`;
  return `bounced (${f.ms} ms) ${f.condition}${f.by ? ` by ${f.by}` : ''}${f.text ? `: "${f.text}"` : ''}`;
}

export function linkText(d: DirectionTruth | null): string {
  if (d === null) return '-';
  if (d.sameServer) return 'same server';
  const l = d.link;
  if (l === null) return 'no link';
  if (!l.encrypted) return 'plaintext';
  return `${l.tlsVersion ?? 'TLS?'} auth=${l.initiatorAuth} peer-cert=${l.receiverCertificate}`;
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

export function formatMatrix(rows: readonly MatrixRow[]): string {
  const out: string[] = [];
  const head = `${pad('user → contact', 36)} ${pad('truth', 7)} ${pad('product', 15)} verdict`;
  out.push(head, '-'.repeat(head.length + 20));
  for (const r of rows) {
    const verdict = r.agrees ? 'ok' : r.greener ? 'GREENER THAN TRUTH' : 'DISAGREES';
    const hop =
      r.there.sameServer && r.product.s2s !== null ? ' (an s2s hop where one server serves both)' : '';
    const product = `${r.product.s2s ?? 'no s2s'} (path ${r.product.path})`;
    out.push(
      `${pad(`${r.user} → ${r.contact}`, 36)} ${pad(r.truth.light, 7)} ${pad(product, 15)} ${verdict}${hop}`,
    );
    out.push(`    → ${fateText(r.there.fate)} | ${linkText(r.there)}`);
    if (r.back) out.push(`    ← ${fateText(r.back.fate)} | ${linkText(r.back)}`);
    for (const why of r.truth.reasons) out.push(`    truth: ${why}`);
    for (const why of r.product.reasons) out.push(`    product: ${why}`);
  }
  const bad = rows.filter((r) => !r.agrees);
  out.push(
    '',
    `${rows.length} pairs, ${rows.length - bad.length} agree, ${bad.length} disagree, ${rows.filter((r) => r.greener).length} greener than the truth`,
  );
  return out.join('\n');
}
