// The scanner beside sslscan and testssl on the same lab endpoints, all three through the same delay
// relays in the same run: wall time, TCP connections and agreement (versions and suites), per endpoint
// and summed per domain. Timings are printed, never asserted.
import type { LabState } from '../../lab/state.ts';
import type { DomainReport } from '../../src/core/report.ts';
import { scanDomain } from '../../src/observatory/scan/scan-domain.ts';
import type { ScanOptions } from '../../src/observatory/scan/types.ts';
import { parseTestsslProtocols, runTestssl } from '../../test/support/testssl.ts';
import type { LabTlsEndpoint } from './lab-tls-endpoints.ts';
import { endpointTestsslTarget } from './lab-tls-endpoints.ts';
import { relayAddress, startRelayedLab } from './relayed-lab.ts';
import { runSslscan } from './sslscan.ts';
import {
  compareSightings,
  describeSighting,
  sightingFromProbe,
  sightingFromTestssl,
} from './tls-agreement.ts';

/** Targets at a 50 ms round trip (issue 12). */
export const TARGET_VS_SSLSCAN = 3;
export const TARGET_VS_TESTSSL = 50;

export interface ToolRun {
  ms: number;
  connections: number;
}

export interface LatencyEndpointRow {
  endpoint: LabTlsEndpoint;
  ours: ToolRun;
  sslscan: ToolRun;
  testssl: ToolRun;
  seen: string;
  agreeSslscan: string[];
  agreeTestssl: string[];
}

export interface LatencyDomainRow {
  domain: string;
  ours: ToolRun;
  /** Sums over the domain's endpoints: sslscan and testssl scan one endpoint per run. */
  sslscan: ToolRun;
  testssl: ToolRun;
  endpoints: number;
}

export type ScanEndpoint = (
  endpoint: LabTlsEndpoint,
  options: ScanOptions,
) => Promise<Parameters<typeof sightingFromProbe>[0]>;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Runs every tool on every endpoint of `domains`, then our whole-domain scan, behind `oneWayMs` relays. */
export async function benchAtLatency(
  state: LabState,
  endpoints: readonly LabTlsEndpoint[],
  domains: readonly string[],
  options: ScanOptions,
  scanEndpoint: ScanEndpoint,
  runs: number,
  oneWayMs: number,
  log: (line: string) => void,
): Promise<{ endpoints: LatencyEndpointRow[]; domains: LatencyDomainRow[] }> {
  const lab = await startRelayedLab(state, domains, oneWayMs);
  try {
    const counted = async <T>(task: () => Promise<T>): Promise<{ value: T; run: ToolRun }> => {
      lab.counter.reset();
      const started = performance.now();
      const value = await task();
      return { value, run: { ms: performance.now() - started, connections: lab.counter.reset() } };
    };
    const rows: LatencyEndpointRow[] = [];
    for (const endpoint of endpoints.filter((e) => domains.includes(e.domain))) {
      const relayed: LabTlsEndpoint = { ...endpoint, address: relayAddress(endpoint.address) };
      const ours = [];
      for (let i = 0; i < runs; i++) ours.push(await counted(() => scanEndpoint(relayed, options)));
      const sslscan = await counted(() =>
        runSslscan({
          domain: endpoint.domain,
          address: relayed.address,
          port: endpoint.port,
          starttls: endpoint.directTls ? null : endpoint.service,
        }),
      );
      const testssl = await counted(() => runTestssl(endpointTestsslTarget(relayed)));
      const mine = sightingFromProbe(ours[0]!.value);
      const row: LatencyEndpointRow = {
        endpoint,
        ours: { ms: median(ours.map((o) => o.run.ms)), connections: ours[0]!.run.connections },
        sslscan: sslscan.run,
        testssl: testssl.run,
        seen: describeSighting(mine),
        agreeSslscan: compareSightings(mine, sslscan.value.sighting, 'ours', 'sslscan').differences,
        agreeTestssl: compareSightings(
          mine,
          sightingFromTestssl(parseTestsslProtocols(testssl.value.findings)),
        ).differences,
      };
      rows.push(row);
      log(
        `  ${endpoint.label} at ${2 * oneWayMs} ms: ours ${Math.round(row.ours.ms)} ms, sslscan ${Math.round(row.sslscan.ms)} ms, testssl ${Math.round(row.testssl.ms)} ms`,
      );
    }

    const domainRows: LatencyDomainRow[] = [];
    const relayedOptions: ScanOptions = { ...options, resolver: lab.resolver };
    for (const domain of domains) {
      const ours: { value: DomainReport; run: ToolRun }[] = [];
      for (let i = 0; i < runs; i++) ours.push(await counted(() => scanDomain(domain, relayedOptions)));
      const mine = rows.filter((r) => r.endpoint.domain === domain);
      const sum = (pick: (r: LatencyEndpointRow) => ToolRun): ToolRun => ({
        ms: mine.reduce((n, r) => n + pick(r).ms, 0),
        connections: mine.reduce((n, r) => n + pick(r).connections, 0),
      });
      domainRows.push({
        domain,
        ours: { ms: median(ours.map((o) => o.run.ms)), connections: ours[0]!.run.connections },
        sslscan: sum((r) => r.sslscan),
        testssl: sum((r) => r.testssl),
        endpoints: mine.length,
      });
    }
    return { endpoints: rows, domains: domainRows };
  } finally {
    await lab.close();
  }
}
