// The scanner against testssl.sh on every TLS endpoint of the lab: our scan of one endpoint (stream
// probe beside the TLS prober, median of 3) beside one `testssl -p -E` run, their ratio, our handshake count
// and whether both saw the same versions and suites; then scanDomain per lab domain (median of 3).
// Targets: ≥ 20× faster than testssl with the same findings; a whole domain < 2 s on loopback.
// Then the same at a real-world round trip (default 50 ms) through delay relays of our own
// (bench/support/delay-relay.ts), ours beside sslscan and testssl on the same endpoints in the same
// run: wall time and TCP connections per endpoint and per domain, and whether the findings agree.
// Targets there: ≥ 3× faster than sslscan and ≥ 50× faster than testssl per endpoint.
// Prints figures only, never asserts timings.
// Run (root, lab started or startable): node bench/scan.bench.ts [--domain good.test] [--runs 3]
//   [--rtt-ms 50 (0: skip)] [--latency-domains good.test,weak.test] [--skip-loopback]
import { parseArgs } from 'node:util';
import { ensureLab, labDown, STATE_FILE } from '../lab/lab.ts';
import { errorText } from '../src/core/error-text.ts';
import { labScanOptions } from '../src/observatory/commands/lab-options.ts';
import { scanDomain } from '../src/observatory/scan/scan-domain.ts';
import { probeStream } from '../src/observatory/scan/stream/index.ts';
import { probeTls } from '../src/observatory/scan/tls/prober.ts';
import type { ScanOptions } from '../src/observatory/scan/types.ts';
import { parseTestsslProtocols, runTestssl } from '../test/support/testssl.ts';
import {
  endpointConnector,
  endpointTestsslTarget,
  type LabTlsEndpoint,
  labTlsEndpoints,
} from './support/lab-tls-endpoints.ts';
import {
  benchAtLatency,
  type LatencyDomainRow,
  type LatencyEndpointRow,
  TARGET_VS_SSLSCAN,
  TARGET_VS_TESTSSL,
} from './support/scan-at-latency.ts';
import {
  compareSightings,
  describeSighting,
  sightingFromProbe,
  sightingFromTestssl,
} from './support/tls-agreement.ts';

export interface EndpointBenchRow {
  endpoint: string;
  oursMs: number;
  testsslMs: number;
  /** testssl's time over ours. */
  ratio: number;
  handshakes: number;
  agree: boolean;
  seen: string;
  differences: string[];
}

