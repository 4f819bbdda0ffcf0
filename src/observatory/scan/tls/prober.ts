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
  /** ALPN names offered in every ClientHello (direct TLS: the XMPP service, for ALPN multiplexers). */
  alpn?: readonly string[];
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
      const hello = buildClientHello({ ...spec, serverName: this.#opts.serverName, alpn: this.#opts.alpn });
      return exchangeHello(this.#connect, hello, {
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
  /** The picks are in the server's order: one elimination chain found them all. */
  chained: boolean;
  /** The first batch reversed got another suite: the server follows the client's order. Null: not tried. */
  clientOrder: boolean | null;
  dhBits: number[];
  groups: number[];
}

function groupsFor(version: ProbeVersion): number[] {
  return version === 'TLSv1.3' ? ALL_GROUPS : EC_GROUPS;
}

/** Fewest candidates worth a parallel elimination chain of their own. */
const MIN_PARTITION = 8;

type Step = 'picked' | 'refused' | 'version-refused' | 'stop';

/** One ClientHello offering `offered`; records what the server picked. */
async function offer(session: ProbeSession, scan: VersionScan, offered: readonly number[]): Promise<Step> {
  const { version } = scan;
  const outcome = await session.hello({ version, suites: [...offered], groups: groupsFor(version) });
  if (outcome.kind === 'error') {
    session.fail(`${version} probe: ${outcome.message}`);
    return 'stop';
  }
  if (outcome.kind !== 'server-hello') {
    // Refused. protocol_version says the whole version is out; other refusals end this list only.
    const versionRefused = outcome.kind === 'alert' && outcome.alert.description === PROTOCOL_VERSION_ALERT;
    return versionRefused ? 'version-refused' : 'refused';
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
    return 'stop';
  }
  if (!offered.includes(hello.suite)) {
    session.fail(`${version} probe: server chose suite ${hex(hello.suite)}, which was not offered`);
    return 'stop';
  }
  if (hello.compressionMethod !== 0) {
    session.fail(`${version} probe: server chose compression method ${hello.compressionMethod}, not offered`);
    return 'stop';
  }
  if (!scan.picks.includes(hello.suite)) scan.picks.push(hello.suite);
  if (keyExchange?.kind === 'dh') scan.dhBits.push(keyExchange.primeBits);
  if (keyExchange?.kind === 'ecdh') scan.groups.push(keyExchange.group);
  if (hello.keyShareGroup !== null) scan.groups.push(hello.keyShareGroup);
  return 'picked';
}

/** Eliminates every accepted suite of `candidates`, one chain, in batches; false when the probe must stop. */
async function eliminate(
  session: ProbeSession,
  scan: VersionScan,
  candidates: readonly number[],
  batchSize: number,
): Promise<boolean> {
  for (const batch of chunk(candidates, batchSize)) {
    const remaining = batch.filter((c) => !scan.picks.includes(c));
    while (remaining.length > 0) {
      const step = await offer(session, scan, remaining);
      if (step === 'stop') return false;
      if (step !== 'picked') break;
      const picked = scan.picks.filter((c) => remaining.includes(c));
      for (const c of picked) remaining.splice(remaining.indexOf(c), 1);
    }
  }
  return true;
}

/**
 * Offers every candidate suite of `version`, removing each one the server picks, until it refuses.
 * A server that follows the client's order (the same list reversed gets another suite) has its
 * remaining candidates eliminated in parallel chains, which on a real network saves most of the
 * wall time; a server with an order of its own gets one chain, which yields that order for free.
 */
async function enumerateVersion(
  session: ProbeSession,
  version: ProbeVersion,
  batchSize: number,
  chains: number,
  /** Work that needs only one accepted suite (TLS 1.3's groups): run beside the rest of the elimination. */
  besideFirstPick?: (scan: VersionScan) => Promise<void>,
): Promise<VersionScan> {
  const scan: VersionScan = {
    version,
    picks: [],
    chained: true,
    clientOrder: null,
    dhBits: [],
    groups: [],
  };
  const candidates = offerOrder(suitesForVersion(version));
  const batches = chunk(candidates, batchSize);
  // The first batch that the server takes a suite from; protocol_version before any pick: version out.
  let first = 0;
  for (; first < batches.length; first++) {
    const step = await offer(session, scan, batches[first]!);
    if (step === 'picked') break;
    if (step === 'stop' || step === 'version-refused') return scan;
  }
  if (scan.picks.length === 0) return scan;
  const beside = besideFirstPick?.(scan);
  // Awaited below; marked handled now so a failing elimination cannot leave it an unhandled rejection.
  beside?.catch(() => {});
  await eliminateRest(session, scan, candidates, batches, first, batchSize, chains);
  await beside;
  return scan;
}

/** The elimination after the first pick (from batch `first`): one chain, or parallel chains for a client-order server. */
async function eliminateRest(
  session: ProbeSession,
  scan: VersionScan,
  candidates: readonly number[],
  batches: readonly number[][],
  first: number,
  batchSize: number,
  chains: number,
): Promise<void> {
  const rest = candidates
    .slice(candidates.indexOf(batches[first]![0]!))
    .filter((c) => !scan.picks.includes(c));
  const parallel = Math.min(chains, Math.floor(rest.length / MIN_PARTITION));
  const firstPick = scan.picks[0]!;
  let clientOrder = false;
  if (parallel > 1) {
    // The same batch reversed: another pick means the server follows the client's order.
    const reversed = [...batches[first]!].reverse();
    const step = await offer(session, scan, reversed);
    if (step === 'stop') return;
    clientOrder = step === 'picked' && scan.picks.at(-1) !== firstPick;
    // The same pick both ways tells a server order only when the batch holds two accepted suites.
    if (clientOrder) scan.clientOrder = true;
  }
  if (!clientOrder) {
    // The first batch's remainder is one chain, which yields the server's order; each later batch is a
    // chain of its own beside it (usually one refusal), so they add no round trips to the version.
    const firstBatch = new Set(batches[first]);
    const later = chunk(
      rest.filter((c) => !firstBatch.has(c)),
      batchSize,
    );
    await Promise.all([
      eliminate(
        session,
        scan,
        rest.filter((c) => firstBatch.has(c)),
        batchSize,
      ),
      ...later.map((batch) => eliminate(session, scan, batch, batchSize)),
    ]);
    // Picks from later batches were never offered beside the first batch's: their order is unknown.
    scan.chained = scan.picks.every((c) => firstBatch.has(c));
    return;
  }
  scan.chained = false;
  const left = rest.filter((c) => !scan.picks.includes(c));
  const parts = Array.from({ length: parallel }, (_, i) => left.filter((_, j) => j % parallel === i));
  await Promise.all(parts.map((part) => eliminate(session, scan, part, batchSize)));
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

/** Parallel chains for the TLS 1.3 group elimination (common groups come first and are spread over them). */
const GROUP_CHAINS = 3;

/** TLS 1.3 groups beyond `known`, by elimination via HelloRetryRequest, in a few parallel chains. */
async function enumerateGroups13(session: ProbeSession, tls13: VersionScan, known: number[]): Promise<void> {
  if (tls13.picks.length === 0) return;
  const candidates = ALL_GROUPS.filter((g) => !known.includes(g));
  const chains = Array.from({ length: GROUP_CHAINS }, (_, i) =>
    candidates.filter((_, j) => j % GROUP_CHAINS === i),
  );
  await Promise.all(
    chains.map(async (chain) => {
      let remaining = chain;
      while (remaining.length > 0) {
        // No key share at all: a server accepting one of `remaining` must name it in a HelloRetryRequest.
        const outcome = await session.hello({
          version: 'TLSv1.3',
          suites: tls13.picks,
          groups: remaining,
          keyShare: 'none',
        });
        if (outcome.kind !== 'server-hello') return;
        const group = outcome.hello.keyShareGroup;
        if (group === null || !remaining.includes(group)) {
          session.fail(
            `TLSv1.3 group probe: server selected ${group === null ? 'no group' : groupName(group)}, not offered`,
          );
          return;
        }
        if (!known.includes(group)) known.push(group);
        remaining = remaining.filter((g) => g !== group);
      }
    }),
  );
}

/** The version whose ECDHE suites the legacy groups are enumerated with: the highest below 1.3 with one. */
function legacyGroupScan(scans: readonly VersionScan[]): VersionScan | undefined {
  return scans
    .filter((s) => s.version !== 'TLSv1.3' && s.picks.some((c) => keyExchangeFor(c) === 'ecdh'))
    .at(-1);
}

/** Groups of TLS ≤ 1.2 beyond `known`, by elimination via the ECDHE ServerKeyExchange. */
async function enumerateLegacyGroups(
  session: ProbeSession,
  legacy: VersionScan | undefined,
  known: number[],
): Promise<void> {
  if (legacy) {
    const suites = legacy.picks.filter((c) => keyExchangeFor(c) === 'ecdh');
    let remaining = EC_GROUPS.filter((g) => !known.includes(g));
    while (remaining.length > 0) {
      const outcome = await session.hello({ version: legacy.version, suites, groups: remaining });
      if (outcome.kind !== 'server-hello' || outcome.keyExchange?.kind !== 'ecdh') break;
      const group = outcome.keyExchange.group;
      // A server that ignores the list would repeat itself forever: stop at the first group not offered.
      if (!remaining.includes(group)) break;
      if (!known.includes(group)) known.push(group);
      remaining = remaining.filter((g) => g !== group);
    }
  }
}

/** The version compression is asked about: the best below 1.3 (TLS 1.3 has no compression). */
function compressionScan(scans: readonly VersionScan[]): VersionScan | undefined {
  return scans.filter((s) => s.version !== 'TLSv1.3').at(-1);
}

/** Offers DEFLATE before null at `legacy`'s version. */
async function detectCompression(session: ProbeSession, legacy: VersionScan | undefined): Promise<boolean> {
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
  const chains = opts.concurrency ?? 4;
  // Each round trip on the longest chain of dependent handshakes is wall time on a real network, so
  // what can start early does: TLS 1.3's groups once one TLS 1.3 suite is known; compression and the
  // legacy groups once TLS 1.2 (the highest legacy version) is done; server preference once TLS 1.3
  // (the highest version) is. Each is used only if it asked the version the sequential rules pick.
  const known: number[] = [];
  const early = new Map<string, { scan: VersionScan; done: Promise<unknown> }>();
  const startEarly = (name: string, scan: VersionScan, done: Promise<unknown>) => {
    // Awaited at the end; marked handled now in case a version's probe throws first.
    done.catch(() => {});
    early.set(name, { scan, done });
  };
  const all = await Promise.all(
    versions.map(async (v) => {
      const scan = await enumerateVersion(
        session,
        v,
        batchSize,
        chains,
        v === 'TLSv1.3'
          ? (first) => {
              for (const g of first.groups) if (!known.includes(g)) known.push(g);
              return enumerateGroups13(session, first, known);
            }
          : v === 'TLSv1.2'
            ? async (first) => {
                // Any accepted suite serves to ask about compression, any ECDHE one to list groups.
                startEarly('compression', first, detectCompression(session, first));
                if (legacyGroupScan([first]))
                  startEarly('legacy-groups', first, enumerateLegacyGroups(session, first, known));
              }
            : undefined,
      );
      if (v === 'TLSv1.2' && scan.picks.length > 0 && !early.has('legacy-groups') && legacyGroupScan([scan]))
        startEarly('legacy-groups', scan, enumerateLegacyGroups(session, scan, known));
      if (v === 'TLSv1.3' && scan.picks.length >= 2 && scan.clientOrder !== true)
        startEarly('preference', scan, detectServerPreference(session, scan));
      return scan;
    }),
  );
  // Early work on a version the rules below do not pick is left to finish, unused.
  const reuse = <T>(name: string, scan: VersionScan | undefined, fresh: () => Promise<T>): Promise<T> => {
    const started = early.get(name);
    return started && started.scan === scan ? (started.done as Promise<T>) : fresh();
  };
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

  const preferenceScan = scans.filter((s) => s.picks.length >= 2).at(-1);
  // A reversed offer that got another suite already showed the client's order: no need to ask again.
  const knownClientOrder = scans.some((s) => s.clientOrder === true);
  const legacy = legacyGroupScan(scans);
  const [preference, compression] = await Promise.all([
    knownClientOrder || !preferenceScan
      ? Promise.resolve(null)
      : reuse('preference', preferenceScan, () => detectServerPreference(session, preferenceScan)),
    reuse('compression', compressionScan(scans), () => detectCompression(session, compressionScan(scans))),
    reuse('legacy-groups', legacy, () => enumerateLegacyGroups(session, legacy, known)),
  ]);
  const serverPreference = knownClientOrder ? false : preference;
  await Promise.all([...early.values()].map((e) => e.done));
  const groups: number[] = [];
  for (const g of [...scans.flatMap((s) => s.groups), ...known]) if (!groups.includes(g)) groups.push(g);

  const perVersion: TlsVersionResult[] = await Promise.all(
    scans.map(async (scan) => {
      let codes: number[];
      if (serverPreference) codes = scan.chained ? scan.picks : await serverOrder(session, scan);
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
