// From a roster, OMEMO answers, the observed s2s links and domain summaries to one result per contact,
// worst first: the path model (src/core/path.ts) does the judging, this only feeds it and orders the
// rows. Pure.
import { parseJid } from '../../core/domain.ts';
import type { S2sObservation, SoftwareVersion } from '../../core/observation.ts';
import { compareLights, computePath, e2e } from '../../core/path.ts';
import { phrase } from '../../core/phrase.ts';
import { type Reason, reason } from '../../core/reason.ts';
import type { DomainSummary } from '../../core/summary.ts';
import type { ContactResult } from '../shared/check-types.ts';

export interface Contact {
  jid: string;
  name: string | null;
}

export interface ContactPathsInput {
  /** The user's bare JID. */
  account: string;
  contacts: readonly Contact[];
  /** Per contact JID; missing means unknown. */
  omemo: ReadonlyMap<string, boolean | null>;
  /** Empty when the observatory could not be reached: the paths then rest on observation alone. */
  summaries: ReadonlyMap<string, DomainSummary>;
  transportSecure: boolean;
  /** Per contact domain: what the user's own server said when asked to reach it; missing: not observed. */
  observations: ReadonlyMap<string, S2sObservation>;
  /** XEP-0092 of the user's own server, when it answered. */
  userSoftware: SoftwareVersion | null;
  now: Date;
}

export function contactResults(input: ContactPathsInput): ContactResult[] {
  const account = parseJid(input.account);
  if (!account.ok) throw new Error(`The account ${input.account} is not a JID: ${account.error}`);
  const userDomain = account.jid.domain;
  const results = input.contacts.map((contact): ContactResult => {
    const parsed = parseJid(contact.jid);
    if (!parsed.ok) {
      const why = reason(phrase('path_bad_address'), {
        detail: phrase('path_detail_bad_address', parsed.error),
      });
      return unknownContact(contact, why);
    }
    const contactDomain = parsed.jid.domain;
    try {
      const path = computePath({
        userDomain,
        contactDomain,
        user: input.summaries.get(userDomain) ?? null,
        contact: input.summaries.get(contactDomain) ?? null,
        transportSecure: input.transportSecure,
        sameDomain: contactDomain === userDomain,
        omemo: input.omemo.get(contact.jid) ?? null,
        observation: input.observations.get(contactDomain) ?? null,
        userSoftware: input.userSoftware,
        now: input.now,
      });
      return {
        jid: contact.jid,
        name: contact.name,
        light: path.light,
        reasons: path.reasons,
        hops: path.hops.map(({ name, from, to, light, reasons }) => ({ name, from, to, light, reasons })),
        e2e: { light: path.e2e.light, label: path.e2e.label, reasons: path.e2e.reasons },
        scans: [...new Set([userDomain, contactDomain])].map((domain) => ({
          domain,
          scannedAt: input.summaries.get(domain)?.scannedAt ?? null,
        })),
      };
    } catch {
      // A malformed summary (ShapeError) greys this contact only; its text is for developers, not here.
      return unknownContact(
        contact,
        reason(phrase('path_data_unusable', contactDomain), { about: contactDomain }),
      );
    }
  });
  return sortWorstFirst(results);
}

/** Worst light first, then by name or JID, so the order is stable between checks. */
export function sortWorstFirst(results: ContactResult[]): ContactResult[] {
  return [...results].sort(
    (a, b) =>
      compareLights(a.light, b.light) ||
      (a.name ?? a.jid).localeCompare(b.name ?? b.jid) ||
      a.jid.localeCompare(b.jid),
  );
}

function unknownContact(contact: Contact, why: Reason): ContactResult {
  const { light, label, reasons } = e2e(null);
  return {
    jid: contact.jid,
    name: contact.name,
    light: 'grey',
    reasons: [why],
    hops: [],
    e2e: { light, label, reasons },
  };
}
