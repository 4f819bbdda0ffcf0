// Pure XEP-0124/0206 wire format: the <body/> wrappers we send and what we read from the ones we get.

import { type Element, escapeXML, parse } from 'ltx';
import { errorText } from '../../../core/error-text.ts';

export const NS_HTTPBIND = 'http://jabber.org/protocol/httpbind';
export const NS_XBOSH = 'urn:xmpp:xbosh';
export const NS_CLIENT = 'jabber:client';
export const NS_FRAMING = 'urn:ietf:params:xml:ns:xmpp-framing';
/** XEP-0124 version we speak. */
export const BOSH_VERSION = '1.11';

/** The largest rid XEP-0124 allows; we start far enough below it never to reach it. */
const MAX_RID = 2 ** 53 - 1;

export class BoshProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BoshProtocolError';
  }
}

/** A random first rid below 2^52 (XEP-0124 §14.1: random, and every later rid fits under 2^53). */
export function initialRid(): number {
  const words = new Uint32Array(2);
  crypto.getRandomValues(words);
  const high = (words[0] ?? 0) & 0xfffff;
  const rid = high * 2 ** 32 + (words[1] ?? 0);
  return Math.max(1, Math.min(rid, MAX_RID - 2 ** 32));
}

function attrs(values: Record<string, string | number | undefined | null>): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== null)
    .map(([name, value]) => ` ${name}='${escapeXML(String(value))}'`)
    .join('');
}

export interface CreateSessionParams {
  rid: number;
  to: string;
  lang?: string | undefined;
  /** Longest time in seconds the server may hold a request. */
  wait: number;
  hold: number;
  from?: string | undefined;
}

export function createSessionBody(p: CreateSessionParams): string {
  return `<body${attrs({
    content: 'text/xml; charset=utf-8',
    from: p.from,
    hold: p.hold,
    rid: p.rid,
    to: p.to,
    ver: BOSH_VERSION,
    wait: p.wait,
    'xml:lang': p.lang,
    'xmpp:version': '1.0',
    xmlns: NS_HTTPBIND,
    'xmlns:xmpp': NS_XBOSH,
  })}/>`;
}

export function restartBody(p: { rid: number; sid: string; to: string; lang?: string | undefined }): string {
  return `<body${attrs({
    rid: p.rid,
    sid: p.sid,
    to: p.to,
    'xml:lang': p.lang,
    'xmpp:restart': 'true',
    xmlns: NS_HTTPBIND,
    'xmlns:xmpp': NS_XBOSH,
  })}/>`;
}

/** `payloads` are serialised top-level elements (stanzas and nonzas), sent as they are. */
export function payloadBody(p: { rid: number; sid: string; payloads: readonly string[] }): string {
  const head = `<body${attrs({ rid: p.rid, sid: p.sid, xmlns: NS_HTTPBIND })}`;
  return p.payloads.length === 0 ? `${head}/>` : `${head}>${p.payloads.join('')}</body>`;
}

export function terminateBody(p: { rid: number; sid: string }): string {
  return `<body${attrs({ rid: p.rid, sid: p.sid, type: 'terminate', xmlns: NS_HTTPBIND })}/>`;
}

/** Session parameters from the connection manager's session creation response. */
export interface BoshSession {
  sid: string;
  /** Seconds the server holds a request at most. */
  wait: number;
  /** Requests we may keep open at once. */
  requests: number;
  hold: number;
  /** Seconds of silence after which the server ends the session; null when not given. */
  inactivity: number | null;
  /** Shortest gap in seconds between two empty requests, which matters when the server holds none. */
  polling: number;
  /** The stream's `from` (the domain), for the stream header we hand to xmpp.js. */
  from: string | null;
  /** `authid`: the XMPP stream id. */
  streamId: string | null;
  version: string | null;
}

export interface ParsedBody {
  /** `terminate` ends the session; its `condition` (when there) says why. */
  type: 'terminate' | 'error' | null;
  condition: string | null;
  attrs: Record<string, string>;
  /** Each top-level child, serialised so it stands alone (namespaces copied from <body/>). */
  payloads: string[];
}

