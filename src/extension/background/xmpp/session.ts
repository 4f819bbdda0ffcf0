// One account check: log in silently, read the roster (versioned where offered), observe each contact
// domain's s2s link through the user's own server and refresh the OMEMO device lists that are due (both
// at once, paced under the server's byte rate), log out.
import jid from '@xmpp/jid';
import xml, { type Element } from '@xmpp/xml';
import { withDeadline } from '../../../core/deadline.ts';
import { parseJid } from '../../../core/domain.ts';
import { errorText } from '../../../core/error-text.ts';
import type { S2sObservation, SoftwareVersion } from '../../../core/observation.ts';
import {
  type ByteRate,
  bytesWithin,
  CHECK_SEND_RATE,
  type Pacer,
  pacer,
  pacingAllowanceMs,
  wireBytes,
} from '../byte-rate.ts';
import {
  affordableRefreshes,
  answersOf,
  OMEMO_REFRESH_POLICY,
  type OmemoCache,
  type OmemoCacheEntry,
  type OmemoRefreshPolicy,
  planRefresh,
  updateCache,
} from '../omemo-cache.ts';
import type { BoshOptions } from './bosh.ts';
import { CheckError } from './errors.ts';
import { toCheckError } from './failures.ts';
import { type LinkWatch, linkWatch } from './link-watch.ts';
import { type AskIq, observeDomains, ownServerSoftware } from './observe.ts';
import { freshFacts, type ServerFacts, type ServerFactsCache, updateFacts } from './observe-facts.ts';
import type { OmemoAnswer } from './omemo.ts';
import { type DueContact, queryDeviceLists } from './omemo-round.ts';
import {
  applyRosterPushes,
  offersRosterVersioning,
  type RosterItem,
  type RosterPush,
  readRosterPush,
  readRosterResult,
  rosterQuery,
  type VersionedRoster,
} from './roster.ts';
import type { SaslMechanism } from './sasl.ts';
import type { ScramKeys, ScramSecret } from './scram.ts';
import { plainAllowed, type Transport, transportSecure, validateEndpoint } from './transport-policy.ts';
import { createXmppClient, startClient, type XmppClient } from './xmpp-client.ts';

export interface CheckAccountOptions {
  /** The account, `user@domain` (a resource is ignored). */
  jid: string;
  /** Exactly one of `password` and `scramKeys`. */
  password?: string;
  scramKeys?: ScramKeys;
  /** Only these SASL mechanisms may be picked (default: the strongest SCRAM offered, else PLAIN where safe). */
  saslMechanisms?: readonly SaslMechanism[];
  endpoint: string;
  transport: Transport;
  /** Budget for each network step: login, the roster query, each OMEMO query, logout. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Contacts queried at once for OMEMO (two IQs each). */
  omemoConcurrency?: number;
  /** What earlier checks learnt of OMEMO, and how much of it to ask again; default empty, a day, 150. */
  omemoCache?: OmemoCache;
  omemoPolicy?: OmemoRefreshPolicy;
  /** The roster and version stored by the last check; sent as `ver` where the server offers versioning. */
  storedRoster?: VersionedRoster | null;
  /** Contact domains' identities and versions from earlier checks: disco and version are asked only once a day. */
  serverFacts?: ServerFactsCache;
  /** Byte rate for what the check sends after login; default under ejabberd's default c2s shaper. */
  sendRate?: ByteRate;
  bosh?: Partial<BoshOptions>;
  /**
   * The observer: budget per contact domain (ping, disco, version; long enough for the user's
   * server to set up s2s) and domains observed at once. Default 10 s and 16; `false` observes nothing
   * (a connection test).
   */
  observe?: { budgetMs?: number; concurrency?: number } | false;
  /** Told where the check is, for the popup's progress line. */
  onProgress?: (progress: CheckProgress) => void;
}

export type CheckProgress =
  | { phase: 'login' }
  | { phase: 'roster' }
  | { phase: 'omemo'; done: number; total: number }
  | { phase: 'logout' };

