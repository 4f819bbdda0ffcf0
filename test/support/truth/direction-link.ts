// One direction's link state (initiator → receiver), put together from what both servers report:
// Prosody's session tables on either end, ejabberd's log lines. Pure.
import type { EjabberdStreamEvent } from './ejabberd-sessions.ts';
import { isEstablished, type ProsodySession } from './prosody-sessions.ts';
import type { DirectionLink, InitiatorAuth } from './types.ts';

export interface LinkReports {
  /** Which software serves a domain; null for names with no server. */
  serverOf: (domain: string) => 'prosody' | 'ejabberd' | null;
  /** Prosody sessions, by the Prosody domain that reported them. */
  prosody: ReadonlyMap<string, readonly ProsodySession[]>;
  ejabberd: readonly EjabberdStreamEvent[];
}

const AUTH_RANK: readonly InitiatorAuth[] = ['none', 'dialback', 'certificate'];

/**
 * How a Prosody session says the initiator was authenticated. Prosody 0.12 shows dialback as
 * `Completed` only on the initiating side; an established incoming stream without SASL shows
 * `Not used`, yet dialback is the only other way it accepts a peer.
 */
export function prosodyAuth(s: ProsodySession): InitiatorAuth {
  if (s.sasl === 'Succeeded') return 'certificate';
  if (s.direction === 'in') return 'dialback';
  if (s.dialback === 'Completed') return 'dialback';
  return 'none';
}

/** The state of the `from` → `to` stream, or null when no server reports an established one. */
export function directionLink(from: string, to: string, reports: LinkReports): DirectionLink | null {
  const sent = (reports.prosody.get(from) ?? []).filter(
    (s) => isEstablished(s) && s.direction === 'out' && s.remote === to,
  );
  const received = (reports.prosody.get(to) ?? []).filter(
    (s) => isEstablished(s) && s.direction === 'in' && s.remote === from,
  );
  const ejabberd = reports.ejabberd.filter((e) => e.from === from && e.to === to && e.auth !== null);
  const ejIn = ejabberd.filter((e) => e.direction === 'in');
  const ejOut = ejabberd.filter((e) => e.direction === 'out');
  if (sent.length + received.length + ejabberd.length === 0) return null;

  const sources = [
    ...(sent.length ? [`${from} s2sout`] : []),
    ...(received.length ? [`${to} s2sin`] : []),
    ...(ejabberd.length ? ['ejabberd log'] : []),
  ];
  const rows = [...received, ...sent];
  // ejabberd requires STARTTLS on every s2s stream in the lab (s2s_use_starttls: required).
  const encrypted = rows.length > 0 ? rows.every((s) => s.security !== 'insecure') : true;
  const versions = rows.map((s) => s.security).filter((v) => v.startsWith('TLS'));
  // The oldest version seen, so a downgrade on any stream shows.
  const tlsVersion = versions.sort()[0] ?? null;
  const cipher = rows.find((s) => s.cipher !== null)?.cipher ?? null;

  // The receiver decides how the initiator is authenticated; the initiator's record is the fallback.
  const receiverSide = [...received.map(prosodyAuth), ...ejIn.map((e) => e.auth!)];
  const senderSide = [...sent.map(prosodyAuth), ...ejOut.map((e) => e.auth!)];
  const auths = receiverSide.length > 0 ? receiverSide : senderSide;
  const initiatorAuth = auths.reduce<InitiatorAuth>(
    (acc, a) => (AUTH_RANK.indexOf(a) < AUTH_RANK.indexOf(acc) ? a : acc),
    'certificate',
  );

  let receiverCertificate: DirectionLink['receiverCertificate'];
  if (reports.serverOf(from) === 'ejabberd') receiverCertificate = 'unchecked';
  else
    receiverCertificate =
      sent.length > 0 && sent.every((s) => s.certificate === 'Valid') ? 'valid' : 'invalid';

  return { encrypted, tlsVersion, cipher, initiatorAuth, receiverCertificate, sources };
}
