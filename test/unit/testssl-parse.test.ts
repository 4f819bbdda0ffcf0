import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTestsslProtocols } from '../support/testssl.ts';

describe('parseTestsslProtocols', () => {
  it('reads offered versions and per-version suite codes from a real testssl 3.0 run', () => {
    const findings = JSON.parse(
      readFileSync(new URL('../fixtures/testssl-tls12-13.json', import.meta.url), 'utf8'),
    );
    const parsed = parseTestsslProtocols(findings);
    expect(parsed.versions).toEqual(['TLSv1.2', 'TLSv1.3']);
    expect(parsed.suites['TLSv1.3']).toEqual([0x1301, 0x1302, 0x1303]);
    expect(parsed.suites['TLSv1.2']).toContain(0xc02b);
    expect(parsed.suites['TLSv1.2']).toHaveLength(7);
    expect(parsed.suites['TLSv1.0']).toBeUndefined();
  });

  it('ignores "not offered" versions and unrelated ids', () => {
    const parsed = parseTestsslProtocols([
      { id: 'TLS1', severity: 'INFO', finding: 'not offered' },
      { id: 'TLS1_1', severity: 'LOW', finding: 'offered (deprecated)' },
      { id: 'cipherlist_NULL', severity: 'OK', finding: 'not offered' },
      { id: 'cipher-tls1_1_x0a', severity: 'INFO', finding: 'TLS 1.1 x0a DES-CBC3-SHA' },
    ]);
    expect(parsed).toEqual({ versions: ['TLSv1.1'], suites: { 'TLSv1.1': [0x0a] } });
  });
});
