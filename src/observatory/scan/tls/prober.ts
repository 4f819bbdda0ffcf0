// The TLS prober: which versions, suites (by elimination, as testssl.sh does), server preference, groups,
// DH size and compression a server accepts, from raw ClientHellos over fresh connections.
import {
  lookupSuite,
  type RegisteredSuite,
  suitesForVersion,
  toCipherSuite,
} from '../../../core/cipher-suites.ts';
import {
  TLS_VERSIONS,
  type TlsResult,
  type TlsVersion,
  type TlsVersionResult,
} from '../../../core/report.ts';
import type { Connector } from '../types.ts';
import { buildClientHello, type ClientHelloSpec, type ProbeVersion } from './client-hello.ts';
import { describeOutcome, type HelloOutcome } from './first-flight.ts';
import { exchangeHello } from './hello-exchange.ts';
import { createLimiter, type Limiter } from './limiter.ts';
import { groupName, NAMED_GROUPS, versionName } from './protocol.ts';

export interface ProbeTlsOptions {
  /** SNI; also names the target in error messages. */
  serverName: string;
  /** Budget for one handshake (connect, write, read the first flight). */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Connections open at once (default 4). */
  concurrency?: number;
  /** Most bytes read in one handshake (default 128 KiB: room for a long certificate chain). */
  maxBytesPerHandshake?: number;
  /** Most suites in one ClientHello (default 128: some servers choke on longer lists). */
  suitesPerHello?: number;
  /** Versions to probe (default SSLv3 to TLS 1.3). */
  versions?: readonly ProbeVersion[];
  /** Told about each probe that failed (protocol violation, timeout…) when others succeeded. */
  onProbeError?: (message: string) => void;
}

/** Every probe failed; `errors` holds one sentence per failed probe. */
export class TlsProbeError extends Error {
  override name = 'TlsProbeError';
  readonly errors: string[];
  constructor(message: string, errors: string[]) {
    super(message);
    this.errors = errors;
  }
}

export const PROBE_VERSIONS: readonly ProbeVersion[] = ['SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

const PROTOCOL_VERSION_ALERT = 70;
const EC_GROUPS = NAMED_GROUPS.filter((g) => g.kind === 'ec').map((g) => g.code);
const ALL_GROUPS = NAMED_GROUPS.map((g) => g.code);

/** Which ServerKeyExchange a suite brings whose parameters we read (PSK variants prefix a hint: skipped). */
export function keyExchangeFor(code: number): 'dh' | 'ecdh' | null {
  const s = lookupSuite(code);
  if (!s || s.authentication === 'PSK') return null;
  if (s.keyExchange === 'DHE' || (s.keyExchange === 'DH' && s.anonymous)) return 'dh';
  if (s.keyExchange === 'ECDHE' || (s.keyExchange === 'ECDH' && s.anonymous)) return 'ecdh';
  return null;
}

// Suites OpenSSL knows go first, so that the first ClientHello of a batch carries what servers usually run.
function offerOrder(suites: RegisteredSuite[]): number[] {
  return [...suites.filter((s) => s.opensslName), ...suites.filter((s) => !s.opensslName)].map((s) => s.code);
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const hex = (n: number) => `0x${n.toString(16).padStart(4, '0')}`;
const versionRank = (v: TlsVersion) => TLS_VERSIONS.indexOf(v);

class ProbeSession {
  handshakes = 0;
  readonly errors: string[] = [];
  readonly #connect: Connector;
  readonly #opts: ProbeTlsOptions;
  readonly #limit: Limiter;

  constructor(connect: Connector, opts: ProbeTlsOptions) {
    this.#connect = connect;
    this.#opts = opts;
    this.#limit = createLimiter(opts.concurrency ?? 4);
  }

  hello(spec: Omit<ClientHelloSpec, 'serverName'>): Promise<HelloOutcome> {
    return this.#limit(() => {
      this.handshakes++;
      return exchangeHello(this.#connect, buildClientHello({ ...spec, serverName: this.#opts.serverName }), {
        timeoutMs: this.#opts.timeoutMs,
        maxBytes: this.#opts.maxBytesPerHandshake ?? 128 * 1024,
        keyExchangeFor,
        signal: this.#opts.signal,
      });
    });
  }

  fail(message: string): void {
    this.errors.push(message);
  }
}

interface VersionScan {
  version: ProbeVersion;
  /** Accepted suites in the order elimination found them. */
  picks: number[];
  /** How many ClientHello batches yielded a suite (more than one: the pick order spans batches). */
  batchesWithPicks: number;
  dhBits: number[];
  groups: number[];
}

function groupsFor(version: ProbeVersion): number[] {
  return version === 'TLSv1.3' ? ALL_GROUPS : EC_GROUPS;
}

