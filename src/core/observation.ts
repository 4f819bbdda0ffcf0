// What the user's own server said when asked to reach a contact's domain (DESIGN §1, "Observed"):
// the real s2s link, made by the server that carries the messages. Plain data: the extension's
// observer produces it, the path model reads it.

/**
 * The fate of the user's server's attempt to reach a domain.
 * - `ok`: a result, or an error the remote server itself returned: the link works now.
 * - `no-such-domain`: DNS says the domain (or its server's name) does not exist, or has no address.
 * - `unreachable`: the name resolves but nothing answers (refused, no route, timed out connecting).
 * - `refused-encryption`: one side requires TLS and the other offers none (or they share no version).
 * - `refused-certificate`: a certificate was not accepted (untrusted, expired, wrong name), either way.
 * - `refused-policy`: refused for another policy (secure auth, blocked, not authorised).
 * - `failed`: the user's server gave up (`remote-server-not-found`/`-timeout`) without a reason we know.
 * - `not-allowed`: the user's server does not let clients ask remote domains: unknown, never red.
 * - `timeout`: no answer within the observer's budget: unknown.
 * - `error`: any other answer that tells nothing about the link: unknown.
 */
export const S2S_OUTCOMES = [
  'ok',
  'no-such-domain',
  'unreachable',
  'refused-encryption',
  'refused-certificate',
  'refused-policy',
  'failed',
  'not-allowed',
  'timeout',
  'error',
] as const;

export type S2sOutcome = (typeof S2S_OUTCOMES)[number];

/** Outcomes that say messages do not get through now. */
export const S2S_FAILURES: readonly S2sOutcome[] = [
  'no-such-domain',
  'unreachable',
  'refused-encryption',
  'refused-certificate',
  'refused-policy',
  'failed',
];

export interface SoftwareVersion {
  name: string;
  version: string | null;
}

export interface DiscoIdentity {
  category: string;
  type: string;
  name: string | null;
}

export interface S2sObservation {
  /** The contact's domain that the user's server was asked to reach. */
  domain: string;
  outcome: S2sOutcome;
  /** The XMPP error condition, e.g. `remote-server-not-found`; null on success. */
  condition: string | null;
  /** The error's text as the server wrote it (it says why), or null. */
  text: string | null;
  /** The error's `by`: which server gave up; null when absent. */
  by: string | null;
  /** XEP-0092 answer of the remote server, when it gave one. */
  software: SoftwareVersion | null;
  /** disco#info identities of the remote domain (server/im, conference/text, gateway/…, component). */
  identities: DiscoIdentity[];
  /** ISO time of the observation. */
  observedAt: string;
}

export function isObservedFailure(outcome: S2sOutcome): boolean {
  return S2S_FAILURES.includes(outcome);
}
