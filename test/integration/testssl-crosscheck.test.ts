// Our TLS prober against Debian's testssl.sh on every TLS endpoint of the lab: the same versions and,
// per version, the same cipher suite codes (as sets). Both the prober on its own and the targets of a
// full scanDomain report are checked, so the orchestration cannot lose or mix up what the prober saw.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  endpointConnector,
  endpointTestsslTarget,
  type LabTlsEndpoint,
  labTlsEndpoints,
} from '../../bench/support/lab-tls-endpoints.ts';
import {
  compareSightings,
  sightingFromProbe,
  sightingFromTestssl,
} from '../../bench/support/tls-agreement.ts';
import { readLabState, STATE_FILE } from '../../lab/state.ts';
import { DOMAINS, serverOf } from '../../lab/topology.ts';
import type { DomainReport, TargetReport } from '../../src/core/report.ts';
import { labScanOptions } from '../../src/observatory/commands/lab-options.ts';
import { scanDomain } from '../../src/observatory/scan/scan-domain.ts';
import { createLimiter } from '../../src/observatory/scan/tls/limiter.ts';
import { probeTls } from '../../src/observatory/scan/tls/prober.ts';
import { parseTestsslProtocols, runTestssl } from '../../test/support/testssl.ts';

const statePath = process.env.HOPLIGHT_LAB_STATE ?? STATE_FILE;
const state = readLabState(statePath);
if (state === null)
  throw new Error(`no lab state at ${statePath}: the integration setup should have started the lab`);
const endpoints = distinctTlsConfigurations(labTlsEndpoints(state));

/**
 * One endpoint per TLS configuration the lab sets up (server software, key type, protocol and cipher
 * settings, DH group, service, STARTTLS or direct): endpoints that differ only in their certificate's
 * name, validity or issuer, DANE or POSH offer the same versions and suites, and each testssl run
 * costs 10–40 s of a 2-core CI machine.
 */
function distinctTlsConfigurations(all: readonly LabTlsEndpoint[]): LabTlsEndpoint[] {
  const specs = new Map(DOMAINS.map((d) => [d.domain, d]));
  const seen = new Set<string>();
  return all.filter((e) => {
    const spec = specs.get(e.domain);
    if (spec === undefined) return true;
    const key = JSON.stringify([serverOf(spec), spec.keyType, spec.tls, spec.dhBits, e.service, e.directTls]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// testssl is CPU-bound (6–18 s per endpoint here); more than three at once on two cores only queues.
const testsslSlot = createLimiter(3);
const TIMEOUT_MS = 180_000;

const reports = new Map<string, DomainReport>();

beforeAll(async () => {
  const options = labScanOptions(statePath);
  const domains = [...new Set(endpoints.map((e) => e.domain))];
  for (const report of await Promise.all(domains.map((d) => scanDomain(d, options)))) {
    reports.set(report.domain, report);
  }
});

function reportTarget(endpoint: LabTlsEndpoint): TargetReport | undefined {
  const service = reports.get(endpoint.domain)?.services[endpoint.service];
  return service?.targets.find((t) => t.port === endpoint.port && t.directTls === endpoint.directTls);
}

describe('TLS versions and suites agree with testssl', () => {
  it('finds TLS endpoints in the lab (STARTTLS c2s and s2s, and good.test direct TLS)', () => {
    expect(endpoints.length).toBeGreaterThanOrEqual(4);
    expect(endpoints.filter((e) => e.directTls).map((e) => `${e.domain}:${e.port}`)).toEqual([
      'good.test:5223',
      'good.test:5270',
    ]);
  });

  it.concurrent.each(endpoints.map((e) => [e.label, e] as const))(
    '%s',
    async (_label, endpoint) => {
      const [ours, theirs] = await Promise.all([
        probeTls(endpointConnector(endpoint, 5000), { serverName: endpoint.domain, timeoutMs: 5000 }),
        testsslSlot(() => runTestssl(endpointTestsslTarget(endpoint))),
      ]);
      const testssl = sightingFromTestssl(parseTestsslProtocols(theirs.findings));
      // An empty testssl result would make "agree" vacuous for an endpoint that must speak TLS.
      expect(testssl.versions, `testssl saw no TLS version on ${endpoint.label}`).not.toEqual([]);

      const prober = compareSightings(sightingFromProbe(ours), testssl, 'our prober');
      expect(prober.differences, `${endpoint.label}:\n${prober.differences.join('\n')}`).toEqual([]);

      const target = reportTarget(endpoint);
      expect(
        target,
        `scanDomain(${endpoint.domain}) has no ${endpoint.service} target on ${endpoint.port}`,
      ).toBeDefined();
      const report = compareSightings(sightingFromProbe(target!.tls), testssl, 'scanDomain report');
      expect(report.differences, `${endpoint.label}:\n${report.differences.join('\n')}`).toEqual([]);
    },
    TIMEOUT_MS,
  );
});