export interface DomainBenchRow {
  domain: string;
  scanMs: number;
  targets: number;
  handshakes: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** What scanDomain does for one TLS target: the stream probe and, beside it, the TLS prober over fresh connections. */
async function scanEndpoint(endpoint: LabTlsEndpoint, options: ScanOptions) {
  const target = {
    host: endpoint.domain,
    port: endpoint.port,
    address: endpoint.address,
    directTls: endpoint.directTls,
  };
  const [, tls] = await Promise.all([
    probeStream(target, endpoint.domain, endpoint.service, { timeoutMs: options.timeoutMs }),
    probeTls(endpointConnector(endpoint, options.timeoutMs), {
      serverName: endpoint.domain,
      timeoutMs: options.timeoutMs,
      concurrency: options.perHostConcurrency,
    }),
  ]);
  return tls;
}

async function timed<T>(task: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await task();
  return { value, ms: performance.now() - started };
}

export async function benchEndpoint(
  endpoint: LabTlsEndpoint,
  options: ScanOptions,
  runs: number,
): Promise<EndpointBenchRow> {
  const ours: Awaited<ReturnType<typeof timed<Awaited<ReturnType<typeof scanEndpoint>>>>>[] = [];
  // One after the other, and testssl after ours: neither competes with the other for the 2 cores.
  for (let i = 0; i < runs; i++) ours.push(await timed(() => scanEndpoint(endpoint, options)));
  const testssl = await runTestssl(endpointTestsslTarget(endpoint));
  const oursMs = median(ours.map((r) => r.ms));
  const theirs = sightingFromTestssl(parseTestsslProtocols(testssl.findings));
  const mine = sightingFromProbe(ours[0]!.value);
  const { agree, differences } = compareSightings(mine, theirs);
  return {
    endpoint: endpoint.label,
    oursMs,
    testsslMs: testssl.ms,
    ratio: testssl.ms / oursMs,
    handshakes: ours[0]!.value.handshakes,
    agree,
    seen: describeSighting(mine),
    differences,
  };
}

export async function benchDomain(
  domain: string,
  options: ScanOptions,
  runs: number,
): Promise<DomainBenchRow> {
  const results: Awaited<ReturnType<typeof timed<Awaited<ReturnType<typeof scanDomain>>>>>[] = [];
  for (let i = 0; i < runs; i++) results.push(await timed(() => scanDomain(domain, options)));
  const targets = [results[0]!.value.services.c2s, results[0]!.value.services.s2s].flatMap((s) => s.targets);
  return {
    domain,
    scanMs: median(results.map((r) => r.ms)),
    targets: targets.length,
    handshakes: targets.reduce((n, t) => n + (t.tls?.handshakes ?? 0), 0),
  };
}

/** Left-aligned text, right-aligned numbers, one space-padded row per line. */
function formatTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const numeric = header.map((_, i) => rows.every((r) => /^[\d.]+$/.test(String(r[i]))));
  return cells
    .map((r) =>
      r
        .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const round = (n: number, digits = 0) => Number(n.toFixed(digits));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      domain: { type: 'string' },
      runs: { type: 'string', default: '3' },
      'rtt-ms': { type: 'string', default: '50' },
      'latency-domains': { type: 'string', default: 'good.test,weak.test' },
      'skip-loopback': { type: 'boolean', default: false },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs must be a positive integer, got ${values.runs}`);
  const rttMs = Number(values['rtt-ms']);
  if (!Number.isInteger(rttMs) || rttMs < 0 || rttMs % 2 !== 0)
    throw new Error(`--rtt-ms must be an even number of ms ≥ 0, got ${values['rtt-ms']}`);
  const { state, started } = await ensureLab();
  try {
    const options = labScanOptions(STATE_FILE);
    const domains = Object.keys(state.domains).filter(
      (d) => values.domain === undefined || d === values.domain,
    );
    if (domains.length === 0) {
      throw new Error(
        `--domain ${values.domain} is not a lab domain (${Object.keys(state.domains).join(', ')})`,
      );
    }
    const endpoints = labTlsEndpoints(state).filter((e) => domains.includes(e.domain));

    // One untimed scan first, so module loading and JIT warm-up are not billed to the first row.
    if (endpoints[0]) await scanEndpoint(endpoints[0], options);
    if (!values['skip-loopback']) await loopbackBench(endpoints, domains, options, runs);
    if (rttMs > 0) {
      const latencyDomains = values['latency-domains'].split(',').filter((d) => domains.includes(d));
      const result = await benchAtLatency(
        state,
        endpoints,
        latencyDomains,
        options,
        scanEndpoint,
        runs,
        rttMs / 2,
        (line) => console.log(line),
      );
      printLatency(result.endpoints, result.domains, rttMs, runs);
    }
  } finally {
    if (started) await labDown();
  }
}

const ratio = (theirs: number, ours: number) => `${(theirs / ours).toFixed(1)}×`;

function printLatency(
  rows: LatencyEndpointRow[],
  domains: LatencyDomainRow[],
  rttMs: number,
  runs: number,
): void {
  console.log(
    `\nAt a ${rttMs} ms round trip (delay relay), one endpoint: ours (stream + TLS prober, median of ${runs}),` +
      ' sslscan 2.0.7 and testssl -p -E (1 run each); conn = TCP connections',
  );
  console.log(
    formatTable(
      [
        'endpoint',
        'ours ms',
        'conn',
        'sslscan ms',
        'conn',
        `÷ours (≥${TARGET_VS_SSLSCAN}×)`,
        'testssl ms',
        'conn',
        `÷ours (≥${TARGET_VS_TESTSSL}×)`,
        'agree sslscan',
        'agree testssl',
        'versions (suites)',
      ],
      rows.map((r) => [
        r.endpoint.label,
        round(r.ours.ms),
        r.ours.connections,
        round(r.sslscan.ms),
        r.sslscan.connections,
        ratio(r.sslscan.ms, r.ours.ms),
        round(r.testssl.ms),
        r.testssl.connections,
        ratio(r.testssl.ms, r.ours.ms),
        r.agreeSslscan.length === 0 ? 'yes' : 'NO',
        r.agreeTestssl.length === 0 ? 'yes' : 'NO',
        r.seen,
      ]),
    ),
  );
  for (const r of rows) {
    for (const line of [...r.agreeSslscan, ...r.agreeTestssl]) console.log(`  ${r.endpoint.label}: ${line}`);
  }
  if (rows.length > 0) {
    const vsSslscan = rows.map((r) => r.sslscan.ms / r.ours.ms);
    const vsTestssl = rows.map((r) => r.testssl.ms / r.ours.ms);
    const met = (values: number[], target: number) =>
      values.every((v) => v >= target) ? 'met' : `MISSED on ${values.filter((v) => v < target).length}`;
    console.log(
      `\nper endpoint at ${rttMs} ms: sslscan/ours min ${Math.min(...vsSslscan).toFixed(1)}×, median ${median(vsSslscan).toFixed(1)}× (target ≥ ${TARGET_VS_SSLSCAN}×: ${met(vsSslscan, TARGET_VS_SSLSCAN)});` +
        ` testssl/ours min ${Math.min(...vsTestssl).toFixed(1)}×, median ${median(vsTestssl).toFixed(1)}× (target ≥ ${TARGET_VS_TESTSSL}×: ${met(vsTestssl, TARGET_VS_TESTSSL)})`,
    );
  }
  console.log(
    `\nWhole domain at ${rttMs} ms: our scanDomain (c2s + s2s, every target, stream, TLS, certificate, DANE, POSH;` +
      ` median of ${runs}) vs the sums of sslscan's and testssl's runs over the domain's endpoints`,
  );
  console.log(
    formatTable(
      [
        'domain',
        'endpoints',
        'ours ms',
        'conn',
        'sslscan ms',
        'conn',
        '÷ours',
        'testssl ms',
        'conn',
        '÷ours',
      ],
      domains.map((d) => [
        d.domain,
        d.endpoints,
        round(d.ours.ms),
        d.ours.connections,
        round(d.sslscan.ms),
        d.sslscan.connections,
        ratio(d.sslscan.ms, d.ours.ms),
        round(d.testssl.ms),
        d.testssl.connections,
        ratio(d.testssl.ms, d.ours.ms),
      ]),
    ),
  );
}

