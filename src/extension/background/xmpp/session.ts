// One account check: log in silently, read the roster, observe each contact domain's s2s link through
// the user's own server and read each contact's OMEMO device lists (both at once), log out.
import jid from '@xmpp/jid';
import StanzaError from '@xmpp/middleware/lib/StanzaError.js';
import type { Element } from '@xmpp/xml';
import { withDeadline } from '../../../core/deadline.ts';
import { parseJid } from '../../../core/domain.ts';
import { errorText } from '../../../core/error-text.ts';
import type { S2sObservation, SoftwareVersion } from '../../../core/observation.ts';
import type { BoshOptions } from './bosh.ts';
import { mapWithConcurrency } from './concurrency.ts';
import { CheckError } from './errors.ts';
import { toCheckError } from './failures.ts';
import { type LinkWatch, linkWatch } from './link-watch.ts';
import { type AskIq, observeDomains, ownServerSoftware } from './observe.ts';
import {
  answerFromError,
  combineAnswers,
  deviceListQuery,
  devicesInResult,
  type OmemoAnswer,
  type OmemoNode,
} from './omemo.ts';
import { parseRoster, type RosterItem, rosterQuery } from './roster.ts';
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

export interface AccountCheck {
  /** The full JID the server bound for this check. */
  boundJid: string;
  roster: RosterItem[];
  /** Per roster bare JID: publishes OMEMO devices (true), does not (false), unknown (null). */
  omemo: Map<string, OmemoAnswer>;
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

async function omemoOf(
  client: XmppClient,
  contact: string,
  timeoutMs: number,
  linkDown: Promise<void>,
): Promise<OmemoAnswer> {
  const ask = async (node: OmemoNode): Promise<OmemoAnswer> => {
    try {
      return devicesInResult(await client.iqCaller.request(deviceListQuery(contact, node), timeoutMs), node);
    } catch (error) {
      // A stanza error is the contact's server answering; anything else (timeout, lost link) is unknown.
      return error instanceof StanzaError ? answerFromError(error.condition) : null;
    }
  };
  // The user's server cannot reach the contact's domain: stop waiting as soon as the observer knows.
  return Promise.race([
    Promise.all([ask('legacy'), ask('v2')]).then(([legacy, v2]) => combineAnswers(legacy, v2)),
    linkDown.then(() => null),
  ]);
}

function omemoAnswers(
  client: XmppClient,
  contacts: readonly string[],
  links: LinkWatch,
  options: CheckAccountOptions,
  report: (progress: CheckProgress) => void,
  signal: AbortSignal,
): Promise<OmemoAnswer[]> {
  const concurrency = options.omemoConcurrency ?? 8;
  let done = 0;
  report({ phase: 'omemo', done, total: contacts.length });
  return step(
    mapWithConcurrency(contacts, concurrency, async (contact) => {
      const parsed = parseJid(contact);
      const linkDown = parsed.ok ? links.down(parsed.jid.domain) : new Promise<void>(() => {});
      const answer = await omemoOf(client, contact, options.timeoutMs, linkDown);
      done += 1;
      report({ phase: 'omemo', done, total: contacts.length });
      return answer;
    }),
    signal,
    // Each query has its own budget; this bounds the whole batch.
    options.timeoutMs * Math.max(1, Math.ceil(contacts.length / concurrency)),
    'the OMEMO queries',
  );
}

/** The distinct domains of the contacts' JIDs (unparsable JIDs have none). */
export function contactDomains(contacts: readonly string[]): string[] {
  const domains = contacts.flatMap((contact) => {
    const parsed = parseJid(contact);
    return parsed.ok ? [parsed.jid.domain] : [];
  });
  return [...new Set(domains)];
}

export const OBSERVE_BUDGET_MS = 10_000;
export const OBSERVE_CONCURRENCY = 16;

async function observe(
  links: LinkWatch,
  ask: AskIq,
  userDomain: string,
  domains: readonly string[],
  options: CheckAccountOptions,
  signal: AbortSignal,
): Promise<{ observations: Map<string, S2sObservation>; userSoftware: SoftwareVersion | null }> {
  if (options.observe === false) return { observations: new Map(), userSoftware: null };
  const budgetMs = options.observe?.budgetMs ?? OBSERVE_BUDGET_MS;
  const concurrency = options.observe?.concurrency ?? OBSERVE_CONCURRENCY;
  const common = { ask, userDomain, budgetMs, signal };
  const [observations, userSoftware] = await step(
    Promise.all([
      observeDomains({
        ...common,
        domains,
        concurrency,
        now: () => new Date(),
        onObserved: (observation) => links.observed(observation),
      }),
      ownServerSoftware(common),
    ]),
    signal,
    // Each domain has its own budget; this bounds the whole batch.
    budgetMs * Math.max(1, Math.ceil(domains.length / concurrency)) + options.timeoutMs,
    'the observation of the contact domains',
  );
  return { observations, userSoftware };
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
 * reads the roster, asks each contact's PEP for OMEMO device lists and has the user's server reach
 * each distinct contact domain (IQs only, both with bounded concurrency), and logs out. Failures are CheckErrors whose `kind` says what to tell the user.
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
    const query = await step(
      client.iqCaller.get(rosterQuery(), undefined, options.timeoutMs),
      guard.signal,
      options.timeoutMs,
      'the roster query',
    );
    const roster = parseRoster(query);
    phase = 'omemo';
    const contacts = roster.map((item) => item.jid);
    const ask = (stanza: Element, ms: number) => client.iqCaller.request(stanza, ms);
    // The observation runs beside the OMEMO queries: a dead domain costs at most its budget, in parallel.
    const links = linkWatch();
    const [answers, observed] = await Promise.all([
      omemoAnswers(client, contacts, links, options, report, guard.signal),
      observe(links, ask, domain, contactDomains(contacts), options, guard.signal),
    ]);
    const auth = client.auth;
    if (!auth) throw new CheckError('protocol', 'logged in without SASL');
    return {
      boundJid: String(bound ?? client.entity.jid),
      roster,
      omemo: new Map(contacts.map((contact, i) => [contact, answers[i] ?? null])),
      mechanism: auth.mechanism,
      scramKeys: auth.scramKeys,
      transportSecure: transportSecure(options.endpoint),
      observations: observed.observations,
      userSoftware: observed.userSoftware,
    };
  } catch (error) {
    throw toCheckError(error, { phase, endpoint: options.endpoint, domain, connected });
  } finally {
    guard.dispose();
    report({ phase: 'logout' });
    await close(client, options.timeoutMs);
  }
}
