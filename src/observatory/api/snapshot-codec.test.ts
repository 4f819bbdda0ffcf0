import { describe, expect, it } from 'vitest';
import { domainSummary } from '../../core/testing/fixtures.ts';
import { decodeSnapshot, encodeSnapshot } from './snapshot-codec.ts';

const finding = (message: string) => ({ code: 'tls.old-version', severity: 'medium' as const, message });

describe('compact snapshot', () => {
  it('round-trips summaries and shares services that differ only by the domain', () => {
    const summaries = ['a.example', 'b.example', 'c.example'].map((d, i) =>
      domainSummary(d, {
        c2s: { findings: [finding(`${d} c2s (${d}:5222) still accepts TLS 1.0.`)] },
        s2s: i === 2 ? { grade: 'T', gradeIfTrusted: 'B', authentication: [] } : {},
      }),
    );
    const compact = encodeSnapshot(summaries, 1);
    expect(compact.services).toHaveLength(3);
    expect(compact.c2s).toEqual([0, 0, 0]);
    expect(decodeSnapshot(JSON.parse(JSON.stringify(compact)))).toEqual(summaries);
  });

  it('keeps messages with % signs and domain look-alikes exact', () => {
    const d = '255x.org';
    const messages = ['%5x.org 100% %d %25 done', `${d}%${d}%%d`, 'no domain here'];
    const summaries = [domainSummary(d, { c2s: { findings: messages.map(finding) } })];
    expect(decodeSnapshot(JSON.parse(JSON.stringify(encodeSnapshot(summaries, 1))))).toEqual(summaries);
  });

  it('keeps odd scan times and older rubric versions', () => {
    const s = { ...domainSummary('a.example'), scannedAt: '2026-11-24T12:00:00Z', rubricVersion: 0 };
    const compact = encodeSnapshot([s], 1);
    expect(compact.scannedAt).toEqual(['2026-11-24T12:00:00Z']);
    expect(decodeSnapshot(compact)).toEqual([s]);
  });

  it('refuses what is not a compact snapshot with a clear error', () => {
    expect(() => decodeSnapshot(null)).toThrow(/Not a compact snapshot/);
    expect(() => decodeSnapshot({ format: 'hoplight-snapshot-compact', version: 9 })).toThrow(/version 9/);
    const good = encodeSnapshot([domainSummary('a.example')], 1);
    expect(() => decodeSnapshot({ ...good, c2s: [] })).toThrow(/column c2s/);
    expect(() => decodeSnapshot({ ...good, s2s: [7] })).toThrow(
      /s2s of "a.example" points at no service \(7\)/,
    );
  });
});
