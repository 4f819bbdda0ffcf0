// What the user's server's answer to a ping says about the s2s link to a domain (DESIGN §1,
// "Observed"). Pure: from the error's condition, its `by` and its text, as Prosody 0.12 and
// ejabberd 23.01 write them, to an S2sOutcome. The texts are free-form, so they are matched by the
// phrases these servers use (listed in observe-outcome.test.ts with where each was seen).
import type { S2sOutcome } from '../../../core/observation.ts';
import type { StanzaErrorFacts } from './observe-stanzas.ts';

/** The conditions a server uses when it could not reach the remote server at all. */
const LINK_FAILED = new Set(['remote-server-not-found', 'remote-server-timeout']);

/** Errors a remote server returns for a query it does not handle: it answered, so the link works. */
const REMOTE_DECLINED = new Set([
  'service-unavailable',
  'feature-not-implemented',
  'item-not-found',
  'bad-request',
  'not-acceptable',
]);

/** Why an s2s connection failed, by the phrases of the servers' texts; first match wins. */
const REASONS: readonly { outcome: S2sOutcome; pattern: RegExp }[] = [
  // Prosody: "Remote server's certificate is not trusted" / "has expired" / "is not valid for this
  // name" / "is self-signed", and the peer's "not-authorized (Your server's certificate …)";
  // ejabberd: "Peer certificate rejected: …".
  { outcome: 'refused-certificate', pattern: /certificate/i },
  // Prosody: "unsupported-stanza-type" (it requires TLS, the peer offers none), "Encrypted
  // server-to-server communication is required…"; ejabberd: "Use of STARTTLS required
  // (policy-violation)", "TLS failed: …".
  {
    outcome: 'refused-encryption',
    pattern: /unsupported-stanza-type|encrypt|starttls|\btls failed|\btls required|handshake/i,
  },
  // Prosody: "NXDomain in A lookup", "NOERROR in AAAA lookup" (no address), "service explicitly
  // unavailable" (SRV "."), "zero SRV records found"; ejabberd: "DNS lookup failed: non-existing domain".
  {
    outcome: 'no-such-domain',
    pattern:
      /nxdomain|non-existing domain|noerror in a{1,4} lookup|service explicitly unavailable|zero srv records|unable to resolve|failed idna|not an idn/i,
  },
  // A DNS failure that does not say the name is absent (ServFail, DNSSEC validation, DNS timeout):
  // messages do not get through, for a reason that is not the contact's server's.
  { outcome: 'failed', pattern: /servfail|refused in a{1,4} lookup|validation error|dns lookup failed/i },
  // Prosody: "connection refused", "connection-timeout"; ejabberd: "Connection failed: connection
  // refused", "… connection timed out", "… host is unreachable".
  {
    outcome: 'unreachable',
    pattern: /connection refused|timed out|timeout|no route|unreachable|host is down|connection reset/i,
  },
  // Secure auth, dialback refused, blocked domains: Prosody "No viable authentication method
  // offered", ejabberd "Authentication failed: …", stream errors such as "not-authorized" or
  // "policy-violation" without a certificate or encryption text.
  {
    outcome: 'refused-policy',
    pattern: /not-authorized|policy-violation|not-allowed|forbidden|authentication|dialback|blocked/i,
  },
];

export interface ObserveContext {
  /** The user's own domain: an error `by` it, about anything but the link, is its own refusal. */
  userDomain: string;
  /** The domain that was asked. */
  domain: string;
}

/** The outcome of a query that came back as a stanza error. */
export function outcomeOfError(error: StanzaErrorFacts, context: ObserveContext): S2sOutcome {
  if (LINK_FAILED.has(error.condition)) return linkFailure(error.text);
  const by = error.by?.toLowerCase() ?? null;
  if (by !== null && by === context.domain.toLowerCase()) return 'ok';
  // The user's own server answered for itself: it keeps its clients from asking remote domains.
  if (by !== null && by === context.userDomain.toLowerCase()) return 'not-allowed';
  if (REMOTE_DECLINED.has(error.condition)) return 'ok';
  // No `by` (ejabberd never sets it) and a condition either server could have given: unknown.
  return 'error';
}

/** Why the user's server could not reach the remote one, from its text; `failed` when it gave none. */
export function linkFailure(text: string | null): S2sOutcome {
  if (text === null) return 'failed';
  return REASONS.find(({ pattern }) => pattern.test(text))?.outcome ?? 'failed';
}
