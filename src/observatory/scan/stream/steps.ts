// The steps of an XMPP stream, shared by the probe and the connectors: TCP connect, stream header and
// features, STARTTLS, the TLS handshake; each bounded by its own deadline (withDeadline).
import { type Socket, connect as tcpConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import { type PeerCertificate, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { withDeadline } from '../../../core/deadline.ts';
import type { ServiceKind, StreamResult } from '../../../core/report.ts';
import { ConnectionGate } from '../connection-gate.ts';
import { StreamProbeError, TlsHandshakeError } from './errors.ts';
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
  type SessionLimits,
  type StepDeadline,
  stepDeadline,
  type XmppSession,
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
  /**
   * Admits every connection (address policy, scan caps). scanDomain always passes its scan's gate;
   * without one (tests, benches, lab tools) the caller's own address is used as given, still within
   * the process-wide socket bound.
   */
  gate?: ConnectionGate;
}

const callersOwnAddress = () => new ConnectionGate({ allowPrivate: true });

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

export async function openTcp(
  target: StreamTarget,
  opts: Pick<StreamProbeOptions, 'timeoutMs' | 'signal' | 'gate'>,
): Promise<Socket> {
  const { timeoutMs, signal } = opts;
  if (signal?.aborted) throw abortedError();
  // Admission waits for a socket slot before the connect deadline starts: a busy process makes a scan
  // slower, never a server look unreachable.
  const gate = opts.gate ?? callersOwnAddress();
  const release = await gate
    .admit(target.address, target.port, target.host, signal)
    .catch((error: unknown) => {
      if (signal?.aborted) throw abortedError();
      throw error;
    });
  const socket = tcpConnect({ host: target.address, port: target.port });
  socket.once('close', release);
  let onConnect = () => {};
  let onError = (_err: Error) => {};
  const connected = new Promise<Socket>((resolve, reject) => {
    onConnect = () => resolve(socket);
    onError = (err) =>
      reject(
        new StreamProbeError(
          'connect',
          `cannot connect to ${target.host} (${target.address}:${target.port}): ${err.message}`,
        ),
      );
    socket.once('connect', onConnect);
    socket.once('error', onError);
  }).finally(() => {
    socket.off('connect', onConnect);
    socket.off('error', onError);
  });
  return withDeadline(connected, {
    ms: timeoutMs,
    what: `the TCP connection to ${target.host}`,
    signal,
    onTimeout: () =>
      new StreamProbeError(
        'timeout',
        `no TCP connection to ${target.host} (${target.address}:${target.port}) within ${timeoutMs} ms`,
      ),
  }).catch((error: unknown) => {
    socket.destroy();
    if (signal?.aborted && error === signal.reason) throw abortedError();
    throw error;
  });
}

/** Destroys the socket when the signal fires, until `release` is called. */
export function guard(socket: Duplex, signal?: AbortSignal): () => void {
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
export function keepQuiet<T extends Duplex>(socket: T): T {
  socket.on('error', () => {});
  return socket;
}

/** Waits for the first event that is not whitespace noise; stream errors and closes become errors. */
async function nextMeaningful(session: XmppSession, deadline: StepDeadline): Promise<StreamEvent> {
  const e = await session.next(deadline);
  if (e.type === 'close') throw new StreamProbeError('closed', 'the server closed the XMPP stream');
  if (e.type === 'element' && isStreamElement(e.element, 'error')) throw streamErrorFrom(e.element);
  return e;
}

export interface Opened {
  header: StreamResult['header'];
  features: FeatureSummary;
}

/**
 * Sends our header and reads the server's header and features. `then` is sent in the same write
 * (pipelining: the connectors' <starttls/>, which saves a round trip per connection).
 */
export async function openStream(
  session: XmppSession,
  domain: string,
  service: ServiceKind,
  opts: StreamProbeOptions,
  then = '',
): Promise<Opened> {
  session.send(streamHeader(domain, service, opts.from) + then);
  const headerStep = stepDeadline('the stream header', opts.timeoutMs, opts.signal);
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
  const featureStep = stepDeadline('the stream features', opts.timeoutMs, opts.signal);
  for (;;) {
    const e = await nextMeaningful(session, featureStep);
    if (e.type === 'element' && isStreamElement(e.element, 'features')) {
      return { header, features: readFeatures(e.element) };
    }
    // Anything else before features is out of order; keep waiting within the same deadline.
  }
}

export const STARTTLS_REQUEST = `<starttls xmlns='${NS_TLS}'/>`;

/** Sends <starttls/> (unless it went with the header) and waits for <proceed/>; throws on <failure/>. */
export async function negotiateStarttls(
  session: XmppSession,
  opts: StreamProbeOptions,
  alreadySent = false,
): Promise<void> {
  if (!alreadySent) session.send(STARTTLS_REQUEST);
  const step = stepDeadline('STARTTLS', opts.timeoutMs, opts.signal);
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

export function handshake(
  raw: Duplex,
  domain: string,
  alpn: string[] | undefined,
  opts: StreamProbeOptions,
): Promise<TLSSocket> {
  const step = stepDeadline('the TLS handshake', opts.timeoutMs, opts.signal);
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
    tls.once('error', (err: Error & { code?: string }) => {
      // The chain read now: a server that refuses us after sending it has still shown it.
      const chain = tls ? peerChainDer(tls) : [];
      reject(new TlsHandshakeError(`the TLS handshake failed: ${err.message}`, err.code ?? null, chain));
    });
    tls.once('close', () =>
      reject(new StreamProbeError('tls', 'the server closed the connection during the TLS handshake')),
    );
  });
  return step(p).catch((err: unknown) => {
    tls?.destroy();
    throw err;
  });
}
