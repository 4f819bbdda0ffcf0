// Facts of a service report that the path model needs beyond the grade: whether the service exists at
// all, which suites it accepts per version, its s2s policy and software, and where it lives. Pure.
import type { SoftwareVersion } from './observation.ts';
import type { ServiceReport, TargetReport } from './report.ts';
import { TLS_VERSIONS } from './report.ts';
import type { Availability, NoService, SuiteOffer } from './summary.ts';

const NO_SERVICE_FAILURES: ReadonlySet<string> = new Set(['nxdomain', 'no-address', 'refused']);

/**
 * `served` when any target answered; `none` when DNS says there is no such service (SRV ".") or every
 * target is missing from DNS or refuses connections; `failed` otherwise (time-outs, errors: unknown).
 */
export function availabilityOf(service: ServiceReport): {
  availability: Availability;
  noService: NoService | null;
} {
  const { targets } = service;
  if (targets.some((t) => t.status === 'ok')) return { availability: 'served', noService: null };
  if (targets.length === 0) {
    const srvUnavailable = service.findings.some((f) => f.code === 'dns.srv.unavailable');
    return srvUnavailable
      ? { availability: 'none', noService: 'srv-unavailable' }
      : { availability: 'failed', noService: null };
  }
  const failures = targets.map((t) => t.failure ?? 'error');
  if (!failures.every((f) => NO_SERVICE_FAILURES.has(f))) return { availability: 'failed', noService: null };
  // The kind that speaks for the whole service: a missing name before a missing address before refusal.
  const noService: NoService = failures.includes('nxdomain')
    ? 'nxdomain'
    : failures.includes('no-address')
      ? 'no-address'
      : 'refused';
  return { availability: 'none', noService };
}

/** The first reachable target's accepted suites per version: what a peer connecting to it meets. */
export function suiteOffers(targets: readonly TargetReport[]): {
  suites: SuiteOffer[];
  serverPreference: boolean | null;
} {
  const primary = targets.find((t) => t.status === 'ok' && t.tls !== null && t.tls.versions.length > 0);
  if (!primary?.tls) return { suites: [], serverPreference: null };
  const suites = TLS_VERSIONS.flatMap((version) => {
    const offer = primary.tls?.perVersion.find((v) => v.version === version);
    return offer ? [{ version, codes: offer.suites.map((s) => s.code) }] : [];
  });
  return { suites, serverPreference: primary.tls.serverPreference };
}

/** True when any reachable target closed on an unauthenticated peer; null when none was probed. */
export function refusesUnauthenticated(targets: readonly TargetReport[]): boolean | null {
  const answers = targets
    .map((t) => t.stream?.refusesUnauthenticated)
    .filter((v): v is boolean => typeof v === 'boolean');
  return answers.length === 0 ? null : answers.some((v) => v);
}

export function softwareOf(targets: readonly TargetReport[]): SoftwareVersion | null {
  const software = targets.find((t) => t.stream?.software)?.stream?.software;
  return software ? { name: software.name, version: software.version } : null;
}

/** `address:port` of every s2s target, sorted and without duplicates. */
export function endpointsOf(service: ServiceReport): string[] {
  const endpoints = service.targets.flatMap((t) =>
    t.addresses.map((a) => (a.includes(':') ? `[${a}]:${t.port}` : `${a}:${t.port}`)),
  );
  return [...new Set(endpoints)].sort();
}
