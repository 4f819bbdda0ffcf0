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
  /** Connections open at once (default DEFAULT_CONCURRENCY). */
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

/**
 * Handshakes to one target at once. On a real network each costs up to three round trips (TCP,
 * STARTTLS, hello), so independent chains run side by side: at 50 ms a round trip, 8 takes the lab's
 * weak.test (48 suites over four versions, about 80 handshakes) from 3.7 s (at 4) to about 1.7 s.
 * sslyze opens 5 per server by default; each of ours lives for one ClientHello.
 */
export const DEFAULT_CONCURRENCY = 8;

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

// What servers run goes first, so that the first ClientHello of a version usually gets a pick: forward-secret
// AEAD suites, then the other forward-secret ones, then RSA key exchange, then whatever OpenSSL knows.
function commonness(s: RegisteredSuite): number {
  if (!s.opensslName) return 6;
  if (s.anonymous || s.authentication === 'PSK' || s.export) return 5;
  const ephemeral = s.keyExchange === 'ECDHE' || s.keyExchange === 'DHE';
  if (ephemeral && s.aead) return s.keyExchange === 'ECDHE' ? 0 : 1;
  if (ephemeral) return s.keyExchange === 'ECDHE' ? 2 : 3;
  return s.keyExchange === 'RSA' ? 4 : 5;
}

