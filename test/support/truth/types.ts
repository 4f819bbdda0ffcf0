// The ground truth of one message between two lab servers, and of the s2s link that carried it, as
// plain data: what really happened, before any rule turns it into a light.

/** What became of one message. */
export type Fate =
  /** `ms`: from sending to the receiver's session getting it (printed, never asserted). */
  | { kind: 'delivered'; ms: number }
  /** An error came back, as the sender's client saw it. */
  | { kind: 'bounced'; condition: string; text: string | null; by: string | null; ms: number }
  /** Neither delivered nor bounced within the wait. */
  | { kind: 'lost'; waitedMs: number };

/** How the receiving server authenticated the initiating one on this stream. */
export type InitiatorAuth = 'certificate' | 'dialback' | 'none';

/**
 * One direction's s2s stream (initiator → receiver) as the servers themselves report it after the
 * message. Each direction has its own stream and its own authentication (LAB-NOTES).
 */
export interface DirectionLink {
  /** TLS on the stream; false: plaintext. */
  encrypted: boolean;
  /** e.g. `TLSv1.3`; null when plaintext or no server reported it. */
  tlsVersion: string | null;
  cipher: string | null;
  /** SASL EXTERNAL (certificate) or dialback, as the receiver (or else the initiator) recorded it. */
  initiatorAuth: InitiatorAuth;
  /**
   * The initiator's verdict on the receiver's certificate: `valid`, `invalid` (untrusted, expired, wrong
   * name: Prosody says "Unknown" or "Invalid"), or `unchecked` when the initiating software does not
   * check it (ejabberd 23.01 with dialback enabled delivers to self-signed and expired peers).
   */
  receiverCertificate: 'valid' | 'invalid' | 'unchecked';
  /** Where each fact came from, for the table. */
  sources: string[];
}

/** One direction of a pair: the message's fate and the link that carried it. */
export interface DirectionTruth {
  from: string;
  to: string;
  fate: Fate;
  /** Both domains are served by the same server: no network s2s link at all. */
  sameServer: boolean;
  /** null: no established stream was found (bounced, lost, same server, or not reported). */
  link: DirectionLink | null;
}
