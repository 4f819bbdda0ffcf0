// What server software does when it authenticates peers: facts from the lab (Prosody 0.12 and
// ejabberd 23.01, both with real messages) and their documentation, keyed by the software's name.
import type { SoftwareVersion } from '../observation.ts';

// Both known implementations authenticate with SASL EXTERNAL when they initiate a link with a valid
// certificate (lab: auth=certificate on every such stream), so that is implied by a known behaviour.
interface Behaviour {
  /** When it initiates a link, it checks the receiving server's certificate. */
  verifiesReceiver: boolean;
  /** It checks peers' DANE TLSA records by default (Prosody only with `use_dane`). */
  checksDane: boolean;
  /** It checks peers' POSH documents by default (Prosody only with a community module). */
  checksPosh: boolean;
}

const KNOWN: Record<string, Behaviour> = {
  // Lab: SASL EXTERNAL wherever the peer's certificate verified, dialback otherwise; it checks the
  // receiver's certificate (and goes on by dialback without s2s_secure_auth).
  prosody: { verifiesReceiver: true, checksDane: false, checksPosh: false },
  // Lab (23.01, Debian's defaults with mod_s2s_dialback): it authenticates with SASL EXTERNAL, but does
  // not check the receiving server's certificate at all: it delivered to self-signed and expired peers.
  ejabberd: { verifiesReceiver: false, checksDane: false, checksPosh: false },
};

export function behaviourOf(software: SoftwareVersion | null): Behaviour | null {
  if (software === null) return null;
  const name = software.name.trim().toLowerCase();
  for (const [key, behaviour] of Object.entries(KNOWN)) if (name.startsWith(key)) return behaviour;
  return null;
}
