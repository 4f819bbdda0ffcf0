// XMPP discovery (RFC 6120 §3.2, XEP-0368): the targets of a service from its SRV records, or the
// fallback to the domain itself; over the DNS client in dns.ts.
import type { Finding, ServiceKind } from '../../core/report.ts';
import { abortError, DnsError, type DnsOptions, normaliseName, querySrv, type SrvRecord } from './dns.ts';
import type { DiscoveredTarget } from './types.ts';

const SRV_PREFIX: Record<ServiceKind, { starttls: string; direct: string; port: number }> = {
  c2s: { starttls: '_xmpp-client._tcp', direct: '_xmpps-client._tcp', port: 5222 },
  s2s: { starttls: '_xmpp-server._tcp', direct: '_xmpps-server._tcp', port: 5269 },
};

export interface DiscoveryResult {
  targets: DiscoveredTarget[];
  /** Every SRV answer used was DNSSEC-validated. */
  dnssec: boolean;
  findings: Finding[];
}

type SrvOutcome =
  | { kind: 'records'; records: SrvRecord[]; dnssec: boolean }
  | { kind: 'error'; error: DnsError };

async function lookupSrvSet(name: string, opts: DnsOptions): Promise<SrvOutcome> {
  try {
    const a = await querySrv(name, opts);
    return { kind: 'records', records: a.records, dnssec: a.dnssec };
  } catch (err) {
    if (err instanceof DnsError && err.code === 'NXDOMAIN')
      return { kind: 'records', records: [], dnssec: err.dnssec };
    if (err instanceof DnsError) return { kind: 'error', error: err };
    throw err;
  }
}

/**
 * SRV discovery per RFC 6120 §3.2 and XEP-0368: STARTTLS and direct-TLS records merged in
 * priority order (weight descending within a priority, as a scanner wants a stable order),
 * deduplicated; a lone `.` target means the service is explicitly not offered; no SRV at all
 * falls back to the domain itself on the standard port.
 */
export async function discoverTargets(
  domain: string,
  service: ServiceKind,
  opts: DnsOptions,
): Promise<DiscoveryResult> {
  const name = normaliseName(domain);
  const prefix = SRV_PREFIX[service];
  const [starttls, direct] = await Promise.all([
    lookupSrvSet(`${prefix.starttls}.${name}`, opts),
    lookupSrvSet(`${prefix.direct}.${name}`, opts),
  ]);
  if (opts.signal?.aborted) throw abortError(name, 'SRV');
  const findings: Finding[] = [];
  const candidates: DiscoveredTarget[] = [];
  let explicitlyUnavailable = false;
  let anyError = false;
  let dnssec = true;

  for (const [set, directTls, label] of [
    [starttls, false, prefix.starttls],
    [direct, true, prefix.direct],
  ] as const) {
    if (set.kind === 'error') {
      anyError = true;
      dnssec = false;
      findings.push({
        code: 'dns.srv.failed',
        severity: 'high',
        message: `The SRV lookup of ${label}.${name} failed: ${set.error.message}.`,
        fix: 'Make sure the domain\u2019s authoritative servers answer SRV queries and that its DNSSEC signatures are valid.',
      });
      continue;
    }
    dnssec &&= set.dnssec;
    // RFC 2782: a single record with target "." means the service is decidedly not available.
    if (set.records.length === 1 && set.records[0]?.target === '.') {
      if (!directTls) explicitlyUnavailable = true;
      findings.push({
        code: directTls ? 'dns.srv.direct-tls-unavailable' : 'dns.srv.unavailable',
        severity: 'info',
        message: `${label}.${name} says the service is not available (SRV target ".").`,
        fix: 'Nothing to fix if this is intended; otherwise publish SRV records pointing to your XMPP server.',
      });
      continue;
    }
    for (const r of set.records) {
      if (r.target === '.' || r.port === 0) continue;
      candidates.push({
        service,
        host: r.target,
        port: r.port,
        directTls,
        source: 'srv',
        priority: r.priority,
        weight: r.weight,
      });
    }
  }

  candidates.sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0) || (b.weight ?? 0) - (a.weight ?? 0));
  const seen = new Set<string>();
  const targets = candidates.filter((t) => {
    const key = `${t.host}|${t.port}|${t.directTls}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });

  const starttlsNone = starttls.kind === 'records' && starttls.records.length === 0;
  if (targets.length > 0 && starttlsNone) {
    // Only XEP-0368 records: peers that do not read them (most servers, older clients) still fall
    // back to the domain on the standard port, so that is scanned too (DESIGN §2).
    targets.push(fallbackTarget(service, name, prefix.port));
    findings.push({
      code: 'dns.srv.direct-tls-only',
      severity: 'info',
      message: `${name} publishes only ${prefix.direct} SRV records; software without XEP-0368 falls back to ${name}:${prefix.port}, which was scanned too.`,
      fix: `Publish ${prefix.starttls}.${name} records as well, pointing to a STARTTLS listener, or make sure ${name}:${prefix.port} serves XMPP as well as the direct-TLS targets.`,
    });
  }

  if (targets.length === 0 && !explicitlyUnavailable) {
    // RFC 6120 §3.2.2: without SRV records, connect to the domain itself on the standard port.
    targets.push(fallbackTarget(service, name, prefix.port));
    if (!anyError) {
      findings.push({
        code: 'dns.srv.none',
        severity: 'info',
        message: `${name} publishes no ${prefix.starttls} SRV record; servers fall back to ${name}:${prefix.port}.`,
        fix: `Publish an SRV record ${prefix.starttls}.${name} pointing to your XMPP server.`,
      });
    }
  }
  return { targets, dnssec: dnssec && !anyError, findings };
}

function fallbackTarget(service: ServiceKind, name: string, port: number): DiscoveredTarget {
  return { service, host: name, port, directTls: false, source: 'fallback', priority: null, weight: null };
}