/** Offers every candidate suite of `version`, removing each one the server picks, until it refuses. */
async function enumerateVersion(
  session: ProbeSession,
  version: ProbeVersion,
  batchSize: number,
): Promise<VersionScan> {
  const scan: VersionScan = { version, picks: [], batchesWithPicks: 0, dhBits: [], groups: [] };
  batches: for (const batch of chunk(offerOrder(suitesForVersion(version)), batchSize)) {
    const remaining = [...batch];
    let pickedHere = false;
    while (remaining.length > 0) {
      const outcome = await session.hello({ version, suites: remaining, groups: groupsFor(version) });
      if (outcome.kind === 'error') {
        session.fail(`${version} probe: ${outcome.message}`);
        break batches;
      }
      if (outcome.kind !== 'server-hello') {
        // Refused. protocol_version says the whole version is out; other refusals end this batch only.
        const versionRefused =
          outcome.kind === 'alert' && outcome.alert.description === PROTOCOL_VERSION_ALERT;
        if (versionRefused && scan.picks.length === 0) break batches;
        break;
      }
      const { hello, keyExchange } = outcome;
      const answered = versionName(hello.version);
      if (answered !== version) {
        // A lower version is a server negotiating down: this version is not supported, that one is probed apart.
        if (answered === null || versionRank(answered) > versionRank(version)) {
          session.fail(
            `${version} probe: server answered with version ${hex(hello.version)}, which was not offered`,
          );
        }
        break batches;
      }
      const at = remaining.indexOf(hello.suite);
      if (at < 0) {
        session.fail(`${version} probe: server chose suite ${hex(hello.suite)}, which was not offered`);
        break batches;
      }
      if (hello.compressionMethod !== 0) {
        session.fail(
          `${version} probe: server chose compression method ${hello.compressionMethod}, not offered`,
        );
        break batches;
      }
      remaining.splice(at, 1);
      scan.picks.push(hello.suite);
      pickedHere = true;
      if (keyExchange?.kind === 'dh') scan.dhBits.push(keyExchange.primeBits);
      if (keyExchange?.kind === 'ecdh') scan.groups.push(keyExchange.group);
      if (hello.keyShareGroup !== null) scan.groups.push(hello.keyShareGroup);
    }
    if (pickedHere) scan.batchesWithPicks++;
  }
  return scan;
}

/** Offers the accepted suites in two opposite orders: the same pick twice means the server chooses. */
async function detectServerPreference(session: ProbeSession, scan: VersionScan): Promise<boolean | null> {
  const forward = [...scan.picks].sort((a, b) => a - b);
  const backward = [...forward].reverse();
  const [a, b] = await Promise.all(
    [forward, backward].map((suites) =>
      session.hello({ version: scan.version, suites, groups: groupsFor(scan.version) }),
    ),
  );
  if (a?.kind !== 'server-hello' || b?.kind !== 'server-hello') {
    session.fail(`${scan.version} preference probe: ${describeOutcome(a!)}; ${describeOutcome(b!)}`);
    return null;
  }
  return a.hello.suite === b.hello.suite;
}

/** The server's order over suites already known to be accepted (needed when they came from several batches). */
async function serverOrder(session: ProbeSession, scan: VersionScan): Promise<number[]> {
  const remaining = [...scan.picks];
  const order: number[] = [];
  while (remaining.length > 1) {
    const outcome = await session.hello({
      version: scan.version,
      suites: remaining,
      groups: groupsFor(scan.version),
    });
    const at = outcome.kind === 'server-hello' ? remaining.indexOf(outcome.hello.suite) : -1;
    if (at < 0) {
      session.fail(`${scan.version} ordering probe: ${describeOutcome(outcome)}`);
      return scan.picks;
    }
    order.push(...remaining.splice(at, 1));
  }
  return [...order, ...remaining];
}

