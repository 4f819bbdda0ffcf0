// The XMPP stream probe: TCP connect, stream header, features, STARTTLS, TLS handshake, stream
// restart and features again. Also the connectors the TLS prober uses for each of its handshakes.
import { type Socket, connect as tcpConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import { type PeerCertificate, type TLSSocket, connect as tlsConnect } from 'node:tls';
import type { ServiceKind, StreamResult } from '../../../core/report.ts';
import type { Connector } from '../types.ts';
import { StreamProbeError } from './errors.ts';
import {
  type FeatureSummary,
  isStreamElement,
  NS_TLS,
  readFeatures,
  readHeader,
  streamErrorFrom,
} from './features.ts';
import {
  abortedError,
  DEFAULT_SESSION_LIMITS,
  Deadline,
  type SessionLimits,
  XmppSession,
} from './session.ts';
import type { StreamEvent } from './xml-reader.ts';

export interface StreamTarget {
  host: string;
  port: number;
  /** The IP address to connect to (already resolved and vetted by the caller). */
  address: string;
}

export interface StreamProbeOptions {
  /** Budget of each step (connect, header, features, STARTTLS, handshake), in ms. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** s2s: our `from` domain; left out of the header when absent. */
  from?: string;
  limits?: SessionLimits;
}

export interface NegotiatedTls {
  protocol: string;
  cipher: string;
}

export interface StreamProbeResult {
  stream: StreamResult;
  /** DER, leaf first, as the server sent it (Node may append the root it found locally). */
  peerChain: Uint8Array[] | null;
  negotiated: NegotiatedTls | null;
  /** Why STARTTLS or the TLS handshake failed, when the plaintext part succeeded. */
  tlsError: string | null;
  /**
   * Why the stream after a successful handshake failed (e.g. an s2s peer that insists on a client
   * certificate closes with not-authorized): TLS facts are valid, post-TLS features are missing.
   */
  afterTlsError: string | null;
}

function streamHeader(domain: string, service: ServiceKind, from: string | undefined): string {
  const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/'/g, '&apos;').replace(/</g, '&lt;');
  const ns =
    service === 'c2s' ? "xmlns='jabber:client'" : "xmlns='jabber:server' xmlns:db='jabber:server:dialback'";
  const fromAttr = service === 's2s' && from ? ` from='${esc(from)}'` : '';
  return (
    `<?xml version='1.0'?><stream:stream ${ns} xmlns:stream='http://etherx.jabber.org/streams'` +
    ` to='${esc(domain)}'${fromAttr} version='1.0'>`
  );
}

function openTcp(target: StreamTarget, timeoutMs: number, signal?: AbortSignal): Promise<Socket> {
  if (signal?.aborted) return Promise.reject(abortedError());
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: target.address, port: target.port });
    const finish = (fn: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      socket.off('connect', onConnect);
      fn();
    };
    const onAbort = () =>
      finish(() => {
        socket.destroy();
        reject(abortedError());
      });
    const onError = (err: Error) =>
      finish(() =>
        reject(
          new StreamProbeError(
            'connect',
            `cannot connect to ${target.host} (${target.address}:${target.port}): ${err.message}`,
          ),
        ),
      );
    const onConnect = () => finish(() => resolve(socket));
    const timer = setTimeout(
      () =>
        finish(() => {
          socket.destroy();
          reject(
            new StreamProbeError(
              'timeout',
              `no TCP connection to ${target.host} (${target.address}:${target.port}) within ${timeoutMs} ms`,
            ),
          );
        }),
      timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('error', onError);
    socket.once('connect', onConnect);
  });
}

/** Destroys the socket when the signal fires, until `release` is called. */
function guard(socket: Duplex, signal?: AbortSignal): () => void {
  const onAbort = () => socket.destroy();
  signal?.addEventListener('abort', onAbort, { once: true });
  // A late error after we gave up must not become an uncaught exception.
  const swallow = () => {};
  socket.on('error', swallow);
  return () => {
    signal?.removeEventListener('abort', onAbort);
    socket.off('error', swallow);
  };
}

/**
 * A socket handed to the TLS prober keeps a no-op error listener: a reset before the prober has
 * attached its own must not become an uncaught exception. Its own listeners still see every error.
 */
function keepQuiet<T extends Duplex>(socket: T): T {
  socket.on('error', () => {});
  return socket;
}

