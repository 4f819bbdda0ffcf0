// Log in to a lab server from Node with @xmpp/client and exchange stanzas, for integration tests.
// Connects by address (no lab DNS needed) and names the domain in the stream header.

import { readFileSync } from 'node:fs';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { client, xml } from '@xmpp/client';
import type { Element } from 'ltx';
import type { LabState } from '../../lab/state.ts';
import { errorText } from '../../src/core/error-text.ts';

export const ROSTER_NS = 'jabber:iq:roster';
const STANZA_ERROR_NS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

/**
 * xmpp.js gives STARTTLS no TLS options, so the lab's trust anchors go into Node's default CA list:
 * the lab CA and every self-signed lab certificate (trusted as itself). Process-wide, for tests only.
 */
export function trustLabCertificates(state: LabState): void {
  const extra = [state.caFile, ...Object.values(state.domains).map((d) => d.certFile)]
    .filter((f): f is string => f !== null)
    .map((f) => readFileSync(f, 'utf8'));
  const current = getCACertificates('default');
  setDefaultCACertificates([...current, ...extra.filter((pem) => !current.includes(pem))]);
}

export interface RosterItem {
  jid: string;
  name: string | null;
  subscription: string;
  groups: string[];
}

export interface StanzaError {
  type: string;
  /** The defined condition, e.g. `remote-server-not-found`. */
  condition: string;
  text: string | null;
}

export interface LoginOptions {
  /** Defaults to the password in the lab state. */
  password?: string;
  /** Send available presence, so messages are routed to this session (default true). */
  available?: boolean;
  resource?: string;
  /** Use the domain's WebSocket endpoint instead of TCP. */
  transport?: 'tcp' | 'websocket';
}

interface RawClient {
  status: string;
  on(event: 'stanza', fn: (el: Element) => void): void;
  on(event: 'error', fn: (err: Error) => void): void;
  start(): Promise<unknown>;
  stop(): Promise<unknown>;
  send(el: Element): Promise<void>;
  socket: { secure?: boolean; socket?: unknown } | null;
  iqCaller: {
    request(el: Element, timeout?: number): Promise<Element>;
  };
  reconnect: { stop(): void };
}

type Waiter = { match: (el: Element) => boolean; resolve: (el: Element) => void };

/** A logged-in XMPP session that records every stanza it receives. */
export class XmppSession {
  readonly jid: string;
  readonly received: Element[] = [];
  readonly errors: Error[] = [];
  readonly #client: RawClient;
  #waiters: Waiter[] = [];

