// Domain summaries as the observatory serves them, with the text fields a codec must carry through:
// findings that quote the domain, `%` tokens, odd Unicode and dates that do or do not round-trip.
import fc from 'fast-check';
import { LETTER_GRADES } from '../../../src/core/grades.ts';
import { TLS_VERSIONS } from '../../../src/core/report.ts';
import type { DomainSummary, ServiceSummary } from '../../../src/core/summary.ts';
import { SUMMARY_VERSION } from '../../../src/core/summary.ts';
import { oddText } from './mutate.ts';

export const summaryDomain = fc.oneof(
  { weight: 4, arbitrary: fc.domain() },
  { weight: 1, arbitrary: oddText },
);

// Where a finding quotes the domain; filled in once the domain is drawn (arbitraries built inside
// a chain are rebuilt for every value, which made generation a hundred times slower).
const DOMAIN = Symbol('domain');
type Part = string | typeof DOMAIN;

const serviceSummary = fc.record({
  grade: fc.option(fc.constantFrom(...LETTER_GRADES, 'T' as const), { nil: null }),
  gradeIfTrusted: fc.option(fc.constantFrom(...LETTER_GRADES), { nil: null }),
  encryption: fc.constantFrom('required', 'optional', 'none' as const),
  tlsVersions: fc.subarray([...TLS_VERSIONS]),
  authentication: fc.subarray(['pkix', 'dane', 'posh'] as const),
  dialback: fc.boolean(),
  availability: fc.constantFrom('served', 'none', 'failed' as const),
  noService: fc.option(fc.constantFrom('nxdomain', 'no-address', 'srv-unavailable', 'refused' as const), {
    nil: null,
  }),
  suites: fc.array(
    fc.record({
      version: fc.constantFrom(...TLS_VERSIONS),
      codes: fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 6 }),
    }),
    { maxLength: 3 },
  ),
  serverPreference: fc.option(fc.boolean(), { nil: null }),
  refusesUnauthenticated: fc.option(fc.boolean(), { nil: null }),
  software: fc.option(fc.record({ name: oddText, version: fc.option(oddText, { nil: null }) }), {
    nil: null,
  }),
  findings: fc.array(
    fc.record({
      code: fc.stringMatching(/^[a-z]+(\.[a-z-]+){0,3}$/),
      severity: fc.constantFrom('info', 'low', 'medium', 'high', 'critical' as const),
      message: fc.array(
        fc.oneof(fc.constant<Part>(DOMAIN), oddText, fc.constantFrom('%', '%d', '%25', '%%d', ' ')),
        { maxLength: 5 },
      ),
    }),
    { maxLength: 3 },
  ),
});

type ServiceDraft = typeof serviceSummary extends fc.Arbitrary<infer T> ? T : never;

function withDomain(draft: ServiceDraft, domain: string): ServiceSummary {
  return {
    ...draft,
    findings: draft.findings.map((f) => ({
      ...f,
      message: f.message.map((p) => (p === DOMAIN ? domain : p)).join(''),
    })),
  };
}

const scannedAt = fc.oneof(
  { weight: 4, arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()) },
  { weight: 1, arbitrary: fc.constantFrom('2026-11-24T12:00:00Z', '2026-11-24', 'yesterday', '') },
);

export const domainSummary: fc.Arbitrary<DomainSummary> = fc
  .record({
    domain: summaryDomain,
    scannedAt,
    rubricVersion: fc.integer({ min: 1, max: 3 }),
    c2s: serviceSummary,
    s2s: serviceSummary,
    s2sEndpoints: fc.array(fc.oneof(fc.constantFrom('192.0.2.1:5269', '[2001:db8::1]:5270'), oddText), {
      maxLength: 3,
    }),
  })
  .map((d) => ({
    summaryVersion: SUMMARY_VERSION,
    domain: d.domain,
    scannedAt: d.scannedAt,
    rubricVersion: d.rubricVersion,
    services: { c2s: withDomain(d.c2s, d.domain), s2s: withDomain(d.s2s, d.domain) },
    s2sEndpoints: d.s2sEndpoints,
  }));
