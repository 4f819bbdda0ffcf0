// What a contact domain's server says of itself (disco#info identities, XEP-0092 version) changes
// rarely, unlike whether the user's server reaches it: a check pings every domain, but asks disco and
// version again only once the facts are a day old, so a warm check costs one IQ per domain. Pure.
import type { DiscoIdentity, S2sObservation, SoftwareVersion } from '../../../core/observation.ts';

export interface ServerFacts {
  software: SoftwareVersion | null;
  identities: DiscoIdentity[];
  /** When disco and version were answered (ms since the epoch). */
  checkedAt: number;
}

/** Per contact domain. */
export type ServerFactsCache = ReadonlyMap<string, ServerFacts>;

export const SERVER_FACTS_MAX_AGE_MS = 24 * 3_600_000;

/** The facts to reuse for `domain`, or null when there are none or they are a day old (or dated ahead). */
export function freshFacts(
  cache: ServerFactsCache,
  domain: string,
  nowMs: number,
  maxAgeMs = SERVER_FACTS_MAX_AGE_MS,
): ServerFacts | null {
  const facts = cache.get(domain);
  if (!facts || facts.checkedAt > nowMs || nowMs - facts.checkedAt >= maxAgeMs) return null;
  return facts;
}

/**
 * The cache after a check: a domain that answered disco or version this time gets its new facts, one
 * whose facts were reused keeps them with their age, the others keep theirs until they are a day old.
 * Only the domains of this check are kept.
 */
export function updateFacts(
  cache: ServerFactsCache,
  observations: Iterable<S2sObservation>,
  reused: ReadonlySet<string>,
  nowMs: number,
): Map<string, ServerFacts> {
  const next = new Map<string, ServerFacts>();
  for (const observation of observations) {
    const old = freshFacts(cache, observation.domain, nowMs);
    const answered = observation.software !== null || observation.identities.length > 0;
    if (answered && !reused.has(observation.domain)) {
      next.set(observation.domain, {
        software: observation.software,
        identities: observation.identities,
        checkedAt: nowMs,
      });
    } else if (old) {
      next.set(observation.domain, old);
    }
  }
  return next;
}
