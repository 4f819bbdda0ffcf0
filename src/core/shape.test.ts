import { describe, expect, it } from 'vitest';
import { gradeReport, summarize } from './grade-report.ts';
import { computePath } from './path.ts';
import { assertDomainSummary, assertGradableReport, ShapeError } from './shape.ts';
import { domainSummary, report, service, target } from './testing/fixtures.ts';

/** A deep copy of a valid report with one change applied (loosely typed: it is made to be wrong). */
// biome-ignore lint/suspicious/noExplicitAny: the point is to write fields the types forbid
type Loose = any;
function broken(change: (r: Loose) => void): unknown {
  const copy: Loose = JSON.parse(JSON.stringify(report()));
  change(copy);
  return copy;
}

function errorOf(check: () => unknown): Error {
  try {
    check();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('assertGradableReport', () => {
  it('accepts a valid report, graded or not', () => {
    expect(() => assertGradableReport(report())).not.toThrow();
    expect(() => assertGradableReport(gradeReport(report()))).not.toThrow();
  });

  it.each([
    ['null', null, 'report must be an object, got null'],
    ['a string', 'hello', 'report must be an object, got "hello"'],
    ['an array', [], 'report must be an object, got an array'],
    [
      'a future version',
      broken((r) => (r.reportVersion = 3)),
      'report.reportVersion must be one of 1, 2, got 3',
    ],
    ['no services', broken((r) => delete r.services), 'report.services must be an object, got undefined'],
    ['no s2s', broken((r) => delete r.services.s2s), 'report.services.s2s must be an object'],
    [
      'an unknown encryption',
      broken((r) => (r.services.c2s.encryption = 'maybe')),
      'report.services.c2s.encryption must be one of required, optional, none, got "maybe"',
    ],
    [
      'targets not a list',
      broken((r) => (r.services.c2s.targets = {})),
      'report.services.c2s.targets must be an array',
    ],
    [
      'an unknown TLS version',
      broken((r) => (r.services.c2s.targets[0].tls.versions = ['TLSv9'])),
      'report.services.c2s.targets[0].tls.versions[0] must be one of',
    ],
    [
      'suite bits as text',
      broken((r) => (r.services.s2s.targets[0].tls.perVersion[1].suites[0].bits = '256')),
      'report.services.s2s.targets[0].tls.perVersion[1].suites[0].bits must be a finite number, got "256"',
    ],
    [
      'a certificate without identity',
      broken((r) => delete r.services.c2s.targets[0].certificate.identity),
      'report.services.c2s.targets[0].certificate.identity must be an object',
    ],
    [
      'a finding with an unknown severity',
      broken((r) => r.services.c2s.findings.push({ code: 'x', severity: 'dire', message: 'm', fix: 'f' })),
      'report.services.c2s.findings[0].severity must be one of',
    ],
  ])('refuses %s with an error naming the field', (_name, value, message) => {
    const error = errorOf(() => assertGradableReport(value));
    expect(error).toBeInstanceOf(ShapeError);
    expect(error.message).toContain(message);
  });

  it('guards gradeReport and summarize', () => {
    const bad = broken((r) => (r.services.c2s.targets[0].status = 'weird'));
    expect(errorOf(() => gradeReport(bad as never)).message).toContain(
      'report.services.c2s.targets[0].status',
    );
    expect(errorOf(() => summarize(bad as never))).toBeInstanceOf(ShapeError);
  });

  it('accepts targets without TLS, certificate or DANE', () => {
    const r = report({
      c2s: service('c2s', { targets: [target({ tls: null, certificate: null, dane: null })] }),
    });
    expect(() => assertGradableReport(r)).not.toThrow();
  });
});

describe('assertDomainSummary', () => {
  it('accepts what summarize produces', () => {
    expect(() => assertDomainSummary(summarize(report()))).not.toThrow();
    expect(() =>
      assertDomainSummary(domainSummary('good.test', { c2s: { grade: null, gradeIfTrusted: null } })),
    ).not.toThrow();
  });

  it.each([
    ['undefined', undefined, 'summary must be an object, got undefined'],
    [
      'another version',
      { ...domainSummary('a.test'), summaryVersion: 7 },
      'summary.summaryVersion must be 2, got 7',
    ],
    [
      'an unknown availability',
      domainSummary('a.test', { s2s: { availability: 'maybe' as never } }),
      'summary.services.s2s.availability must be one of',
    ],
    [
      'suites that are not codes',
      domainSummary('a.test', { s2s: { suites: [{ version: 'TLSv1.3', codes: ['x' as never] }] } }),
      'summary.services.s2s.suites[0].codes[0] must be a finite number',
    ],
    [
      'no endpoints',
      { ...domainSummary('a.test'), s2sEndpoints: undefined },
      'summary.s2sEndpoints must be an array',
    ],
    [
      'an unknown grade',
      domainSummary('a.test', { c2s: { grade: 'Z' as never } }),
      'summary.services.c2s.grade must be one of',
    ],
    [
      'T as the letter if trusted',
      domainSummary('a.test', { s2s: { gradeIfTrusted: 'T' as never } }),
      'summary.services.s2s.gradeIfTrusted must be one of',
    ],
    [
      'an unknown auth method',
      domainSummary('a.test', { s2s: { authentication: ['magic' as never] } }),
      'summary.services.s2s.authentication[0] must be one of pkix, dane, posh',
    ],
  ])('refuses %s', (_name, value, message) => {
    const error = errorOf(() => assertDomainSummary(value));
    expect(error).toBeInstanceOf(ShapeError);
    expect(error.message).toContain(message);
  });

  it('guards computePath', () => {
    const error = errorOf(() =>
      computePath({
        userDomain: 'good.test',
        contactDomain: 'other.test',
        user: domainSummary('good.test'),
        contact: { summaryVersion: 2 } as never,
        transportSecure: true,
        sameDomain: false,
        omemo: null,
      }),
    );
    expect(error).toBeInstanceOf(ShapeError);
    expect(error.message).toBe('summary.domain must be a string, got undefined.');
  });
});
