// The truth rule (DESIGN §1) as pure code: what really happened to messages, in, a light out.
// bounced or lost → red; delivered in plaintext → red; delivered over TLS with dialback (or an
// unverified receiver) → yellow; certificates both ways and TLS ≥ 1.2 → green. A contact's truth is
// the worse of the two directions (your messages and their replies).
import type { DirectionTruth } from './types.ts';

export type TruthLight = 'green' | 'yellow' | 'red' | 'grey';

export interface TruthVerdict {
  light: TruthLight;
  reasons: string[];
}

const ORDER: readonly TruthLight[] = ['red', 'grey', 'yellow', 'green'];

export function worseLight(a: TruthLight, b: TruthLight): TruthLight {
  return ORDER.indexOf(a) <= ORDER.indexOf(b) ? a : b;
}

const MODERN_TLS = new Set(['TLSv1.2', 'TLSv1.3']);

/** The light of one direction, with why. */
export function directionVerdict(d: DirectionTruth): TruthVerdict {
  const arrow = `${d.from} → ${d.to}`;
  if (d.fate.kind === 'bounced') {
    const why = [d.fate.condition, d.fate.text].filter(Boolean).join(': ');
    return { light: 'red', reasons: [`${arrow} bounced (${why})`] };
  }
  if (d.fate.kind === 'lost') {
    return { light: 'red', reasons: [`${arrow} neither delivered nor bounced within ${d.fate.waitedMs} ms`] };
  }
  if (d.sameServer)
    return { light: 'green', reasons: [`${arrow} delivered by the same server: no s2s link`] };
  const link = d.link;
  // Delivered, yet no server reported the stream: the truth is not known, and the test says so.
  if (link === null)
    return { light: 'grey', reasons: [`${arrow} delivered, but no server reported the link`] };
  if (!link.encrypted) return { light: 'red', reasons: [`${arrow} delivered in plaintext`] };
  const reasons: string[] = [];
  if (link.tlsVersion === null || !MODERN_TLS.has(link.tlsVersion))
    reasons.push(`${arrow} over ${link.tlsVersion ?? 'an unknown TLS version'}`);
  if (link.initiatorAuth !== 'certificate')
    reasons.push(`${arrow}: ${d.to} authenticated ${d.from} by ${link.initiatorAuth}`);
  if (link.receiverCertificate !== 'valid')
    reasons.push(
      `${arrow}: ${d.from} ${link.receiverCertificate === 'unchecked' ? 'did not check' : 'could not verify'} ${d.to}'s certificate`,
    );
  if (reasons.length > 0) return { light: 'yellow', reasons };
  return { light: 'green', reasons: [`${arrow} ${link.tlsVersion}, certificates both ways`] };
}

/** A contact's truth: the worse of the user's messages (U→C) and the contact's replies (C→U). */
export function contactVerdict(toContact: DirectionTruth, toUser: DirectionTruth | null): TruthVerdict {
  const there = directionVerdict(toContact);
  if (toUser === null) return there;
  const back = directionVerdict(toUser);
  const light = worseLight(there.light, back.light);
  const reasons = [there, back].filter((v) => v.light === light).flatMap((v) => v.reasons);
  return { light, reasons };
}