/** Waits for the first event that is not whitespace noise; stream errors and closes become errors. */
async function nextMeaningful(session: XmppSession, deadline: Deadline): Promise<StreamEvent> {
  const e = await session.next(deadline);
  if (e.type === 'close') throw new StreamProbeError('closed', 'the server closed the XMPP stream');
  if (e.type === 'element' && isStreamElement(e.element, 'error')) throw streamErrorFrom(e.element);
  return e;
}

interface Opened {
  header: StreamResult['header'];
  features: FeatureSummary;
}

/** Sends our header and reads the server's header and features. */
async function openStream(
  session: XmppSession,
  domain: string,
  service: ServiceKind,
  opts: StreamProbeOptions,
): Promise<Opened> {
  session.send(streamHeader(domain, service, opts.from));
  const headerStep = new Deadline('the stream header', opts.timeoutMs, opts.signal);
  const open = await nextMeaningful(session, headerStep);
  if (open.type !== 'open')
    throw new StreamProbeError('protocol', 'the server sent an element before its stream header');
  const header = readHeader(open.attrs);
  if (header.version === null || !/^1\.\d+$/.test(header.version)) {
    throw new StreamProbeError(
      'protocol',
      `the server's stream header has version ${header.version ?? '(none)'}: without XMPP 1.0 there are no stream features, hence no STARTTLS`,
    );
  }
  const featureStep = new Deadline('the stream features', opts.timeoutMs, opts.signal);
  for (;;) {
    const e = await nextMeaningful(session, featureStep);
    if (e.type === 'element' && isStreamElement(e.element, 'features')) {
      return { header, features: readFeatures(e.element) };
    }
    // Anything else before features is out of order; keep waiting within the same deadline.
  }
}

/** Sends <starttls/> and waits for <proceed/>; throws on <failure/>. */
async function negotiateStarttls(session: XmppSession, opts: StreamProbeOptions): Promise<void> {
  session.send(`<starttls xmlns='${NS_TLS}'/>`);
  const step = new Deadline('STARTTLS', opts.timeoutMs, opts.signal);
  for (;;) {
    const e = await nextMeaningful(session, step);
    if (e.type !== 'element') continue;
    if (e.element.is('proceed', NS_TLS)) return;
    if (e.element.is('failure', NS_TLS)) {
      throw new StreamProbeError(
        'starttls-failure',
        'the server answered STARTTLS with <failure/> instead of <proceed/>',
      );
    }
  }
}

/**
 * A Connector for a STARTTLS target: each call opens TCP, negotiates STARTTLS up to <proceed/>
 * and resolves the raw socket, positioned where the first TLS byte goes.
 */
export function connectStarttls(
  target: StreamTarget,
  domain: string,
  service: ServiceKind,
  opts: StreamProbeOptions,
): Connector {
  return async (signal?: AbortSignal) => {
    const sig = signal && opts.signal ? AbortSignal.any([signal, opts.signal]) : (signal ?? opts.signal);
    const o = { ...opts, signal: sig };
    const socket = await openTcp(target, opts.timeoutMs, sig);
    const release = guard(socket, sig);
    try {
      const session = new XmppSession(socket, opts.limits ?? DEFAULT_SESSION_LIMITS);
      const { features } = await openStream(session, domain, service, o);
      if (features.starttls === 'none') {
        throw new StreamProbeError('no-starttls', `${target.host}:${target.port} does not offer STARTTLS`);
      }
      await negotiateStarttls(session, o);
      const raw = session.detach();
      release();
      keepQuiet(raw);
      return raw;
    } catch (err) {
      release();
      socket.destroy();
      throw err;
    }
  };
}

/** A Connector for a direct-TLS (XEP-0368) target: plain TCP, nothing sent. */
export function connectDirect(
  target: StreamTarget,
  opts: Pick<StreamProbeOptions, 'timeoutMs' | 'signal'>,
): Connector {
  return (signal?: AbortSignal) => {
    const sig = signal && opts.signal ? AbortSignal.any([signal, opts.signal]) : (signal ?? opts.signal);
    return openTcp(target, opts.timeoutMs, sig).then(keepQuiet);
  };
}

/** DER of the chain the server presented, leaf first; stops at a self-issued certificate. */
export function peerChainDer(socket: TLSSocket): Uint8Array[] {
  const chain: Uint8Array[] = [];
  let cert = socket.getPeerCertificate(true) as PeerCertificate & { issuerCertificate?: PeerCertificate };
  const seen = new Set<string>();
  while (cert?.raw && !seen.has(cert.fingerprint256) && chain.length < 16) {
    seen.add(cert.fingerprint256);
    chain.push(new Uint8Array(cert.raw));
    const issuer = (cert as { issuerCertificate?: PeerCertificate }).issuerCertificate;
    if (!issuer || issuer === cert) break;
    cert = issuer;
  }
  return chain;
}

