// BOSH (XEP-0124 / XEP-0206) as an xmpp.js transport, shaped like @xmpp/websocket: a Connection
// subclass with socketParameters/header/footer, a Socket-like class and a Parser. Hand-written because
// xmpp.js dropped BOSH in 2017. Only `fetch`, so it runs in a service worker and in Node.
//
// xmpp.js writes RFC 7395 framing (`<open/>`, `<close/>`, stanzas one per write) to our socket; the
// socket turns those into BOSH requests and hands back the same framing, so FramedParser reads it.
//
// One request is in flight at a time, carrying every stanza pending when it leaves; the next leaves
// when it returns, with the next rid. Two requests sent at once can reach the server out of rid order
// on two HTTP connections, and ejabberd 23.01 does not put them back in order: it hangs the session.
// An empty poll is sent only while the server owes us an answer, so a stanza never waits behind a poll
// the server would hold for `wait` seconds with nothing to say.

import type { SocketLike } from '@xmpp/connection';
import Connection from '@xmpp/connection';
import { EventEmitter } from '@xmpp/events';
import FramedParser from '@xmpp/websocket/lib/FramedParser.js';
import xml, { type Element } from '@xmpp/xml';
import { parse } from 'ltx';
import { withDeadline } from '../../../core/deadline.ts';
import { errorText } from '../../../core/error-text.ts';
import {
  BoshProtocolError,
  type BoshSession,
  classifyOutgoing,
  closeFrame,
  createSessionBody,
  initialRid,
  NS_CLIENT,
  NS_FRAMING,
  openFrame,
  type ParsedBody,
  parseBody,
  payloadBody,
  restartBody,
  sessionFromBody,
  terminateBody,
} from './bosh-body.ts';

/** What went wrong with the BOSH session, so callers can tell "nobody there" from "server said no". */
export type BoshErrorKind = 'network' | 'http' | 'timeout' | 'terminate' | 'protocol';

export class BoshError extends Error {
  readonly kind: BoshErrorKind;
  /** XEP-0124 §17 condition of a `terminate` body, e.g. `host-unknown`, `item-not-found`. */
  readonly condition: string | null;
  readonly status: number | null;
  constructor(
    kind: BoshErrorKind,
    message: string,
    extra: { condition?: string; status?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: extra.cause });
    this.name = 'BoshError';
    this.kind = kind;
    this.condition = extra.condition ?? null;
    this.status = extra.status ?? null;
    // xmpp.js reads `code`/`errno` on transport errors; keep the same habit.
    (this as { code?: string }).code = kind === 'network' ? 'ECONNERROR' : `BOSH_${kind.toUpperCase()}`;
  }
}

/** Tunables; the defaults suit a short check (and a service worker's 30 s idle limit). */
export interface BoshOptions {
  /** Seconds the server may hold a poll (XEP-0124 `wait`). */
  wait: number;
  /** Requests the server may hold (XEP-0124 `hold`). */
  hold: number;
  /** Extra time on top of `wait` before a request counts as lost, in ms. */
  marginMs: number;
  fetch: typeof fetch;
}

export const defaultBoshOptions: BoshOptions = {
  wait: 20,
  hold: 1,
  marginMs: 10_000,
  fetch: (...args) => globalThis.fetch(...args),
};

const CONDITION_TEXT: Record<string, string> = {
  'bad-request': 'the connection manager found the request malformed',
  'host-gone': 'the XMPP domain is no longer served there',
  'host-unknown': 'the connection manager does not serve this XMPP domain',
  'improper-addressing': 'the request lacked a `to` or `route`',
  'internal-server-error': 'the connection manager failed internally',
  'item-not-found': 'the BOSH session (sid) or request id (rid) is unknown or no longer valid',
  'other-request': 'another request with the same rid was answered instead',
  'policy-violation':
    'the request broke the connection manager’s policy (too many requests or too long a wait)',
  'remote-connection-failed': 'the connection manager could not reach the XMPP server',
  'remote-stream-error': 'the XMPP server sent a stream error',
  'see-other-uri': 'the connection manager asks to use another URL',
  'system-shutdown': 'the connection manager is shutting down',
  'undefined-condition': 'the connection manager ended the session for an unstated reason',
};

