// Our TLS prober against Debian's testssl.sh on every TLS endpoint of the lab: the same versions and,
// per version, the same cipher suite codes (as sets), testssl running once per TLS configuration. Both the prober on its own and the targets of a
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
  type TlsSighting,
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
const endpoints = labTlsEndpoints(state);

/**
 * The TLS configuration an endpoint serves: server software, key algorithm (RSA or EC: the curve of an
 * EC key changes no suite), protocol and cipher settings, DH group. Endpoints that differ only in their
 * certificate, DANE, POSH, service or STARTTLS against direct TLS share it (the lab gives all of a
 * domain's listeners one TLS context), so testssl runs once per configuration: on the 2-core CI machine
 * one run takes 25-95 s, almost all of it bash forking for each handshake.
 */
function configurationOf(endpoint: LabTlsEndpoint): string {
  const spec = DOMAINS.find((d) => d.domain === endpoint.domain);
  if (spec === undefined) return endpoint.label;
  const keyAlgorithm = spec.keyType.startsWith('ec') ? 'ec' : spec.keyType;
  return JSON.stringify([serverOf(spec), keyAlgorithm, spec.tls, spec.dhBits]);
}

/** The first endpoint of each configuration: the one testssl looks at. */
const oracleEndpoints = new Map<string, LabTlsEndpoint>();
for (const e of endpoints)
  if (!oracleEndpoints.has(configurationOf(e))) oracleEndpoints.set(configurationOf(e), e);

// Two at once on two cores; more only queue, and each run's own timeout must not count its wait.
const testsslSlot = createLimiter(2);
const oracle = new Map<string, { endpoint: LabTlsEndpoint; sighting?: TlsSighting; error?: unknown }>();
const reports = new Map<string, DomainReport>();

beforeAll(async () => {
  const options = labScanOptions(statePath);
  const domains = [...new Set(endpoints.map((e) => e.domain))];
  for (const report of await Promise.all(domains.map((d) => scanDomain(d, options)))) {
    reports.set(report.domain, report);
  }
  // Settled one by one, so a configuration testssl cannot scan fails its own endpoints only.
  await Promise.all(
    [...oracleEndpoints].map(async ([key, endpoint]) => {
      try {
        const { findings } = await testsslSlot(() => runTestssl(endpointTestsslTarget(endpoint)));
        oracle.set(key, { endpoint, sighting: sightingFromTestssl(parseTestsslProtocols(findings)) });
      } catch (error) {
        oracle.set(key, { endpoint, error });
      }
    }),
  );
}, 20 * 60_000);

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
    // Every distinct setting of the lab is looked at by testssl itself.
    expect(oracleEndpoints.size).toBeGreaterThanOrEqual(6);
  });

  it.each(endpoints.map((e) => [e.label, e] as const))('%s', async (_label, endpoint) => {
    const seen = oracle.get(configurationOf(endpoint));
    if (seen?.sighting === undefined) throw seen?.error ?? new Error(`no testssl run for ${endpoint.label}`);
    const testssl = seen.sighting;
    const by = seen.endpoint === endpoint ? 'testssl' : `testssl on ${seen.endpoint.label}`;
    // An empty testssl result would make "agree" vacuous for an endpoint that must speak TLS.
    expect(testssl.versions, `${by} saw no TLS version`).not.toEqual([]);

    const ours = await probeTls(endpointConnector(endpoint, 5000), {
      serverName: endpoint.domain,
      timeoutMs: 5000,
    });
    const prober = compareSightings(sightingFromProbe(ours), testssl, 'our prober');
    expect(prober.differences, `${endpoint.label} against ${by}:\n${prober.differences.join('\n')}`).toEqual(
      [],
    );

    const target = reportTarget(endpoint);
    expect(
      target,
      `scanDomain(${endpoint.domain}) has no ${endpoint.service} target on ${endpoint.port}`,
    ).toBeDefined();
    const report = compareSightings(sightingFromProbe(target!.tls), testssl, 'scanDomain report');
    expect(report.differences, `${endpoint.label} against ${by}:\n${report.differences.join('\n')}`).toEqual(
      [],
    );
  });
});
