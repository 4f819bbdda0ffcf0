// What server software does when it authenticates peers: facts from the lab (Prosody 0.12 and
// ejabberd 23.01, both with real messages) and their documentation, keyed by the software's name.
import type { SoftwareVersion } from '../observation.ts';

interface Behaviour {
  /** When it initiates a link and its own certificate is valid, it authenticates with SASL EXTERNAL. */
  initiatesWithExternal: boolean;
  /** It checks peers' DANE TLSA records by default (Prosody only with `use_dane`). */
  checksDane: boolean;
  /** It checks peers' POSH documents by default (Prosody only with a community module). */
  checksPosh: boolean;
}

const KNOWN: Record<string, Behaviour> = {
  // Lab: SASL EXTERNAL wherever the peer's certificate verified, dialback otherwise.
  prosody: { initiatesWithExternal: true, checksDane: false, checksPosh: false },
  // Lab: an ejabberd sender is authenticated by dialback on the receiving side, even with a valid
  // certificate.
  ejabberd: { initiatesWithExternal: false, checksDane: false, checksPosh: false },
};

export function behaviourOf(software: SoftwareVersion | null): Behaviour | null {
  if (software === null) return null;
  const name = software.name.trim().toLowerCase();
  for (const [key, behaviour] of Object.entries(KNOWN)) if (name.startsWith(key)) return behaviour;
  return null;
}
