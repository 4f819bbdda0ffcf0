// The resolver check against the lab's two real resolvers: dnsmasq (127.0.2.1) answers the signed zone
// without validating it, unbound (127.0.2.6) validates it with the lab's trust anchor.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DomainReport } from '../../src/core/report.ts';
import { labScanOptions } from '../../src/observatory/commands/lab-options.ts';
import { checkResolver } from '../../src/observatory/scan/resolver-check.ts';
import { scanDomain } from '../../src/observatory/scan/scan-domain.ts';

function labState(): {
  resolver: { host: string; port: number };
  plainResolver: { host: string; port: number };
} {
  return JSON.parse(readFileSync(process.env.HOPLIGHT_LAB_STATE ?? '', 'utf8'));
}

const warnings = (report: DomainReport) =>
  [report.services.c2s, report.services.s2s].map(
    (s) => s.findings.filter((f) => f.code === 'dns.resolver.not-validating').length,
  );

describe('a resolver that does not validate DNSSEC', () => {
  it('is told apart from a validating one by the signed zone', async () => {
    const { resolver, plainResolver } = labState();
    const signed = labScanOptions().dnssecProbeName ?? '';
    expect(signed).toBe('sec.test');
    await expect(checkResolver(signed, { resolver })).resolves.toMatchObject({
      validates: true,
      error: null,
    });
    await expect(checkResolver(signed, { resolver: plainResolver })).resolves.toMatchObject({
      validates: false,
      error: null,
    });
  });

  it('is a warning on both services of a scan through dnsmasq, and none through unbound', async () => {
    const options = labScanOptions();
    const [validated, plain] = await Promise.all([
      scanDomain('dane.sec.test', options),
      scanDomain('dane.sec.test', { ...options, resolver: labState().plainResolver }),
    ]);
    expect(validated.resolver?.validates).toBe(true);
    expect(warnings(validated)).toEqual([0, 0]);
    expect(plain.resolver).toMatchObject({
      resolver: '127.0.2.1:53',
      probeName: 'sec.test',
      validates: false,
    });
    expect(warnings(plain)).toEqual([1, 1]);
    const warning = plain.services.c2s.findings.find((f) => f.code === 'dns.resolver.not-validating');
    expect(warning?.severity).toBe('medium');
    expect(warning?.message).toContain('(127.0.2.1:53) does not validate DNSSEC');
    // What the warning is about: the same signed domain reads as unsigned through dnsmasq.
    expect(validated.services.c2s.targets.every((t) => t.dnssec)).toBe(true);
    expect(plain.services.c2s.targets.some((t) => t.dnssec)).toBe(false);
  });
});