/** What the check cost the user's server, for the benchmark and the tests. */
export interface CheckTraffic {
  /** Stanzas sent after login (IQs only: a silent observer). */
  stanzas: number;
  /** Their bytes as serialised (UTF-8). */
  bytes: number;
  /** `unchanged`: the server confirmed the stored version; `full`: it sent the roster; `unversioned`: it offers no versioning. */
  roster: 'full' | 'unchanged' | 'unversioned';
  /** Roster pushes applied during the check. */
  rosterPushes: number;
  /** Contacts whose device lists were asked, answered from the cache, and stale but left for later checks. */
  omemo: { asked: number; cached: number; deferred: number };
  /** Distinct contact domains observed, and those whose identities and version came from the cache. */
  domains: number;
  factsReused: number;
}

export interface AccountCheck {
  /** The full JID the server bound for this check. */
  boundJid: string;
  roster: RosterItem[];
  /** The roster's version, to store with it for the next check (null: the server keeps none). */
  rosterVersion: string | null;
  /** Per roster bare JID: publishes OMEMO devices (true), does not (false), unknown (null). */
  omemo: Map<string, OmemoAnswer>;
  /** The OMEMO cache after this check, to store for the next one. */
  omemoCache: Map<string, OmemoCacheEntry>;
  /** The contact domains' identities and versions after this check, to store for the next one. */
  serverFacts: Map<string, ServerFacts>;
  traffic: CheckTraffic;
  mechanism: SaslMechanism;
  /** After a SCRAM login: its keys, with their mechanism, salt and iterations ("remember me" stores them). */
  scramKeys: ScramKeys | null;
  /** The extension's own hop was wss:/https:. */
  transportSecure: boolean;
  /** Per distinct contact domain other than the user's own: what the user's server said reaching it. */
  observations: Map<string, S2sObservation>;
  /** XEP-0092 of the user's own server, when it answered. */
  userSoftware: SoftwareVersion | null;
}

interface Account {
  username: string;
  domain: string;
  secret: ScramSecret;
}

function account(options: CheckAccountOptions): Account {
  let address: ReturnType<typeof jid>;
  try {
    address = jid(options.jid);
  } catch (error) {
    throw new CheckError('invalid-input', `not a JID: ${JSON.stringify(options.jid)} (${errorText(error)})`);
  }
  if (!address.local || address.domain.includes('@')) {
    throw new CheckError(
      'invalid-input',
      `the account must be user@domain, got ${JSON.stringify(options.jid)}`,
    );
  }
  const hasPassword = typeof options.password === 'string';
  if (hasPassword === (options.scramKeys !== undefined)) {
    throw new CheckError('invalid-input', 'give exactly one of password and scramKeys');
  }
  const secret: ScramSecret = hasPassword
    ? { password: options.password as string }
    : { keys: options.scramKeys as ScramKeys };
  return { username: address.local, domain: address.domain, secret };
}

/** Random and naming no product (DESIGN §5): the resource is visible to the user's other clients. */
export function randomResource(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A signal that aborts when the caller aborts or the connection fails, so that every step stops at
 * once instead of waiting for its own deadline; its reason is the CheckError to report.
 */
function watchdog(
  client: XmppClient,
  signal: AbortSignal | undefined,
): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const fail = (reason: unknown) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  const onAbort = () => fail(new CheckError('aborted', 'the account check was cancelled'));
  const onError = (error: unknown) => fail(error);
  const onDisconnect = () =>
    fail(new CheckError('protocol', 'the server closed the connection during the check'));
  signal?.addEventListener('abort', onAbort, { once: true });
  client.entity.on('error', onError);
  client.entity.on('disconnect', onDisconnect);
  return {
    signal: controller.signal,
    dispose() {
      signal?.removeEventListener('abort', onAbort);
      client.entity.off('disconnect', onDisconnect);
      // Errors while closing are expected and ignored; keep a listener so none is unhandled.
      client.entity.off('error', onError);
      client.entity.on('error', () => {});
    },
  };
}

function step<T>(work: Promise<T>, signal: AbortSignal, ms: number, what: string): Promise<T> {
  return withDeadline(work, {
    ms,
    what,
    signal,
    onTimeout: () => new CheckError('timeout', `${what} took longer than ${ms} ms`),
  });
}

interface OmemoPlan {
  cache: OmemoCache;
  policy: OmemoRefreshPolicy;
  due: DueContact[];
  traffic: CheckTraffic['omemo'];
}

