// Rubric v2 proved on real servers: the lab domains of lab/rubric-v2-domains.ts, scanned and graded.
// Each case is one change of DESIGN §3's list that OpenSSL lets a Prosody show; the scripted TLS
// responder and the rubric's own tests cover the rest (SHA-1 and MD5 chains, DH < 1024, weak curves,
// bogus TLSA, ML-KEM).
import { beforeAll, describe, expect, it } from 'vitest';
import type { DomainReport, ServiceReport } from '../../src/core/report.ts';
import { labScanOptions } from '../../src/observatory/commands/lab-options.ts';
import { scanDomain } from '../../src/observatory/scan/scan-domain.ts';

const DOMAINS = ['cbc12.test', 'dh1024.test', 'expiring.test', 'p384.test', 'good.test'];
const reports = new Map<string, DomainReport>();

beforeAll(async () => {
  const options = labScanOptions();
  for (const report of await Promise.all(DOMAINS.map((d) => scanDomain(d, options)))) {
    reports.set(report.domain, report);
  }
});

function both(domain: string): ServiceReport[] {
  const r = reports.get(domain)!;
  return [r.services.c2s, r.services.s2s];
}
const codes = (s: ServiceReport) => s.findings.map((f) => f.code);

describe('rubric v2 on the lab', () => {
  it('CBC suites on TLS 1.2 cap an otherwise A server at A-', () => {
    for (const s of both('cbc12.test')) {
      const tls12 = s.targets[0]?.tls?.perVersion.find((v) => v.version === 'TLSv1.2');
      expect(tls12?.suites.some((suite) => !suite.aead)).toBe(true);
      expect(s.tlsVersions).toContain('TLSv1.3');
      expect(s.grade).toBe('A-');
      expect(codes(s)).toContain('tls.cipher.cbc-tls12');
    }
  });

  it('a 1024-bit DH group is B (under 2048), not F (which starts below 1024)', () => {
    for (const s of both('dh1024.test')) {
      expect(s.targets[0]?.tls?.dhBits).toBe(1024);
      expect(s.gradeIfTrusted).toBe('B');
      expect(codes(s)).toContain('dh.small');
      expect(codes(s)).not.toContain('dh.broken');
    }
  });

  it('a certificate expiring within 14 days is a warning, not a cap', () => {
    for (const s of both('expiring.test')) {
      expect(codes(s)).toContain('cert.expiring-soon');
      expect(s.grade).toBe(both('good.test')[0]!.grade);
    }
  });

  it('EC keys are judged by size: P-384 and P-256 pass uncapped, with their curve recorded', () => {
    for (const [domain, curve, bits] of [
      ['p384.test', 'secp384r1', 384],
      ['good.test', 'prime256v1', 256],
    ] as const) {
      for (const s of both(domain)) {
        expect(s.targets[0]?.certificate?.chain[0]).toMatchObject({ keyType: 'EC', keyBits: bits, curve });
        expect(['A+', 'A']).toContain(s.grade);
        expect(codes(s)).not.toContain('cert.ec-weak');
      }
    }
  });
});
