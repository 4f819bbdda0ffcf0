// One error type for everything that can go wrong on an XMPP stream, with a machine code so the
// orchestrator can tell a silent server from a hostile one, and a sentence for people.

export type StreamErrorCode =
  | 'connect' // TCP connect failed
  | 'timeout' // a step did not finish within its deadline
  | 'aborted' // the caller's AbortSignal fired
  | 'closed' // the server closed the connection mid-stream
  | 'not-xml' // bytes that are not XML (or look like TLS on a STARTTLS port)
  | 'not-xmpp' // XML, but not an XMPP stream
  | 'restricted-xml' // DOCTYPE, entity declaration, comment, PI or undeclared entity (RFC 6120 §11.1)
  | 'too-large' // stream or element over its byte budget
  | 'too-deep' // elements nested deeper than allowed
  | 'stream-error' // the server sent <stream:error/>
  | 'starttls-failure' // <failure/> instead of <proceed/>
  | 'no-starttls' // STARTTLS needed but not offered
  | 'tls' // the TLS handshake failed
  | 'protocol'; // anything else out of order

export class StreamProbeError extends Error {
  readonly code: StreamErrorCode;
  /** For `stream-error`: the defined condition, e.g. `host-unknown`. */
  readonly condition: string | null;
  constructor(code: StreamErrorCode, message: string, condition: string | null = null) {
    super(message);
    this.name = 'StreamProbeError';
    this.code = code;
    this.condition = condition;
  }
}

/** The TLS handshake failed: with the alert's Node error code and the chain the server had sent. */
export class TlsHandshakeError extends StreamProbeError {
  /** Node's code, e.g. `ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED`; null when there was none. */
  readonly alert: string | null;
  /** DER, leaf first: the server's chain when it arrived before the failure (TLS ≤ 1.2), else empty. */
  readonly peerChain: Uint8Array[];
  constructor(message: string, alert: string | null, peerChain: Uint8Array[]) {
    super('tls', message);
    this.name = 'TlsHandshakeError';
    this.alert = alert;
    this.peerChain = peerChain;
  }
}

/**
 * The server ended the handshake because we sent no client certificate: TLS 1.3's certificate_required
 * alert, or (TLS ≤ 1.2, which has no such alert) a handshake_failure or bad_certificate after the server
 * had already sent its certificate, i.e. after hello and suite were agreed and our empty Certificate went.
 */
export function demandsClientCertificate(alert: string | null, chainArrived: boolean): boolean {
  if (alert === null) return false;
  if (/ALERT_CERTIFICATE_REQUIRED$/.test(alert)) return true;
  return chainArrived && /ALERT_(HANDSHAKE_FAILURE|BAD_CERTIFICATE)$/.test(alert);
}