/** Groups beyond `known`, by elimination: TLS 1.3 via HelloRetryRequest, ≤1.2 via the ECDHE ServerKeyExchange. */
async function enumerateGroups(session: ProbeSession, scans: VersionScan[], known: number[]): Promise<void> {
  const tls13 = scans.find((s) => s.version === 'TLSv1.3' && s.picks.length > 0);
  if (tls13) {
    let remaining = ALL_GROUPS.filter((g) => !known.includes(g));
    while (remaining.length > 0) {
      // No key share at all: a server accepting one of `remaining` must name it in a HelloRetryRequest.
      const outcome = await session.hello({
        version: 'TLSv1.3',
        suites: tls13.picks,
        groups: remaining,
        keyShare: 'none',
      });
      if (outcome.kind !== 'server-hello') break;
      const group = outcome.hello.keyShareGroup;
      if (group === null || !remaining.includes(group)) {
        session.fail(
          `TLSv1.3 group probe: server selected ${group === null ? 'no group' : groupName(group)}, not offered`,
        );
        break;
      }
      known.push(group);
      remaining = remaining.filter((g) => g !== group);
    }
  }
  const legacy = scans
    .filter((s) => s.version !== 'TLSv1.3' && s.picks.some((c) => keyExchangeFor(c) === 'ecdh'))
    .at(-1);
  if (legacy) {
    const suites = legacy.picks.filter((c) => keyExchangeFor(c) === 'ecdh');
    let remaining = EC_GROUPS.filter((g) => !known.includes(g));
    while (remaining.length > 0) {
      const outcome = await session.hello({ version: legacy.version, suites, groups: remaining });
      if (outcome.kind !== 'server-hello' || outcome.keyExchange?.kind !== 'ecdh') break;
      const group = outcome.keyExchange.group;
      // A server that ignores the list would repeat itself forever: stop at the first group not offered.
      if (!remaining.includes(group)) break;
      known.push(group);
      remaining = remaining.filter((g) => g !== group);
    }
  }
}

/** Offers DEFLATE before null at the best version below 1.3 (TLS 1.3 has no compression). */
async function detectCompression(session: ProbeSession, scans: VersionScan[]): Promise<boolean> {
  const legacy = scans.filter((s) => s.version !== 'TLSv1.3').at(-1);
  if (!legacy) return false;
  const outcome = await session.hello({
    version: legacy.version,
    suites: legacy.picks,
    groups: groupsFor(legacy.version),
    compression: true,
  });
  if (outcome.kind !== 'server-hello') {
    session.fail(`${legacy.version} compression probe: ${describeOutcome(outcome)}`);
    return false;
  }
  return outcome.hello.compressionMethod === 1;
}

function validate(opts: ProbeTlsOptions): void {
  if (typeof opts.serverName !== 'string') throw new TypeError('probeTls: serverName must be a string');
  if (!(opts.timeoutMs > 0) || !Number.isFinite(opts.timeoutMs)) {
    throw new RangeError(`probeTls: timeoutMs must be a positive number, got ${opts.timeoutMs}`);
  }
  const batch = opts.suitesPerHello ?? 128;
  if (!Number.isInteger(batch) || batch < 1 || batch > 4000) {
    throw new RangeError(`probeTls: suitesPerHello must be an integer from 1 to 4000, got ${batch}`);
  }
  for (const v of opts.versions ?? []) {
    if (!PROBE_VERSIONS.includes(v)) throw new RangeError(`probeTls: cannot probe version ${v}`);
  }
}

export async function probeTls(connect: Connector, opts: ProbeTlsOptions): Promise<TlsResult> {
  validate(opts);
  const session = new ProbeSession(connect, opts);
  const batchSize = opts.suitesPerHello ?? 128;
  const versions = PROBE_VERSIONS.filter((v) => (opts.versions ?? PROBE_VERSIONS).includes(v));
  const all = await Promise.all(versions.map((v) => enumerateVersion(session, v, batchSize)));
  const scans = all.filter((s) => s.picks.length > 0);
  if (scans.length === 0) {
    if (session.errors.length > 0) {
      throw new TlsProbeError(
        `TLS probe of ${opts.serverName} failed: ${session.errors.join('; ')}`,
        session.errors,
      );
    }
    return {
      versions: [],
      perVersion: [],
      serverPreference: null,
      groups: [],
      dhBits: null,
      compression: false,
      handshakes: session.handshakes,
    };
  }

  const groups: number[] = [];
  for (const g of scans.flatMap((s) => s.groups)) if (!groups.includes(g)) groups.push(g);
  const preferenceScan = scans.filter((s) => s.picks.length >= 2).at(-1);
  const [serverPreference, compression] = await Promise.all([
    preferenceScan ? detectServerPreference(session, preferenceScan) : Promise.resolve(null),
    detectCompression(session, scans),
    enumerateGroups(session, scans, groups),
  ]);

  const perVersion: TlsVersionResult[] = await Promise.all(
    scans.map(async (scan) => {
      let codes: number[];
      if (serverPreference) codes = scan.batchesWithPicks > 1 ? await serverOrder(session, scan) : scan.picks;
      else codes = [...scan.picks].sort((a, b) => a - b);
      return { version: scan.version, suites: codes.map((c) => toCipherSuite(lookupSuite(c)!)) };
    }),
  );
  for (const message of session.errors) opts.onProbeError?.(message);
  const dhBits = scans.flatMap((s) => s.dhBits);
  return {
    versions: scans.map((s) => s.version),
    perVersion,
    serverPreference,
    groups: groups.map(groupName),
    dhBits: dhBits.length > 0 ? Math.min(...dhBits) : null,
    compression,
    handshakes: session.handshakes,
  };
}
