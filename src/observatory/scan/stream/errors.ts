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