/** Which contacts' device lists this check asks; the rest come from the cache. */
function planOmemo(
  roster: readonly RosterItem[],
  domains: readonly string[],
  options: CheckAccountOptions,
): OmemoPlan {
  const cache = options.omemoCache ?? new Map();
  const policy = options.omemoPolicy ?? OMEMO_REFRESH_POLICY;
  // Domains with fresh identities and version cost a ping; the others ping, disco and version.
  const facts = options.serverFacts ?? new Map();
  const queries =
    options.observe === false
      ? 0
      : domains.reduce((n, d) => n + (freshFacts(facts, d, Date.now()) ? 1 : 3), 1);
  const affordable = affordableRefreshes({
    budgetBytes: bytesWithin(CHECK_SEND_BUDGET_MS, options.sendRate ?? CHECK_SEND_RATE),
    observationBytes: queries * TYPICAL_OBSERVE_QUERY_BYTES,
    bytesPerContact: 2 * TYPICAL_OMEMO_QUERY_BYTES,
  });
  const plan = planRefresh(
    cache,
    roster.map((item) => item.jid),
    Date.now(),
    { ...policy, maxPerCheck: Math.min(policy.maxPerCheck, affordable) },
  );
  const byJid = new Map(roster.map((item) => [item.jid, item]));
  const due = plan.due.map((contact) => {
    const parsed = parseJid(contact);
    const subscription = byJid.get(contact)?.subscription;
    return {
      jid: contact,
      domain: parsed.ok ? parsed.jid.domain : null,
      sharesPresence: subscription === 'to' || subscription === 'both',
    };
  });
  return { cache, policy, due, traffic: { asked: due.length, cached: plan.cached, deferred: plan.deferred } };
}

async function omemoAnswers(
  client: XmppClient,
  contacts: readonly string[],
  plan: OmemoPlan,
  links: LinkWatch,
  pace: (stanza: Element) => Promise<void>,
  options: CheckAccountOptions,
  pacingMs: number,
  report: (progress: CheckProgress) => void,
  signal: AbortSignal,
): Promise<{ answers: Map<string, OmemoAnswer>; cache: Map<string, OmemoCacheEntry> }> {
  const concurrency = options.omemoConcurrency ?? 8;
  const fresh = await step(
    queryDeviceLists(
      {
        pace,
        request: (stanza, ms) => client.iqCaller.request(stanza, ms),
        linkDown: (domain) => links.down(domain),
        timeoutMs: options.timeoutMs,
        concurrency,
        onAnswered: (done, total) => report({ phase: 'omemo', done, total }),
      },
      plan.due,
    ),
    signal,
    // Each query has its own budget once sent; this bounds the whole batch, pacing included.
    options.timeoutMs * Math.max(1, Math.ceil(plan.due.length / concurrency)) + pacingMs,
    'the OMEMO queries',
  );
  const now = Date.now();
  const cache = updateCache(plan.cache, contacts, fresh, now);
  return { answers: answersOf(cache, contacts, now, plan.policy), cache };
}

/**
 * The roster: with versioning, the stored version is sent and an empty answer keeps the stored roster
 * (RFC 6121 §2.6); without, the whole roster every time.
 */
async function readRoster(
  client: XmppClient,
  versioned: boolean,
  options: CheckAccountOptions,
  signal: AbortSignal,
): Promise<{ roster: VersionedRoster; how: CheckTraffic['roster'] }> {
  const stored = versioned ? (options.storedRoster ?? null) : null;
  const iq = await step(
    client.iqCaller.request(
      xml('iq', { type: 'get' }, rosterQuery(versioned ? (stored?.version ?? '') : undefined)),
      options.timeoutMs,
    ),
    signal,
    options.timeoutMs,
    'the roster query',
  );
  const result = readRosterResult(iq);
  if (result !== 'unchanged') return { roster: result, how: versioned ? 'full' : 'unversioned' };
  if (!stored)
    throw new CheckError('protocol', 'the server said the roster is unchanged, but none was stored');
  return { roster: stored, how: 'unchanged' };
}

/** Counts what the check sends once logged in. */
function countSent(client: XmppClient): { traffic: { stanzas: number; bytes: number }; stop(): void } {
  const traffic = { stanzas: 0, bytes: 0 };
  const onSend = (element: Element) => {
    traffic.stanzas += 1;
    traffic.bytes += wireBytes(element.toString());
  };
  client.entity.on('send', onSend);
  return { traffic, stop: () => client.entity.off('send', onSend) };
}

