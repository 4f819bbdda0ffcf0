// The XMPP stream probe: TCP connect, stream header, features, STARTTLS, TLS handshake, stream
// restart and features again (the steps are in steps.ts, the TLS prober's connectors in connectors.ts).
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { errorText } from '../../../core/error-text.ts';
import type { ServiceKind, StreamResult } from '../../../core/report.ts';
import { demandsClientCertificate, StreamProbeError, TlsHandshakeError } from './errors.ts';
import { DEFAULT_SESSION_LIMITS, XmppSession } from './session.ts';
import { recogniseSoftware } from './software.ts';
import {
  guard,
  handshake,
  negotiateStarttls,
  openStream,
  openTcp,
  peerChainDer,
  type StreamProbeOptions,
  type StreamTarget,
} from './steps.ts';

export type { StreamProbeOptions, StreamTarget };

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
  opts: StreamProbeOptions & {
    /** Called once TLS is known to be on offer: STARTTLS in the features, or a direct-TLS port that connects. */
    onTlsOffered?: () => void;
  },
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
  const socket = await openTcp(target, opts);
  const release = guard(socket, opts.signal);
  let tls: TLSSocket | undefined;
  try {
    let raw: Duplex = socket;
    if (target.directTls) opts.onTlsOffered?.();
    else {
      const session = new XmppSession(socket, limits);
      const before = await openStream(session, domain, service, opts);
      stream.header = before.header;
      stream.starttls = before.features.starttls;
      stream.saslBeforeTls = before.features.mechanisms;
      stream.dialback = before.features.dialback;
      if (service === 's2s') {
        const software = recogniseSoftware({
          id: before.header.id,
          dialbackBeforeTls: before.features.dialback,
        });
        stream.software = software && { ...software, os: null };
      }
      if (before.features.starttls === 'none') {
        return { stream, peerChain: null, negotiated: null, tlsError: null, afterTlsError: null };
      }
      opts.onTlsOffered?.();
      try {
        await negotiateStarttls(session, opts);
      } catch (err) {
        return {
          stream,
          peerChain: null,
          negotiated: null,
          tlsError: errorText(err),
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
      if (err instanceof TlsHandshakeError && demandsClientCertificate(err.alert, err.peerChain.length > 0)) {
        stream.demandsClientCertificate = true;
        if (service === 's2s' && opts.from) stream.refusesUnauthenticated = true;
        return {
          stream,
          peerChain: err.peerChain.length > 0 ? err.peerChain : null,
          negotiated: null,
          tlsError: errorText(err),
          afterTlsError: null,
        };
      }
      if (target.directTls) throw err;
      return {
        stream,
        peerChain: null,
        negotiated: null,
        tlsError: errorText(err),
        afterTlsError: null,
      };
    }
    // TLS 1.3: the handshake completes on our side before the server checks our (empty) certificate;
    // its certificate_required alert arrives as the stream opens.
    let tlsAlert: string | null = null;
    tls.on('error', (err: Error & { code?: string }) => {
      tlsAlert ??= err.code ?? null;
    });
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
      if (service === 's2s' && opts.from) stream.refusesUnauthenticated = false;
      return { stream, peerChain, negotiated, tlsError: null, afterTlsError: null };
    } catch (err) {
      // A peer named by `from` that showed no certificate, closed with not-authorized or
      // policy-violation: the server refuses peers it cannot authenticate (s2s_secure_auth).
      if (service === 's2s' && opts.from && refusesPeer(err)) stream.refusesUnauthenticated = true;
      if (demandsClientCertificate(tlsAlert, true)) {
        stream.demandsClientCertificate = true;
        // A peer without a certificate this server trusts cannot connect at all.
        if (service === 's2s' && opts.from) stream.refusesUnauthenticated = true;
        return { stream, peerChain, negotiated, tlsError: errorText(err), afterTlsError: null };
      }
      return { stream, peerChain, negotiated, tlsError: null, afterTlsError: errorText(err) };
    }
  } finally {
    release();
    tls?.destroy();
    socket.destroy();
  }
}

function refusesPeer(error: unknown): boolean {
  return (
    error instanceof StreamProbeError &&
    error.code === 'stream-error' &&
    (error.condition === 'not-authorized' || error.condition === 'policy-violation')
  );
}