/** How long a terminate waits behind a request that has just left. */
const TERMINATE_GAP_MS = 100;

export function isSecureEndpoint(url: string): boolean {
  return new URL(url).protocol === 'https:';
}

interface PendingResponse {
  kind: 'create' | 'restart' | 'data' | 'terminate';
  body: ParsedBody;
}

/**
 * The socket xmpp.js drives: `connect(url)`, `write(data, cb)`, `end()`; it emits `connect`, `data`,
 * `error` and `close` like @xmpp/websocket's Socket.
 */
export class BoshSocket extends EventEmitter implements SocketLike {
  secure = false;
  url: string | null = null;
  readonly options: BoshOptions;

  #session: BoshSession | null = null;
  #to = '';
  #lang: string | undefined;
  #nextRid = 0;
  /** The lowest rid whose response has not been handed on yet: responses go on in rid order. */
  #nextToDeliver = 0;
  #arrived = new Map<number, PendingResponse>();
  #inflight = new Map<number, AbortController>();
  #queue: string[] = [];
  /** Ids of our iq get/set not yet answered: the server owes us their results. */
  #unansweredIqs = new Set<string>();
  /** We sent something the server answers (session creation, restart, a payload) and no payload came back since. */
  #answerDue = false;
  #pumpScheduled = false;
  #lastSentAt = Number.NEGATIVE_INFINITY;
  #restartPending = false;
  #creating = false;
  #terminating = false;
  #closed = false;
  #streamEnded = false;
  #pollTimer: ReturnType<typeof setTimeout> | null = null;
  /** One chain for everything we hand to the parser, so a synthetic `<open/>` cannot overtake data. */
  #delivery: Promise<void> = Promise.resolve();

  constructor(options: Partial<BoshOptions> = {}) {
    super();
    this.options = { ...defaultBoshOptions, ...options };
  }

  get session(): BoshSession | null {
    return this.#session;
  }

  get requestsInFlight(): number {
    return this.#inflight.size;
  }

