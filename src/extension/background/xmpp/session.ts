// One account check: log in silently, read the roster and each contact's OMEMO device lists, log out.
import jid from '@xmpp/jid';
import StanzaError from '@xmpp/middleware/lib/StanzaError.js';
import type { BoshOptions } from './bosh.ts';
import { mapWithConcurrency } from './concurrency.ts';
import { CheckError } from './errors.ts';
import { toCheckError } from './failures.ts';
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
  endpoint: string;
  transport: Transport;
  /** Budget for each network step: login, the roster query, each OMEMO query, logout. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Contacts queried at once for OMEMO (two IQs each). */
  omemoConcurrency?: number;
  bosh?: Partial<BoshOptions>;
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
  /** After a SCRAM login from a password: keys to store instead of it ("remember me"). */
  scramKeys: ScramKeys | null;
  /** The extension's own hop was wss:/https:. */
  transportSecure: boolean;
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
    throw new CheckError(
      'invalid-input',
      `not a JID: ${JSON.stringify(options.jid)} (${(error as Error).message})`,
    );
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

function randomResource(): string {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return `hoplight-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Rejects when the caller aborts or the connection fails, so that every step can be raced against it
 * instead of waiting for its own timeout.
 */
function watchdog(
  client: XmppClient,
  signal: AbortSignal | undefined,
): { failed: Promise<never>; dispose(): void } {
  let reject: (error: unknown) => void = () => {};
  const failed = new Promise<never>((_, r) => {
    reject = r;
  });
  failed.catch(() => {});
  const onAbort = () => reject(new CheckError('aborted', 'the account check was cancelled'));
  const onError = (error: unknown) => reject(error);
  const onDisconnect = () =>
    reject(new CheckError('protocol', 'the server closed the connection during the check'));
  signal?.addEventListener('abort', onAbort, { once: true });
  client.entity.on('error', onError);
  client.entity.on('disconnect', onDisconnect);
  return {
    failed,
    dispose() {
      signal?.removeEventListener('abort', onAbort);
      client.entity.off('disconnect', onDisconnect);
      // Errors while closing are expected and ignored; keep a listener so none is unhandled.
      client.entity.off('error', onError);
      client.entity.on('error', () => {});
    },
  };
}

function step<T>(work: Promise<T>, failed: Promise<never>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new CheckError('timeout', `${what} took longer than ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  return Promise.race([work, failed, timeout]).finally(() => clearTimeout(timer));
}

async function omemoOf(client: XmppClient, contact: string, timeoutMs: number): Promise<OmemoAnswer> {
  const ask = async (node: OmemoNode): Promise<OmemoAnswer> => {
    try {
      return devicesInResult(await client.iqCaller.request(deviceListQuery(contact, node), timeoutMs), node);
    } catch (error) {
      // A stanza error is the contact's server answering; anything else (timeout, lost link) is unknown.
      return error instanceof StanzaError ? answerFromError(error.condition) : null;
    }
  };
  const [legacy, v2] = await Promise.all([ask('legacy'), ask('v2')]);
  return combineAnswers(legacy, v2);
}

/** Clean logout within the budget; a session that will not close is dropped. */
async function close(client: XmppClient, timeoutMs: number): Promise<void> {
  const { entity } = client;
  if (entity.status === 'offline') return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = entity.stop().catch(() => {});
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  await Promise.race([stop, late]);
  clearTimeout(timer);
  if (entity.status !== 'offline') {
    try {
      entity.socket?.end();
    } catch {}
  }
}

/**
 * Logs in (SCRAM-SHA-1 preferred; PLAIN only over wss:/https: or to loopback), never sends presence,
 * reads the roster, asks each contact's PEP for OMEMO device lists with bounded concurrency, and
 * logs out. Failures are CheckErrors whose `kind` says what to tell the user.
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
      guard.failed,
      options.timeoutMs,
      `logging in at ${options.endpoint}`,
    );
    phase = 'roster';
    report({ phase });
    const query = await step(
      client.iqCaller.get(rosterQuery(), undefined, options.timeoutMs),
      guard.failed,
      options.timeoutMs,
      'the roster query',
    );
    const roster = parseRoster(query);
    phase = 'omemo';
    const contacts = roster.map((item) => item.jid);
    const concurrency = options.omemoConcurrency ?? 8;
    let done = 0;
    report({ phase, done, total: contacts.length });
    const answers = await step(
      mapWithConcurrency(contacts, concurrency, async (contact) => {
        const answer = await omemoOf(client, contact, options.timeoutMs);
        done += 1;
        report({ phase: 'omemo', done, total: contacts.length });
        return answer;
      }),
      guard.failed,
      // Each query has its own budget; this bounds the whole batch.
      options.timeoutMs * Math.max(1, Math.ceil(contacts.length / concurrency)),
      'the OMEMO queries',
    );
    const auth = client.auth;
    if (!auth) throw new CheckError('protocol', 'logged in without SASL');
    return {
      boundJid: String(bound ?? client.entity.jid),
      roster,
      omemo: new Map(contacts.map((contact, i) => [contact, answers[i] ?? null])),
      mechanism: auth.mechanism,
      scramKeys: auth.scramKeys,
      transportSecure: transportSecure(options.endpoint),
    };
  } catch (error) {
    throw toCheckError(error, { phase, endpoint: options.endpoint, domain, connected });
  } finally {
    guard.dispose();
    report({ phase: 'logout' });
    await close(client, options.timeoutMs);
  }
}