function handshake(
  raw: Duplex,
  domain: string,
  alpn: string[] | undefined,
  opts: StreamProbeOptions,
): Promise<TLSSocket> {
  const step = new Deadline('the TLS handshake', opts.timeoutMs, opts.signal);
  let tls: TLSSocket | undefined;
  const p = new Promise<TLSSocket>((resolve, reject) => {
    tls = tlsConnect({
      socket: raw,
      servername: domain,
      // We inspect the chain ourselves (certificate.ts); old servers must still negotiate.
      rejectUnauthorized: false,
      minVersion: 'TLSv1',
      ciphers: 'DEFAULT@SECLEVEL=0',
      ...(alpn ? { ALPNProtocols: alpn } : {}),
    });
    tls.once('secureConnect', () => resolve(tls as TLSSocket));
    tls.once('error', (err) =>
      reject(new StreamProbeError('tls', `the TLS handshake failed: ${err.message}`)),
    );
    tls.once('close', () =>
      reject(new StreamProbeError('tls', 'the server closed the connection during the TLS handshake')),
    );
  });
  return step.race(p).catch((err: unknown) => {
    tls?.destroy();
    throw err;
  });
}

/**
 * Probes one target: stream header and features in plaintext (STARTTLS targets), the TLS
 * handshake, then the stream restart and the features after TLS.
 *
 * XEP-0092 software version cannot be asked without authentication (s2s) or login (c2s), so
 * `software` stays null unless the server volunteers it, which servers do not in features.
 */
export async function probeStream(
  target: StreamTarget & { directTls?: boolean },
  domain: string,
  service: ServiceKind,
  opts: StreamProbeOptions,
): Promise<StreamProbeResult> {
  const limits = opts.limits ?? DEFAULT_SESSION_LIMITS;
  const stream: StreamResult = {
    header: { from: null, id: null, version: null },
    starttls: 'none',
    saslBeforeTls: [],
    saslAfterTls: [],
    dialback: false,
    saslExternal: false,
    software: null,
  };
  const socket = await openTcp(target, opts.timeoutMs, opts.signal);
  const release = guard(socket, opts.signal);
  let tls: TLSSocket | undefined;
  try {
    let raw: Duplex = socket;
    if (!target.directTls) {
      const session = new XmppSession(socket, limits);
      const before = await openStream(session, domain, service, opts);
      stream.header = before.header;
      stream.starttls = before.features.starttls;
      stream.saslBeforeTls = before.features.mechanisms;
      stream.dialback = before.features.dialback;
      if (before.features.starttls === 'none') {
        return { stream, peerChain: null, negotiated: null, tlsError: null, afterTlsError: null };
      }
      try {
        await negotiateStarttls(session, opts);
      } catch (err) {
        return {
          stream,
          peerChain: null,
          negotiated: null,
          tlsError: (err as Error).message,
          afterTlsError: null,
        };
      }
      raw = session.detach();
    }
    try {
      // XEP-0368: direct TLS announces the XMPP service by ALPN, for multiplexers such as sslh.
      const alpn = target.directTls ? [service === 'c2s' ? 'xmpp-client' : 'xmpp-server'] : undefined;
      tls = await handshake(raw, domain, alpn, opts);
    } catch (err) {
      if (target.directTls) throw err;
      return {
        stream,
        peerChain: null,
        negotiated: null,
        tlsError: (err as Error).message,
        afterTlsError: null,
      };
    }
    tls.on('error', () => {});
    const peerChain = peerChainDer(tls);
    const cipher = tls.getCipher();
    const negotiated = {
      protocol: tls.getProtocol() ?? 'unknown',
      cipher: cipher.standardName ?? cipher.name,
    };
    try {
      const after = await openStream(new XmppSession(tls, limits), domain, service, opts);
      stream.header = after.header;
      stream.saslAfterTls = after.features.mechanisms;
      stream.dialback ||= after.features.dialback;
      stream.saslExternal = after.features.mechanisms.includes('EXTERNAL');
      return { stream, peerChain, negotiated, tlsError: null, afterTlsError: null };
    } catch (err) {
      return { stream, peerChain, negotiated, tlsError: null, afterTlsError: (err as Error).message };
    }
  } finally {
    release();
    tls?.destroy();
    socket.destroy();
  }
}