/**
 * Parses one HTTP response body. Children of <body/> lose it as parent, so each gets the namespace
 * declarations it relied on: a default `jabber:client` (XEP-0206 §5) and any `xmlns:prefix` of body.
 */
export function parseBody(text: string): ParsedBody {
  let root: Element;
  try {
    root = parse(text);
  } catch (error) {
    throw new BoshProtocolError(`the BOSH response is not well-formed XML (${errorText(error)})`);
  }
  if (root.name !== 'body' || root.attrs.xmlns !== NS_HTTPBIND) {
    throw new BoshProtocolError(`the BOSH response is <${root.name}>, not <body xmlns='${NS_HTTPBIND}'>`);
  }
  const inherited = Object.entries(root.attrs as Record<string, string>).filter(([name]) =>
    name.startsWith('xmlns:'),
  );
  const payloads: string[] = [];
  for (const child of root.children) {
    if (typeof child === 'string') continue;
    for (const [name, value] of inherited) child.attrs[name] ??= value;
    if (!child.name.includes(':')) child.attrs.xmlns ??= NS_CLIENT;
    child.parent = null;
    payloads.push(child.toString());
  }
  const type = root.attrs.type;
  return {
    type: type === 'terminate' || type === 'error' ? type : null,
    condition: root.attrs.condition ?? null,
    attrs: root.attrs as Record<string, string>,
    payloads,
  };
}

function positiveInt(value: string | undefined): number | null {
  if (value === undefined || !/^[0-9]+$/.test(value)) return null;
  return Number(value);
}

/** Reads the session creation response's attributes (XEP-0124 §7.1). */
export function sessionFromBody(body: ParsedBody, requestedWait: number, requestedHold: number): BoshSession {
  const { attrs: a } = body;
  if (!a.sid) throw new BoshProtocolError('the BOSH session creation response has no sid');
  const hold = positiveInt(a.hold) ?? requestedHold;
  return {
    sid: a.sid,
    wait: Math.min(positiveInt(a.wait) ?? requestedWait, requestedWait),
    // XEP-0124 §7.1: without `requests`, hold + 1.
    requests: Math.max(1, positiveInt(a.requests) ?? hold + 1),
    hold,
    inactivity: positiveInt(a.inactivity),
    polling: positiveInt(a.polling) ?? 0,
    from: a.from ?? null,
    streamId: a.authid ?? null,
    version: a['xmpp:version'] ?? null,
  };
}

/** The RFC 7395 framing elements xmpp.js's parser expects, standing in for BOSH's implicit stream. */
export function openFrame(p: { from: string | null; id: string | null; lang?: string | undefined }): string {
  return `<open${attrs({ from: p.from, id: p.id, version: '1.0', 'xml:lang': p.lang, xmlns: NS_FRAMING })}/>`;
}

export function closeFrame(): string {
  return `<close xmlns='${NS_FRAMING}'/>`;
}

export type OutgoingFrame =
  | { kind: 'open'; to: string; lang: string | undefined; from: string | undefined }
  | { kind: 'close' }
  | { kind: 'payload'; data: string };

/**
 * Tells xmpp.js's writes apart: the stream header and footer (RFC 7395 `<open/>`/`<close/>`, which
 * our Connection produces) become BOSH session requests; everything else is a payload.
 */
export function classifyOutgoing(data: string): OutgoingFrame {
  if (!/^<(open|close)[\s/>]/.test(data)) return { kind: 'payload', data };
  let element: Element;
  try {
    element = parse(data);
  } catch {
    return { kind: 'payload', data };
  }
  if (element.attrs.xmlns !== NS_FRAMING) return { kind: 'payload', data };
  if (element.name === 'close') return { kind: 'close' };
  if (typeof element.attrs.to !== 'string' || element.attrs.to === '') {
    throw new BoshProtocolError('the stream header has no `to` domain');
  }
  return { kind: 'open', to: element.attrs.to, lang: element.attrs['xml:lang'], from: element.attrs.from };
}
