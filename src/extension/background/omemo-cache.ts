// What the last checks learnt about each contact's OMEMO device lists, and which contacts this check
// asks again: the oldest answers first, a bounded number per check, so a check costs the user's server
// O(refreshes due), not O(contacts). Pure: plain values in, plain values out.
import type { OmemoAnswer } from './xmpp/omemo.ts';

export interface OmemoCacheEntry {
  answer: OmemoAnswer;
  /** When the answer was read (ms since the epoch). */
  checkedAt: number;
}

/** Per contact bare JID. */
export type OmemoCache = ReadonlyMap<string, OmemoCacheEntry>;

export interface OmemoRefreshPolicy {
  /** A known answer is asked again after this. */
  maxAgeMs: number;
  /** An unknown answer (timeout, refusal) is asked again sooner. */
  unknownMaxAgeMs: number;
  /** After this, a known answer that could not be refreshed is no longer shown (unknown instead). */
  forgetAfterMs: number;
  /** At most this many contacts asked per check; the rest wait for the next check, oldest first. */
  maxPerCheck: number;
}

const HOUR = 3_600_000;

/**
 * A day (DESIGN §5). At most 250 contacts a check (about 108 KB of queries), fewer when the check's
 * byte budget is spent on observation (see `affordableRefreshes`); a check each hour can then refresh
 * 5,000 contacts a day.
 */
export const OMEMO_REFRESH_POLICY: OmemoRefreshPolicy = {
  maxAgeMs: 24 * HOUR,
  unknownMaxAgeMs: HOUR,
  forgetAfterMs: 7 * 24 * HOUR,
  maxPerCheck: 250,
};

/**
 * How many contacts' device lists fit in what is left of a check's byte budget once the observation
 * has its share: a cold check observing hundreds of new domains refreshes fewer, a warm one more.
 */
export function affordableRefreshes(budget: {
  budgetBytes: number;
  observationBytes: number;
  bytesPerContact: number;
}): number {
  const left = budget.budgetBytes - budget.observationBytes;
  return left <= 0 ? 0 : Math.floor(left / budget.bytesPerContact);
}

export interface RefreshPlan {
  /** Contacts to ask in this check, the longest unasked first. */
  due: string[];
  /** Contacts whose answer is stale but that wait for a later check (the per-check bound). */
  deferred: number;
  /** Contacts answered from the cache. */
  cached: number;
}

function staleSince(entry: OmemoCacheEntry, policy: OmemoRefreshPolicy): number {
  return entry.checkedAt + (entry.answer === null ? policy.unknownMaxAgeMs : policy.maxAgeMs);
}

/** Which contacts this check asks: never asked first, then by how long their answer has been stale. */
export function planRefresh(
  cache: OmemoCache,
  contacts: readonly string[],
  nowMs: number,
  policy: OmemoRefreshPolicy = OMEMO_REFRESH_POLICY,
): RefreshPlan {
  const unique = [...new Set(contacts)];
  const stale: { contact: string; since: number; index: number }[] = [];
  for (const [index, contact] of unique.entries()) {
    const entry = cache.get(contact);
    // An answer from the future (a clock set back) is not trusted: asked again like a missing one.
    const since = !entry || entry.checkedAt > nowMs ? Number.NEGATIVE_INFINITY : staleSince(entry, policy);
    if (since <= nowMs) stale.push({ contact, since, index });
  }
  stale.sort((a, b) => a.since - b.since || a.index - b.index);
  const due = stale.slice(0, Math.max(0, policy.maxPerCheck)).map((s) => s.contact);
  return { due, deferred: stale.length - due.length, cached: unique.length - due.length };
}

/**
 * The cache after a check: each fresh answer replaces the old one, except that an unknown answer
 * (a timeout, a refusal) does not erase a known one, which stays as old as it is and so is asked
 * first next time. Contacts no longer in the roster are dropped.
 */
export function updateCache(
  cache: OmemoCache,
  contacts: readonly string[],
  fresh: ReadonlyMap<string, OmemoAnswer>,
  nowMs: number,
): Map<string, OmemoCacheEntry> {
  const next = new Map<string, OmemoCacheEntry>();
  for (const contact of contacts) {
    const old = cache.get(contact);
    const answer = fresh.get(contact);
    if (answer === undefined) {
      if (old) next.set(contact, old);
    } else if (answer === null && old && old.answer !== null) {
      next.set(contact, old);
    } else {
      next.set(contact, { answer, checkedAt: nowMs });
    }
  }
  return next;
}

/** What the check reports per contact: the cached answer while not forgotten, else unknown. */
export function answersOf(
  cache: OmemoCache,
  contacts: readonly string[],
  nowMs: number,
  policy: OmemoRefreshPolicy = OMEMO_REFRESH_POLICY,
): Map<string, OmemoAnswer> {
  return new Map(
    contacts.map((contact) => {
      const entry = cache.get(contact);
      const usable = entry && nowMs - entry.checkedAt <= policy.forgetAfterMs && entry.checkedAt <= nowMs;
      return [contact, usable ? entry.answer : null];
    }),
  );
}
