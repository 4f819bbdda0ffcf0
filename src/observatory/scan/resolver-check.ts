// Whether the configured resolver validates DNSSEC at all (DESIGN §2): every DNSSEC status and every
// DANE fact of a report rests on its AD bit, so a resolver that never sets it must be said, not read
// as "no domain signs its zone".
import { errorText } from '../../core/error-text.ts';
import type { Finding, ResolverCheck } from '../../core/report.ts';
import { type DnsOptions, querySoaAuthenticated, systemResolverFromResolvConf } from './dns.ts';

/** The root zone: signed since 2010, so every validating resolver marks its SOA authenticated. */
export const DEFAULT_DNSSEC_PROBE_NAME = '.';

export async function checkResolver(probeName: string, opts: DnsOptions): Promise<ResolverCheck> {
  let resolver: string;
  try {
    const r = opts.resolver ?? systemResolverFromResolvConf();
    resolver = r.host.includes(':') ? `[${r.host}]:${r.port}` : `${r.host}:${r.port}`;
  } catch (error) {
    return { resolver: 'none', probeName, validates: null, error: errorText(error) };
  }
  try {
    const validates = await querySoaAuthenticated(probeName, opts);
    return { resolver, probeName, validates, error: null };
  } catch (error) {
    return { resolver, probeName, validates: null, error: errorText(error) };
  }
}

/** The warning a report carries when the resolver does not validate, or could not be checked. */
export function resolverFindings(check: ResolverCheck): Finding[] {
  if (check.validates === true) return [];
  if (check.validates === false) {
    return [
      {
        code: 'dns.resolver.not-validating',
        severity: 'medium',
        message: `The resolver this scan asked (${check.resolver}) does not validate DNSSEC: it did not mark the signed name ${check.probeName} authenticated. This report's DNSSEC and DANE statuses are unknown, not absent.`,
        fix: 'For the observatory\u2019s operator: point the scanner at a validating resolver (e.g. a local unbound with the root trust anchor) and scan again.',
      },
    ];
  }
  return [
    {
      code: 'dns.resolver.unchecked',
      severity: 'info',
      message: `Whether the resolver this scan asked (${check.resolver}) validates DNSSEC could not be checked: ${check.error ?? 'no answer'}.`,
      fix: 'For the observatory\u2019s operator: make sure the configured resolver answers, and that it validates DNSSEC.',
    },
  ];
}