/** Generous sizes of one query, for the batches' time bounds only. */
const OMEMO_QUERY_BYTES = 320;
const OBSERVE_QUERY_BYTES = 240;
/** Sizes measured in the lab (check-cost test: 210 and 117 bytes on average), to share out the budget. */
const TYPICAL_OMEMO_QUERY_BYTES = 215;
const TYPICAL_OBSERVE_QUERY_BYTES = 120;
/**
 * What a check may send, in time at the send rate (burst included): the cold check under a
 * minute leaves 50 s of sending; the rest of the OMEMO refreshes wait for the next check.
 */
const CHECK_SEND_BUDGET_MS = 50_000;

/** The distinct domains of the contacts' JIDs (unparsable JIDs have none). */
export function contactDomains(contacts: readonly string[]): string[] {
  const domains = contacts.flatMap((contact) => {
    const parsed = parseJid(contact);
    return parsed.ok ? [parsed.jid.domain] : [];
  });
  return [...new Set(domains)];
}

const NS_STREAMS = 'http://etherx.jabber.org/streams';

export const OBSERVE_BUDGET_MS = 10_000;
export const OBSERVE_CONCURRENCY = 16;

async function observe(
  links: LinkWatch,
  ask: AskIq,
  pace: (stanza: Element) => Promise<void>,
  userDomain: string,
  domains: readonly string[],
  options: CheckAccountOptions,
  pacingMs: number,
  signal: AbortSignal,
): Promise<{
  observations: Map<string, S2sObservation>;
  userSoftware: SoftwareVersion | null;
  facts: Map<string, ServerFacts>;
  reused: number;
}> {
  if (options.observe === false)
    return {
      observations: new Map(),
      userSoftware: null,
      facts: new Map(options.serverFacts ?? []),
      reused: 0,
    };
  const factsBefore = options.serverFacts ?? new Map<string, ServerFacts>();
  const reused = new Set<string>();
  const known = (domain: string) => {
    const facts = freshFacts(factsBefore, domain, Date.now());
    if (facts) reused.add(domain);
    return facts;
  };
  const budgetMs = options.observe?.budgetMs ?? OBSERVE_BUDGET_MS;
  const concurrency = options.observe?.concurrency ?? OBSERVE_CONCURRENCY;
  const common = { ask, userDomain, budgetMs, signal, pace };
  const [observations, userSoftware] = await step(
    Promise.all([
      observeDomains({
        ...common,
        domains,
        concurrency,
        now: () => new Date(),
        onObserved: (observation) => links.observed(observation),
        known,
      }),
      ownServerSoftware(common),
    ]),
    signal,
    // Each domain has its own budget once its queries are sent; this bounds the whole batch, pacing included.
    budgetMs * Math.max(1, Math.ceil(domains.length / concurrency)) + options.timeoutMs + pacingMs,
    'the observation of the contact domains',
  );
  return {
    observations,
    userSoftware,
    facts: updateFacts(factsBefore, observations.values(), reused, Date.now()),
    reused: reused.size,
  };
}

/** Clean logout within the budget; a session that will not close is dropped. */
async function close(client: XmppClient, timeoutMs: number): Promise<void> {
  const { entity } = client;
  if (entity.status === 'offline') return;
  await withDeadline(entity.stop(), { ms: timeoutMs, what: 'logging out' }).catch(() => {});
  if (entity.status !== 'offline') {
    try {
      entity.socket?.end();
    } catch {}
  }
}

/**
 * Logs in (the strongest SCRAM offered; PLAIN only over wss:/https: or to loopback), never sends presence,
 * reads the roster (versioned where offered, applying pushes), asks the PEP of the contacts whose
 * OMEMO answer is due and has the user's server reach each distinct contact domain (IQs only, bounded
 * concurrency, paced under a byte rate), and logs out. Failures are CheckErrors whose `kind` says what to tell the user.
 */