async function loopbackBench(
  endpoints: LabTlsEndpoint[],
  domains: string[],
  options: ScanOptions,
  runs: number,
): Promise<void> {
  const endpointRows: EndpointBenchRow[] = [];
  for (const endpoint of endpoints) {
    const row = await benchEndpoint(endpoint, options, runs);
    endpointRows.push(row);
    console.log(`  ${row.endpoint}: ours ${round(row.oursMs)} ms, testssl ${round(row.testsslMs)} ms`);
  }
  console.log(`\nOne endpoint: our scan (stream + TLS prober, median of ${runs}) vs testssl -p -E (1 run)`);
  console.log(
    formatTable(
      ['endpoint', 'ours ms', 'testssl ms', 'ratio', 'handshakes', 'agree', 'versions (suites)'],
      endpointRows.map((r) => [
        r.endpoint,
        r.oursMs.toFixed(1),
        round(r.testsslMs),
        round(r.ratio),
        r.handshakes,
        r.agree ? 'yes' : 'NO',
        r.seen,
      ]),
    ),
  );
  for (const r of endpointRows.filter((row) => !row.agree)) {
    console.log(`\n${r.endpoint} disagrees:\n  ${r.differences.join('\n  ')}`);
  }
  if (endpointRows.length > 0) {
    const ratios = endpointRows.map((r) => r.ratio);
    console.log(
      `\nratio testssl/ours: min ${round(Math.min(...ratios))}×, median ${round(median(ratios))}× (target ≥ 20×);` +
        ` agreeing endpoints ${endpointRows.filter((r) => r.agree).length}/${endpointRows.length}`,
    );
  }

  const domainRows: DomainBenchRow[] = [];
  for (const domain of domains) domainRows.push(await benchDomain(domain, options, runs));
  console.log(`\nWhole domain: scanDomain, c2s + s2s, all targets (median of ${runs}; target < 2000 ms)`);
  console.log(
    formatTable(
      ['domain', 'scanDomain ms', 'targets', 'TLS handshakes'],
      domainRows.map((r) => [r.domain, r.scanMs.toFixed(1), r.targets, r.handshakes]),
    ),
  );
}

if (import.meta.main) {
  try {
    await main();
  } catch (err) {
    console.error(`scan bench failed: ${errorText(err)}`);
    process.exitCode = 1;
  }
}