function offerOrder(suites: RegisteredSuite[]): number[] {
  return suites
    .map((s, i) => ({ s, i, rank: commonness(s) }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map(({ s }) => s.code);
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
    this.#limit = createLimiter(opts.concurrency ?? DEFAULT_CONCURRENCY);
  }

  /** One handshake; a waiting one of higher `priority` (a chain that keeps finding suites) goes first. */
  async hello(spec: Omit<ClientHelloSpec, 'serverName'>, priority = 0): Promise<HelloOutcome> {
    return (await this.helloWhenDue(() => spec, priority))!.outcome;
  }

  /**
   * One handshake whose ClientHello is made when its slot comes up (what it offers may have changed
   * while it waited); null, with no handshake, when `make` finds nothing left to offer.
   */
  async helloWhenDue<S extends Omit<ClientHelloSpec, 'serverName'>>(
    make: () => S | null,
    priority: number,
  ): Promise<{ spec: S; outcome: HelloOutcome } | null> {
    return this.#limit(async () => {
      const spec = make();
      return spec ? { spec, outcome: await this.#exchange(spec) } : null;
    }, priority);
  }

  #exchange(spec: Omit<ClientHelloSpec, 'serverName'>): Promise<HelloOutcome> {
    this.handshakes++;
    const hello = buildClientHello({ ...spec, serverName: this.#opts.serverName, alpn: this.#opts.alpn });
    return exchangeHello(this.#connect, hello, {
      timeoutMs: this.#opts.timeoutMs,
      maxBytes: this.#opts.maxBytesPerHandshake ?? 128 * 1024,
      keyExchangeFor,
      signal: this.#opts.signal,
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
  /**
   * Whose order the server follows, from the first batch offered reversed: another pick is the
   * client's; the same pick, with two accepted suites in the batch, is the server's. Null: not known.
   */
  order: 'server' | 'client' | null;
  dhBits: number[];
  groups: number[];
}

function groupsFor(version: ProbeVersion): number[] {
  return version === 'TLSv1.3' ? ALL_GROUPS : EC_GROUPS;
}

/** Fewest candidates worth a parallel elimination chain of their own. */
const MIN_PARTITION = 8;

/** Picks a chain's line makes before it forks (each fork costs one refusal more). */
const FORK_AFTER = 2;

type Offered = { step: 'picked'; suite: number } | { step: 'refused' | 'version-refused' | 'stop' };

/** One ClientHello offering `offered`; records what the server picked. */
async function offer(
  session: ProbeSession,
  scan: VersionScan,
  offered: readonly number[],
  priority = 0,
): Promise<Offered> {
  const { version } = scan;
  const outcome = await session.hello(
    { version, suites: [...offered], groups: groupsFor(version) },
    priority,
  );
  if (outcome.kind === 'error') {
    session.fail(`${version} probe: ${outcome.message}`);
    return { step: 'stop' };
  }
  if (outcome.kind !== 'server-hello') {
    // Refused. protocol_version says the whole version is out; other refusals end this list only.
    const versionRefused = outcome.kind === 'alert' && outcome.alert.description === PROTOCOL_VERSION_ALERT;
    return { step: versionRefused ? 'version-refused' : 'refused' };
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
    return { step: 'stop' };
  }
  if (!offered.includes(hello.suite)) {
    session.fail(`${version} probe: server chose suite ${hex(hello.suite)}, which was not offered`);
    return { step: 'stop' };
  }
  if (hello.compressionMethod !== 0) {
    session.fail(`${version} probe: server chose compression method ${hello.compressionMethod}, not offered`);
    return { step: 'stop' };
  }
  if (!scan.picks.includes(hello.suite)) scan.picks.push(hello.suite);
  if (keyExchange?.kind === 'dh') scan.dhBits.push(keyExchange.primeBits);
  if (keyExchange?.kind === 'ecdh') scan.groups.push(keyExchange.group);
  if (hello.keyShareGroup !== null) scan.groups.push(hello.keyShareGroup);
  return { step: 'picked', suite: hello.suite };
}

interface ChainOptions {
  /** Asked after the first pick: true stops the chain, which returns what it has not settled. */
  split?: Promise<boolean>;
  /** Once its line has picked FORK_AFTER suites, hand half of what is left to a new chain at each pick. */
  fork?: boolean;
  /** Suites picked by this chain and the chains it descends from: its handshakes' priority. */
  depth?: number;
}

type ChainEnd = { end: 'done' | 'stop' } | { end: 'split'; left: number[] };

/**
 * Eliminates the accepted suites of one list (at most a batch), one ClientHello at a time. A chain that
 * keeps picking is likely the longest, so its handshakes go first and, with `fork`, it splits itself:
 * each split costs one refusal more and takes about half the remaining round trips. Most servers have
 * a few suites, found before the line forks; one with dozens ends up with as many chains as it needs.
 */
async function chain(
  session: ProbeSession,
  scan: VersionScan,
  list: readonly number[],
  opts: ChainOptions = {},
): Promise<ChainEnd> {
  let remaining = list.filter((c) => !scan.picks.includes(c));
  let depth = opts.depth ?? 0;
  let asked = false;
  const forks: Promise<ChainEnd>[] = [];
  let end: ChainEnd = { end: 'done' };
  while (remaining.length > 0) {
    const offered = await offer(session, scan, remaining, depth);
    if (offered.step === 'stop') {
      end = { end: 'stop' };
      break;
    }
    if (offered.step !== 'picked') break;
    depth++;
    remaining = remaining.filter((c) => !scan.picks.includes(c));
    if (opts.split && !asked) {
      asked = true;
      if (await opts.split) {
        end = { end: 'split', left: remaining.filter((c) => !scan.picks.includes(c)) };
        break;
      }
    }
    if (opts.fork && depth >= FORK_AFTER && remaining.length >= 2 * MIN_PARTITION) {
      const half = remaining.filter((_, i) => i % 2 === 1);
      remaining = remaining.filter((_, i) => i % 2 === 0);
      forks.push(chain(session, scan, half, { fork: true, depth }));
    }
  }
  await Promise.all(forks);
  return end;
}

/**
 * Offers every candidate suite of `version`, removing each one the server picks, until it refuses.
 * A server that follows the client's order (the same list reversed gets another suite) has its
 * remaining candidates eliminated by a chain that forks into parallel ones as it finds suites, which
 * on a real network saves most of the wall time; a server with an order of its own gets one chain,
 * which yields that order for free.
 */
async function enumerateVersion(
  session: ProbeSession,
  version: ProbeVersion,
  batchSize: number,
  /** Work that needs only one accepted suite (TLS 1.3's groups): run beside the rest of the elimination. */
  besideFirstPick?: (scan: VersionScan) => Promise<void>,
): Promise<VersionScan> {
  const scan: VersionScan = {
    version,
    picks: [],
    chained: true,
    order: null,
    dhBits: [],
    groups: [],
  };
  const candidates = offerOrder(suitesForVersion(version));
  const batches = chunk(candidates, batchSize);
  // TLS 1.2 and 1.3, which nearly every server has, are also offered reversed at once: the first round
  // trip has slots to spare, and the answer (whose order the server follows) decides how to go on.
  const reverseAtOnce = version === 'TLSv1.2' || version === 'TLSv1.3';
  // The first batch that the server takes a suite from; protocol_version before any pick: version out.
  let first = 0;
  let reversed: Promise<Offered> | null = null;
  let firstPick = -1;
  for (; first < batches.length; first++) {
    const batch = batches[first]!;
    reversed =
      first === 0 && reverseAtOnce && batch.length >= 2 ? offer(session, scan, [...batch].reverse()) : null;
    // Awaited below; marked handled now so an abort during the forward offer leaves no stray rejection.
    reversed?.catch(() => {});
    const offered = await offer(session, scan, batch);
    if (offered.step === 'picked') {
      firstPick = offered.suite;
      break;
    }
    await reversed;
    reversed = null;
    if (offered.step === 'stop' || offered.step === 'version-refused') return scan;
  }
  // Nothing picked, or only by a reversed offer whose forward twin was refused (not a server to go on with).
  if (first === batches.length) return scan;
  const beside = besideFirstPick?.(scan);
  // Awaited below; marked handled now so a failing elimination cannot leave it an unhandled rejection.
  beside?.catch(() => {});
  await eliminateRest(session, scan, batches, first, firstPick, reversed);
  await beside;
  return scan;
}

/**
 * Priorities of the work beside the suites: a few handshakes each, so they take the slots the suites'
 * chains leave. TLS 1.3's groups go before TLS 1.2's, which then mostly find them known already, and
 * before compression (one handshake that nothing waits on).
 */
const GROUPS_13 = -1;
const LEGACY_SIDE_WORK = -2;

/**
 * The elimination after the first pick (from batch `first`). The first batch reversed tells whose order
 * the server follows (asked with the first pick, or now beside the first chain's next step); a chain
 * for each later batch (usually one refusal) runs beside. A server with an order of its own keeps one
 * chain over the first batch, which yields that order; for one that follows the client's, the chain
 * hands what it has left to a forking chain as soon as the reversed offer has said so.
 */
async function eliminateRest(
  session: ProbeSession,
  scan: VersionScan,
  batches: readonly number[][],
  first: number,
  /** What the server took from the first batch (a reversed offer may have picked before it). */
  firstPick: number,
  reversed: Promise<Offered> | null,
): Promise<void> {
  const firstBatch = batches[first]!;
  const asked = reversed ?? (firstBatch.length >= 2 ? offer(session, scan, [...firstBatch].reverse()) : null);
  let sameReversed = false;
  const clientOrder: Promise<boolean> = asked
    ? asked.then((o) => {
        sameReversed = o.step === 'picked' && o.suite === firstPick;
        return o.step === 'picked' && o.suite !== firstPick;
      })
    : Promise.resolve(false);
  const later = batches.slice(first + 1).map((batch) => chain(session, scan, batch));
  // Asked with the first pick: the answer is (about) in, so the chains start the right way at once.
  const firstChain = reversed
    ? clientOrder.then(async (client) => {
        // A client-order server's remaining candidates: one chain that forks as it finds suites.
        if (client)
          await chain(
            session,
            scan,
            firstBatch.filter((c) => !scan.picks.includes(c)),
            { fork: true },
          );
        else await chain(session, scan, firstBatch, { depth: 1 });
      })
    : chain(session, scan, firstBatch, { split: clientOrder, depth: 1 }).then(async (result) => {
        if (result.end === 'split') await chain(session, scan, result.left, { fork: true });
      });
  const [client] = await Promise.all([clientOrder, firstChain, ...later]);
  const inFirst = new Set(firstBatch);
  const firstBatchPicks = scan.picks.filter((c) => inFirst.has(c)).length;
  scan.order = client ? 'client' : sameReversed && firstBatchPicks >= 2 ? 'server' : null;
  // Picks from later batches were never offered beside the first batch's: their order is unknown.
  scan.chained = !client && scan.picks.every((c) => inFirst.has(c));
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

/**
 * Parallel chains for a group elimination (common groups come first and are spread over them): TLS 1.3's
 * list is long (45 with the hybrids and FFDHE); TLS 1.2's mostly repeats what 1.3 has found.
 */
const GROUP_CHAINS_13 = 3;
const GROUP_CHAINS_LEGACY = 2;

/** How one group elimination asks: the ClientHello for a list of groups, and the group a reply chose. */
interface GroupAsk {
  hello: (groups: number[]) => Omit<ClientHelloSpec, 'serverName'>;
  /** The group the server chose from `offered`; null when it chose none (which ends that chain). */
  chosen: (outcome: HelloOutcome, offered: readonly number[]) => number | null;
}

/**
 * Groups of `candidates` the server accepts, added to `known`, in `chains` parallel chains.
 * The report lists the groups of all versions together, so a group `known` from elsewhere (the other
 * enumeration, running beside) need not be found again: each offer is made when its slot comes up and
 * leaves out what is known by then.
 */
async function eliminateGroups(
  session: ProbeSession,
  candidates: readonly number[],
  known: number[],
  chains: number,
  /** The first offers' priority; a chain that has found a group goes up one with each. */
  priority: number,
  ask: GroupAsk,
  /** Called once every chain's first offer has been answered. */
  onFirstRound?: () => void,
): Promise<void> {
  const parts = Array.from({ length: chains }, (_, i) => candidates.filter((_, j) => j % chains === i));
  let firstRound = parts.length;
  if (firstRound === 0) onFirstRound?.();
  await Promise.all(
    parts.map(async (part) => {
      let remaining = part;
      let step = priority;
      for (;;) {
        let offered: number[] = [];
        const sent = await session.helloWhenDue(() => {
          remaining = remaining.filter((g) => !known.includes(g));
          offered = remaining;
          return offered.length > 0 ? ask.hello(offered) : null;
        }, step++);
        if (step === priority + 1 && --firstRound === 0) onFirstRound?.();
        const group = sent === null ? null : ask.chosen(sent.outcome, offered);
        // A server that ignores the list would repeat itself forever: stop at the first group not offered.
        if (group === null || !offered.includes(group)) return;
        if (!known.includes(group)) known.push(group);
      }
    }),
  );
}

/** TLS 1.3 groups beyond `known`, by elimination via HelloRetryRequest. */
async function enumerateGroups13(
  session: ProbeSession,
  tls13: VersionScan,
  known: number[],
  onFirstRound: () => void,
): Promise<void> {
  if (tls13.picks.length === 0) return onFirstRound();
  const suites = [...tls13.picks];
  await eliminateGroups(
    session,
    ALL_GROUPS.filter((g) => !known.includes(g)),
    known,
    GROUP_CHAINS_13,
    GROUPS_13,
    {
      // No key share at all: a server accepting one of the groups must name it in a HelloRetryRequest.
      hello: (groups) => ({ version: 'TLSv1.3', suites, groups, keyShare: 'none' }),
      chosen: (outcome, offered) => {
        if (outcome.kind !== 'server-hello') return null;
        const group = outcome.hello.keyShareGroup;
        if (group === null || !offered.includes(group)) {
          session.fail(
            `TLSv1.3 group probe: server selected ${group === null ? 'no group' : groupName(group)}, not offered`,
          );
          return null;
        }
        return group;
      },
    },
    onFirstRound,
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
  if (!legacy) return;
  const suites = legacy.picks.filter((c) => keyExchangeFor(c) === 'ecdh');
  await eliminateGroups(
    session,
    EC_GROUPS.filter((g) => !known.includes(g)),
    known,
    GROUP_CHAINS_LEGACY,
    LEGACY_SIDE_WORK,
    {
      hello: (groups) => ({ version: legacy.version, suites, groups }),
      chosen: (outcome) =>
        outcome.kind === 'server-hello' && outcome.keyExchange?.kind === 'ecdh'
          ? outcome.keyExchange.group
          : null,
    },
  );
}

/** The version compression is asked about: the best below 1.3 (TLS 1.3 has no compression). */
function compressionScan(scans: readonly VersionScan[]): VersionScan | undefined {
  return scans.filter((s) => s.version !== 'TLSv1.3').at(-1);
}

/** Offers DEFLATE before null at `legacy`'s version. */
async function detectCompression(session: ProbeSession, legacy: VersionScan | undefined): Promise<boolean> {
  if (!legacy) return false;
  const outcome = await session.hello(
    {
      version: legacy.version,
      suites: legacy.picks,
      groups: groupsFor(legacy.version),
      compression: true,
    },
    LEGACY_SIDE_WORK,
  );
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
  // Each round trip on the longest chain of dependent handshakes is wall time on a real network, so
  // what can start early does: TLS 1.3's groups once one TLS 1.3 suite is known; compression and the
  // legacy groups once TLS 1.2 (the highest legacy version) has one (the groups also wait as below); server preference, where the
  // reversed offers could not tell it, once TLS 1.3 (the highest version) is done. Each is used only
  // if it asked the version the sequential rules pick.
  const known: number[] = [];
  // TLS 1.2's groups mostly repeat TLS 1.3's: they are asked once 1.3's first group offers have been
  // answered (or 1.3 is out), so that they offer only what 1.3 did not find; compression, which
  // nothing waits on, waits with them and leaves the second round trip's slots to 1.3's groups.
  let openSideWork = () => {};
  const sideWorkMayStart = versions.includes('TLSv1.3')
    ? new Promise<void>((resolve) => {
        openSideWork = resolve;
      })
    : Promise.resolve();
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
        v === 'TLSv1.3'
          ? (first) => {
              for (const g of first.groups) if (!known.includes(g)) known.push(g);
              return enumerateGroups13(session, first, known, openSideWork);
            }
          : v === 'TLSv1.2'
            ? async (first) => {
                for (const g of first.groups) if (!known.includes(g)) known.push(g);
                // Any accepted suite serves to ask about compression, any ECDHE one to list groups.
                startEarly(
                  'compression',
                  first,
                  sideWorkMayStart.then(() => detectCompression(session, first)),
                );
                if (legacyGroupScan([first]))
                  startEarly(
                    'legacy-groups',
                    first,
                    sideWorkMayStart.then(() => enumerateLegacyGroups(session, first, known)),
                  );
              }
            : undefined,
      );
      if (v === 'TLSv1.3') openSideWork();
      if (v === 'TLSv1.2' && scan.picks.length > 0 && !early.has('legacy-groups') && legacyGroupScan([scan]))
        startEarly('legacy-groups', scan, enumerateLegacyGroups(session, scan, known));
      if (v === 'TLSv1.3' && scan.picks.length >= 2 && scan.order === null)
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
  // A reversed offer already showed whose order the server follows, unless it could not tell.
  const knownClientOrder = scans.some((s) => s.order === 'client');
  const legacy = legacyGroupScan(scans);
  const [preference, compression] = await Promise.all([
    knownClientOrder || !preferenceScan
      ? Promise.resolve(null)
      : preferenceScan.order === 'server'
        ? Promise.resolve(true)
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
