// "Warm" in issue 11 means every cache fresh. A cold check asks at most a few hundred contacts' device
// lists (the rest wait, oldest first, for later checks), so at 5,000 contacts a second check would still
// be refreshing, and twenty more would pass before the cache is full. The bench fills it instead, as
// those checks would have: each contact not asked yet gets the answer its domain's asked contacts got
// (unknown where none was asked), dated now.
import type { OmemoCacheEntry } from '../../src/extension/background/omemo-cache.ts';

/** The packed form `check-memory-store.ts` keeps: [jid, 1 | 0 | null, checkedAt ms]. */
export type PackedOmemoEntry = [string, 1 | 0 | null, number];

export function filledOmemoEntries(
  contacts: readonly string[],
  asked: ReadonlyMap<string, OmemoCacheEntry>,
  nowMs: number,
): PackedOmemoEntry[] {
  const byDomain = new Map<string, OmemoCacheEntry['answer']>();
  for (const [jid, entry] of asked) byDomain.set(jid.slice(jid.indexOf('@') + 1), entry.answer);
  const pack = (answer: OmemoCacheEntry['answer']) => (answer === null ? null : answer ? 1 : 0);
  return contacts.map((jid): PackedOmemoEntry => {
    const known = asked.get(jid);
    if (known !== undefined) return [jid, pack(known.answer), known.checkedAt];
    return [jid, pack(byDomain.get(jid.slice(jid.indexOf('@') + 1)) ?? null), nowMs];
  });
}
