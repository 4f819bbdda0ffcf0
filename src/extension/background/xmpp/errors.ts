// The few ways an account check can fail, as the check cycle and the popup need to tell them apart.

export type CheckErrorKind =
  /** SASL said not-authorized: ask the user for the password. */
  | 'wrong-password'
  /**
   * Remembered SCRAM keys cannot log in (another salt, or their mechanism is no longer offered): not
   * the user's fault; ask for the password again without saying it is wrong.
   */
  | 'key-unusable'
  /** Nothing answered at the endpoint: connection refused, DNS, TLS or HTTP failure. */
  | 'unreachable'
  /** Something answered, but not within the time budget. */
  | 'timeout'
  /** The server answered, but not as XMPP should (stream error, BOSH terminate, bad SASL, bad XML). */
  | 'protocol'
  /** We refused to send a password in the clear: PLAIN only, over ws:/http: to a non-loopback host. */
  | 'insecure'
  /** The options are not usable (bad JID, endpoint of the wrong scheme). */
  | 'invalid-input'
  /** The caller's AbortSignal fired. */
  | 'aborted';

export class CheckError extends Error {
  readonly kind: CheckErrorKind;
  /** XMPP or BOSH condition when the server named one, e.g. `not-authorized`, `host-unknown`. */
  readonly condition: string | null;

  constructor(
    kind: CheckErrorKind,
    message: string,
    options: { condition?: string | null; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'CheckError';
    this.kind = kind;
    this.condition = options.condition ?? null;
  }
}