  constructor(jid: string, raw: RawClient) {
    this.jid = jid;
    this.#client = raw;
    raw.on('stanza', (el) => {
      this.received.push(el);
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.match(el)) return true;
        w.resolve(el);
        return false;
      });
    });
    raw.on('error', (err) => this.errors.push(err));
  }

  /** True when the stream runs over TLS. */
  get secure(): boolean {
    return this.#client.socket?.secure === true;
  }

  send(el: Element): Promise<void> {
    return this.#client.send(el);
  }

  sendMessage(to: string, body: string, id = `m-${Math.random().toString(36).slice(2)}`): Promise<string> {
    return this.send(
      xml('message', { to, type: 'chat', id }, xml('body', {}, body)) as unknown as Element,
    ).then(() => id);
  }

  /** The first stanza (already received or arriving within `timeoutMs`) that matches. */
  waitFor(match: (el: Element) => boolean, what: string, timeoutMs = 20_000): Promise<Element> {
    const seen = this.received.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (el) => {
          clearTimeout(timer);
          resolve(el);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new Error(`${this.jid}: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  /** A chat message with this body from `from` (bare JID). */
  waitForMessage(from: string, body: string, timeoutMs?: number): Promise<Element> {
    return this.waitFor(
      (el) =>
        el.name === 'message' &&
        el.attrs.type !== 'error' &&
        bareJid(el.attrs.from ?? '') === from &&
        el.getChildText('body') === body,
      `message "${body}" from ${from}`,
      timeoutMs,
    );
  }

  /** The error bounced for the stanza with this id. */
  async waitForError(id: string, timeoutMs?: number): Promise<StanzaError> {
    const el = await this.waitFor(
      (e) => e.attrs.type === 'error' && e.attrs.id === id,
      `error for ${id}`,
      timeoutMs,
    );
    return stanzaError(el)!;
  }

  async getRoster(): Promise<RosterItem[]> {
    const res = await this.#client.iqCaller.request(
      xml('iq', { type: 'get' }, xml('query', { xmlns: ROSTER_NS })) as unknown as Element,
    );
    return parseRoster(res);
  }

  /** Adds or updates one roster item (RFC 6121 roster set). */
  async setRosterItem(item: { jid: string; name?: string; groups?: string[] }): Promise<void> {
    const attrs: Record<string, string> = { jid: item.jid };
    if (item.name !== undefined) attrs.name = item.name;
    const groups = (item.groups ?? []).map((g) => xml('group', {}, g));
    await this.#client.iqCaller.request(
      xml(
        'iq',
        { type: 'set' },
        xml('query', { xmlns: ROSTER_NS }, xml('item', attrs, ...groups)),
      ) as unknown as Element,
    );
  }

  /** Removes one roster item (RFC 6121 §2.5). */
  async removeRosterItem(jid: string): Promise<void> {
    await this.#client.iqCaller.request(
      xml(
        'iq',
        { type: 'set' },
        xml('query', { xmlns: ROSTER_NS }, xml('item', { jid, subscription: 'remove' })),
      ) as unknown as Element,
    );
  }

  async close(): Promise<void> {
    this.#client.reconnect.stop();
    if (this.#client.status !== 'offline') await this.#client.stop().catch(() => undefined);
  }
}

export function bareJid(jid: string): string {
  const slash = jid.indexOf('/');
  return slash === -1 ? jid : jid.slice(0, slash);
}

/** The items of a roster result IQ. */
export function parseRoster(iq: Element): RosterItem[] {
  const query = iq.getChild('query', ROSTER_NS);
  if (!query) throw new Error(`roster: answer has no ${ROSTER_NS} query: ${iq.toString()}`);
  return query.getChildren('item').map((item) => ({
    jid: item.attrs.jid as string,
    name: (item.attrs.name as string | undefined) ?? null,
    subscription: (item.attrs.subscription as string | undefined) ?? 'none',
    groups: item.getChildren('group').map((g) => g.getText()),
  }));
}

/** The RFC 6120 error of an error stanza, or null when it is not one. */
export function stanzaError(el: Element): StanzaError | null {
  if (el.attrs.type !== 'error') return null;
  const error = el.getChild('error');
  if (!error) return { type: 'unknown', condition: 'undefined-condition', text: null };
  const condition = error.children.find(
    (c): c is Element => typeof c !== 'string' && c.attrs.xmlns === STANZA_ERROR_NS && c.name !== 'text',
  );
  return {
    type: (error.attrs.type as string | undefined) ?? 'unknown',
    condition: condition?.name ?? 'undefined-condition',
    text: error.getChildText('text', STANZA_ERROR_NS),
  };
}

/** Logs `jid` in to its lab server. Rejects with the server's reason on failure. */
export async function login(state: LabState, jid: string, options: LoginOptions = {}): Promise<XmppSession> {
  const at = jid.indexOf('@');
  if (at < 1) throw new Error(`login: "${jid}" is not a bare JID (user@domain)`);
  const [username, domain] = [jid.slice(0, at), jid.slice(at + 1)];
  const lab = state.domains[domain];
  if (!lab)
    throw new Error(`login: ${domain} is not a lab domain (${Object.keys(state.domains).join(', ')})`);
  const password = options.password ?? lab.users.find((u) => u.jid === jid)?.password;
  if (password === undefined) throw new Error(`login: no password known for ${jid}`);
  let service = `xmpp://${lab.address}:${lab.c2sPort}`;
  if (options.transport === 'websocket') {
    if (!lab.websocketUrl) throw new Error(`login: ${domain} has no WebSocket endpoint`);
    service = lab.websocketUrl;
  }
  const raw = client({
    service,
    domain,
    username,
    password,
    resource: options.resource ?? `test-${Math.random().toString(36).slice(2, 8)}`,
    // xmpp.js gives each step (stream open, STARTTLS, SASL) 2 s by default; logins to ejabberd, or on a
    // loaded machine, overran it here with an empty TimeoutError.
    timeout: 10_000,
  }) as unknown as RawClient;
  // A test wants one attempt and its error, not xmpp.js' endless reconnect loop.
  raw.reconnect.stop();
  const session = new XmppSession(jid, raw);
  try {
    await raw.start();
  } catch (err) {
    await session.close();
    const why = errorText(err);
    throw new Error(`login ${jid} via ${service} failed: ${why}`);
  }
  if (options.available !== false) await raw.send(xml('presence') as unknown as Element);
  return session;
}

/** Sends an IQ from a test session and waits for its result; an error answer throws. */
export async function sendIq(session: XmppSession, type: 'get' | 'set', child: unknown): Promise<Element> {
  const id = `t-${Math.random().toString(36).slice(2)}`;
  await session.send(xml('iq', { type, id }, child as never) as unknown as Element);
  const answer = await session.waitFor((el) => el.name === 'iq' && el.attrs.id === id, `answer to ${id}`);
  if (answer.attrs.type !== 'result') throw new Error(`IQ ${id} failed: ${answer.toString()}`);
  return answer;
}