  connect(url: string): void {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new BoshError('protocol', `not a BOSH URL: ${JSON.stringify(url)}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new BoshError('protocol', `a BOSH endpoint is http: or https:, not ${parsed.protocol}`);
    }
    this.url = url;
    this.secure = parsed.protocol === 'https:';
    // BOSH has no connection to open: the session starts with the stream header, in write().
    queueMicrotask(() => this.emit('connect'));
  }

  write(data: string, callback?: (error?: Error) => void): void {
    let error: Error | undefined;
    try {
      this.#write(data);
    } catch (caught) {
      error = caught as Error;
    }
    if (callback) queueMicrotask(() => callback(error));
  }

  /** Ends the session (terminate when still open) and stops every request. */
  end(): void {
    if (this.#closed) return;
    if (this.#session && !this.#terminating) {
      this.#terminating = true;
      const rid = this.#takeRid();
      const body = terminateBody({ rid, sid: this.#session.sid });
      // Best effort and not tracked, so closing below does not abort it: the answer does not matter.
      this.#afterLastSend(() =>
        this.#post(rid, body, 'terminate', this.options.marginMs, false).catch(() => {}),
      );
    }
    this.#finish(false);
  }

  #write(data: string): void {
    if (this.#closed) throw new BoshError('protocol', 'the BOSH session is closed');
    const frame = classifyOutgoing(data);
    if (frame.kind === 'open') {
      this.#to = frame.to;
      this.#lang = frame.lang;
      if (this.#session) {
        this.#restartPending = true;
        this.#emitOpen();
      } else {
        this.#createSession(frame.from);
      }
    } else if (frame.kind === 'close') {
      this.#terminate();
      return;
    } else {
      this.#queue.push(frame.data);
      const iq = iqRequestId(frame.data);
      if (iq !== null) this.#unansweredIqs.add(iq);
    }
    this.#schedulePump();
  }

  #takeRid(): number {
    if (this.#nextRid === 0) {
      this.#nextRid = initialRid();
      this.#nextToDeliver = this.#nextRid;
    }
    const rid = this.#nextRid;
    this.#nextRid += 1;
    return rid;
  }

  #createSession(from: string | undefined): void {
    if (this.#creating) throw new BoshError('protocol', 'a BOSH session is already being created');
    this.#creating = true;
    const { wait, hold } = this.options;
    const rid = this.#takeRid();
    this.#answerDue = true;
    this.#send(
      rid,
      createSessionBody({ rid, to: this.#to, lang: this.#lang, wait, hold, from }),
      'create',
      wait,
    );
  }

  /** Not held back by `requests`: XEP-0124 §11 lets a terminate go beyond the limit. */
  #terminate(): void {
    if (!this.#session || this.#terminating) return;
    this.#terminating = true;
    this.#queue = [];
    const rid = this.#takeRid();
    const body = terminateBody({ rid, sid: this.#session.sid });
    const wait = this.#session.wait;
    this.#afterLastSend(() => this.#send(rid, body, 'terminate', wait));
  }

  /**
   * A terminate may go beside the request in flight (XEP-0124 §11), but not right behind it: one that
   * left a moment ago might still be overtaken on its way, and ejabberd 23.01 does not reorder.
   */
  #afterLastSend(send: () => void): void {
    const sinceLast = performance.now() - this.#lastSentAt;
    if (this.#inflight.size === 0 || sinceLast >= TERMINATE_GAP_MS) send();
    else setTimeout(send, TERMINATE_GAP_MS - sinceLast);
  }

  /**
   * After the current tick: stanzas written together (xmpp.js writes one per call) and those written
   * in reaction to a response travel in one request.
   */
  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    setTimeout(() => {
      this.#pumpScheduled = false;
      this.#pump();
    }, 0);
  }

  /** Sends what is pending when no request is in flight; polls empty only while an answer is owed. */
  #pump(): void {
    const session = this.#session;
    if (!session || this.#closed || this.#terminating || this.#inflight.size > 0) return;
    if (this.#restartPending) {
      this.#restartPending = false;
      this.#answerDue = true;
      const rid = this.#takeRid();
      this.#send(
        rid,
        restartBody({ rid, sid: session.sid, to: this.#to, lang: this.#lang }),
        'restart',
        session.wait,
      );
      return;
    }
    if (this.#queue.length === 0) {
      if (!this.#answerDue && this.#unansweredIqs.size === 0) return;
      // A server that holds nothing answers empty polls at once: poll every `polling` s, not in a loop.
      if (session.hold === 0) {
        this.#schedulePoll(session.polling);
        return;
      }
    }
    const payloads = this.#queue;
    this.#queue = [];
    if (payloads.length > 0) this.#answerDue = true;
    const rid = this.#takeRid();
    this.#send(rid, payloadBody({ rid, sid: session.sid, payloads }), 'data', session.wait);
  }

  #schedulePoll(seconds: number): void {
    if (this.#pollTimer) return;
    this.#pollTimer = setTimeout(() => {
      this.#pollTimer = null;
      const session = this.#session;
      if (!session || this.#closed || this.#terminating || this.#inflight.size > 0) return;
      const rid = this.#takeRid();
      this.#send(rid, payloadBody({ rid, sid: session.sid, payloads: [] }), 'data', session.wait);
    }, Math.max(1, seconds) * 1000);
  }

  #send(rid: number, body: string, kind: PendingResponse['kind'], waitSeconds: number): void {
    this.#post(rid, body, kind, waitSeconds * 1000 + this.options.marginMs).then(
      (parsed) => this.#arrive(rid, { kind, body: parsed }),
      (error: unknown) => this.#fail(error as Error),
    );
  }

  async #post(
    rid: number,
    body: string,
    kind: PendingResponse['kind'],
    timeoutMs: number,
    track = true,
  ): Promise<ParsedBody> {
    const url = this.url;
    if (!url) throw new BoshError('protocol', 'BOSH socket used before connect()');
    // Ended early by #finish (the session is over) or by the deadline; either reason is a BoshError.
    const controller = new AbortController();
    if (track) this.#inflight.set(rid, controller);
    this.#lastSentAt = performance.now();
    try {
      return await withDeadline((signal) => this.#exchange(url, body, signal), {
        ms: timeoutMs,
        what: `the BOSH ${kind} request`,
        signal: controller.signal,
        onTimeout: () =>
          new BoshError(
            'timeout',
            `no BOSH response within ${Math.round(timeoutMs / 1000)} s (${kind} request)`,
          ),
      });
    } finally {
      if (track) this.#inflight.delete(rid);
    }
  }

  /** One POST and its parsed answer; `signal` ends it (its reason, a BoshError, is what is thrown). */
  async #exchange(url: string, body: string, signal: AbortSignal): Promise<ParsedBody> {
    let response: Response;
    try {
      response = await this.options.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        body,
        signal,
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch (error) {
      if (signal.aborted && signal.reason instanceof BoshError) throw signal.reason;
      throw new BoshError('network', `cannot reach the BOSH endpoint ${url}: ${describe(error)}`, {
        cause: error,
      });
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      if (signal.aborted && signal.reason instanceof BoshError) throw signal.reason;
      throw new BoshError('network', `the BOSH response from ${url} broke off: ${describe(error)}`, {
        cause: error,
      });
    }
    if (!response.ok) {
      throw new BoshError(
        'http',
        `the BOSH endpoint ${url} answered HTTP ${response.status} ${response.statusText}`.trim(),
        { status: response.status },
      );
    }
    try {
      return parseBody(text);
    } catch (error) {
      throw new BoshError('protocol', `${errorText(error)} (from ${url})`, { cause: error });
    }
  }

  #arrive(rid: number, response: PendingResponse): void {
    if (this.#closed) return;
    this.#arrived.set(rid, response);
    for (
      let next = this.#arrived.get(this.#nextToDeliver);
      next;
      next = this.#arrived.get(this.#nextToDeliver)
    ) {
      this.#arrived.delete(this.#nextToDeliver);
      this.#nextToDeliver += 1;
      this.#handle(next);
      if (this.#closed) return;
    }
    // Once the parser and xmpp.js have seen the answer, so that what they write in reply goes with the next request.
    this.#delivery = this.#delivery.then(() => this.#schedulePump());
  }

  #handle({ kind, body }: PendingResponse): void {
    if (kind === 'create') {
      this.#creating = false;
      if (body.type !== 'terminate') {
        try {
          this.#session = sessionFromBody(body, this.options.wait, this.options.hold);
        } catch (error) {
          this.#fail(new BoshError('protocol', errorText(error), { cause: error }));
          return;
        }
        this.#emitOpen();
      }
    }
    if (body.payloads.length > 0) this.#answerDue = false;
    for (const payload of body.payloads) {
      const answered = iqAnswerId(payload);
      if (answered !== null) this.#unansweredIqs.delete(answered);
      this.#deliver(payload);
    }
    if (kind === 'terminate') {
      this.#deliverClose();
      return;
    }
    if (body.type === 'terminate') {
      // While we end the session, the server also ends the requests it held: our terminate's own
      // answer (a higher rid, handled next) closes the stream.
      if (!this.#terminating) {
        const condition = body.condition ?? 'undefined-condition';
        const text = CONDITION_TEXT[condition] ?? `the connection manager ended the session (${condition})`;
        this.#fail(new BoshError('terminate', `BOSH session terminated: ${text}`, { condition }));
      }
    }
  }

  /** The stream ends once: later answers to requests still open must not reach a detached parser. */
  #deliverClose(): void {
    if (this.#streamEnded) return;
    this.#deliver(closeFrame());
    this.#streamEnded = true;
  }

  #emitOpen(): void {
    const session = this.#session;
    const frame = openFrame({ from: session?.from ?? null, id: session?.streamId ?? null, lang: this.#lang });
    // After xmpp.js's open() has subscribed to `open` (it does so once write() calls back).
    this.#delivery = this.#delivery.then(() => new Promise((resolve) => setTimeout(resolve, 0)));
    this.#deliver(frame);
  }

  #deliver(data: string): void {
    if (this.#streamEnded) return;
    this.#delivery = this.#delivery.then(() => {
      if (this.#closed) return;
      try {
        this.emit('data', data);
      } catch (error) {
        // A listener threw (xmpp.js's parser may be gone after an XML error): end cleanly, not unhandled.
        this.#fail(
          new BoshError('protocol', `could not hand on BOSH data: ${describe(error)}`, { cause: error }),
        );
      }
    });
  }

  #fail(error: Error): void {
    if (this.#closed) return;
    const boshError =
      error instanceof BoshError
        ? error
        : new BoshError(error instanceof BoshProtocolError ? 'protocol' : 'network', error.message, {
            cause: error,
          });
    // Hand on what already arrived (e.g. a <stream:error/>) before the error.
    this.#delivery = this.#delivery.then(() => {
      if (this.#closed) return;
      // An EventEmitter throws an `error` nobody listens to; the close below still tells why.
      if (this.listenerCount('error') > 0) this.emit('error', boshError);
      this.#finish(true, boshError);
    });
  }

  #finish(dirty: boolean, reason?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#pollTimer) clearTimeout(this.#pollTimer);
    for (const controller of this.#inflight.values())
      controller.abort(new BoshError('protocol', 'the BOSH session ended'));
    this.#inflight.clear();
    this.#arrived.clear();
    this.#queue = [];
    this.#delivery = this.#delivery.then(() => {
      this.emit('close', dirty, reason);
    });
  }
}

/** The id of an iq get/set (a request the server must answer), else null. */
function iqRequestId(data: string): string | null {
  if (!data.startsWith('<iq')) return null;
  const attrs = parseAttrs(data);
  return (attrs?.type === 'get' || attrs?.type === 'set') && typeof attrs.id === 'string' ? attrs.id : null;
}

/** The id of an iq result/error (an answer to one of ours), else null. */
function iqAnswerId(data: string): string | null {
  if (!data.startsWith('<iq')) return null;
  const attrs = parseAttrs(data);
  return (attrs?.type === 'result' || attrs?.type === 'error') && typeof attrs.id === 'string'
    ? attrs.id
    : null;
}

function parseAttrs(data: string): Record<string, unknown> | null {
  try {
    return parse(data).attrs as Record<string, unknown>;
  } catch {
    return null;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? cause.message : cause ? String(cause) : '';
    return detail && !error.message.includes(detail) ? `${error.message} (${detail})` : error.message;
  }
  return String(error);
}

/** The xmpp.js Connection for BOSH URLs (http: and https:), registered like @xmpp/websocket. */
export class ConnectionBosh extends Connection {
  override send(element: Element): Promise<void> {
    element.attrs.xmlns ??= NS_CLIENT;
    return super.send(element);
  }

  override async sendMany(elements: Element[]): Promise<void> {
    for (const element of elements) await this.send(element);
  }

  override headerElement(): Element {
    const element = super.headerElement();
    element.name = 'open';
    element.attrs.xmlns = NS_FRAMING;
    return element;
  }

  override footerElement(): Element {
    return xml('close', { xmlns: NS_FRAMING });
  }

  override socketParameters(service: string): string | undefined {
    return /^https?:\/\//i.test(service) ? service : undefined;
  }
}

ConnectionBosh.prototype.Socket = BoshSocket;
ConnectionBosh.prototype.NS = NS_CLIENT;
ConnectionBosh.prototype.Parser = FramedParser;

/** A ConnectionBosh whose sockets use `options` (xmpp.js constructs sockets without arguments). */
export function boshTransport(options: Partial<BoshOptions> = {}): typeof ConnectionBosh {
  class ConfiguredBoshSocket extends BoshSocket {
    constructor() {
      super(options);
    }
  }
  class ConfiguredConnectionBosh extends ConnectionBosh {}
  ConfiguredConnectionBosh.prototype.Socket = ConfiguredBoshSocket;
  return ConfiguredConnectionBosh;
}

/** Plugs BOSH into a Client, as `@xmpp/websocket`'s default export does for WebSocket. */
export default function bosh(
  { entity }: { entity: { transports: unknown[] } },
  options: Partial<BoshOptions> = {},
): void {
  entity.transports.push(boshTransport(options));
}