export async function checkAccount(options: CheckAccountOptions): Promise<AccountCheck> {
  const { username, domain, secret } = account(options);
  validateEndpoint(options.endpoint, options.transport);
  if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
    throw new CheckError('invalid-input', `timeoutMs must be a positive number, got ${options.timeoutMs}`);
  }
  if (options.signal?.aborted) throw new CheckError('aborted', 'the account check was cancelled');

  const client = createXmppClient({
    service: options.endpoint,
    domain,
    username,
    secret,
    resource: randomResource(),
    timeoutMs: options.timeoutMs,
    plainAllowed: plainAllowed(options.endpoint),
    ...(options.saslMechanisms ? { saslMechanisms: options.saslMechanisms } : {}),
    ...(options.bosh ? { bosh: options.bosh } : {}),
  });
  const guard = watchdog(client, options.signal);
  let connected = false;
  client.entity.once('connect', () => {
    connected = true;
  });
  const report = (progress: CheckProgress) => {
    try {
      options.onProgress?.(progress);
    } catch {}
  };
  let phase: 'login' | 'roster' | 'omemo' = 'login';
  // The last stream features (after binding) say whether the server versions rosters.
  let versioned = false;
  client.entity.on('element', (element: Element) => {
    if (element.is('features', NS_STREAMS)) versioned = offersRosterVersioning(element);
  });
  try {
    report({ phase });
    const bound = await step(
      startClient(client.entity),
      guard.signal,
      options.timeoutMs,
      `logging in at ${options.endpoint}`,
    );
    phase = 'roster';
    report({ phase });
    const sent = countSent(client);
    const pushes: RosterPush[] = [];
    const onStanza = (stanza: Element) => {
      const push = readRosterPush(stanza, `${username}@${domain}`);
      if (push) pushes.push(push);
    };
    // Pushes are acknowledged by the client's iq callee (RFC 6121 §2.1.6); here they are applied.
    client.entity.on('stanza', onStanza);
    const read = await readRoster(client, versioned, options, guard.signal);
    phase = 'omemo';
    const contacts = read.roster.items.map((item) => item.jid);
    const domains = contactDomains(contacts);
    const plan = planOmemo(
      read.roster.items,
      domains.filter((d) => d !== domain.toLowerCase()),
      options,
    );
    const rate = options.sendRate ?? CHECK_SEND_RATE;
    const bucket: Pacer = pacer(rate);
    const pace = async (stanza: Element) => {
      // The id is set here so that the bytes counted are the bytes sent.
      stanza.attrs.id ??= randomResource();
      await bucket.wait(wireBytes(stanza.toString()), guard.signal);
    };
    // The OMEMO queries wait behind the observation's in the same bucket, and the other way round.
    const pacingMs = pacingAllowanceMs(
      plan.due.length * 2 * OMEMO_QUERY_BYTES + (domains.length * 3 + 1) * OBSERVE_QUERY_BYTES,
      rate,
    );
    const ask = (stanza: Element, ms: number) => client.iqCaller.request(stanza, ms);
    // The observation runs beside the OMEMO queries: a dead domain costs at most its budget, in parallel.
    const links = linkWatch();
    const [omemo, observed] = await Promise.all([
      omemoAnswers(client, contacts, plan, links, pace, options, pacingMs, report, guard.signal),
      observe(links, ask, pace, domain, domains, options, pacingMs, guard.signal),
    ]);
    client.entity.off('stanza', onStanza);
    sent.stop();
    // Pushes that came during the check: the stored roster is the server's latest.
    const roster = applyRosterPushes(read.roster, pushes);
    const auth = client.auth;
    if (!auth) throw new CheckError('protocol', 'logged in without SASL');
    return {
      boundJid: String(bound ?? client.entity.jid),
      roster: roster.items,
      rosterVersion: roster.version,
      omemo: new Map(roster.items.map((item) => [item.jid, omemo.answers.get(item.jid) ?? null])),
      omemoCache: omemo.cache,
      serverFacts: observed.facts,
      mechanism: auth.mechanism,
      scramKeys: auth.scramKeys,
      transportSecure: transportSecure(options.endpoint),
      observations: observed.observations,
      userSoftware: observed.userSoftware,
      traffic: {
        ...sent.traffic,
        roster: read.how,
        rosterPushes: pushes.length,
        omemo: plan.traffic,
        domains: observed.observations.size,
        factsReused: observed.reused,
      },
    };
  } catch (error) {
    throw toCheckError(error, { phase, endpoint: options.endpoint, domain, connected });
  } finally {
    guard.dispose();
    report({ phase: 'logout' });
    await close(client, options.timeoutMs);
  }
}
