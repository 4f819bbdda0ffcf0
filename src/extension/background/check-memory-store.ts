// What one check hands the next, in storage.local: the OMEMO answers with their age, the roster
// with its version, and the contact domains' identities and versions with their age. Packed as arrays (5,000 contacts: about 200 KB each) and kept per account: another
// account's cache is never used. Both are caches: a stored value that does not read back is dropped,
// the next check asks the server again.

import type { DiscoIdentity, SoftwareVersion } from '../../core/observation.ts';
import type { OmemoCache, OmemoCacheEntry } from './omemo-cache.ts';
import type { StorageArea } from './storage.ts';
import type { ServerFacts, ServerFactsCache } from './xmpp/observe-facts.ts';
import type { OmemoAnswer } from './xmpp/omemo.ts';
import type { RosterItem, Subscription, VersionedRoster } from './xmpp/roster.ts';

const OMEMO_KEY = 'omemoCache';
const ROSTER_KEY = 'rosterCache';
const FACTS_KEY = 'serverFacts';

/** [jid, 1 | 0 | null, checkedAt ms]. */
type PackedOmemo = [string, 1 | 0 | null, number];
/** [jid, name, subscription, pending out 1 | 0, groups]. */
type PackedItem = [string, string | null, Subscription, 1 | 0, string[]];

const record = (value: unknown): Record<string, unknown> | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;

function unpackOmemo(row: unknown): [string, OmemoCacheEntry] | null {
  if (!Array.isArray(row) || row.length !== 3) return null;
  const [jid, answer, checkedAt] = row as unknown[];
  if (typeof jid !== 'string' || typeof checkedAt !== 'number' || !Number.isFinite(checkedAt)) return null;
  const known: OmemoAnswer | undefined =
    answer === 1 ? true : answer === 0 ? false : answer === null ? null : undefined;
  return known === undefined ? null : [jid, { answer: known, checkedAt }];
}

export async function readOmemoCache(
  area: StorageArea,
  account: string,
): Promise<Map<string, OmemoCacheEntry>> {
  const stored = record((await area.get([OMEMO_KEY]))[OMEMO_KEY]);
  if (stored?.account !== account || !Array.isArray(stored.entries)) return new Map();
  return new Map(stored.entries.map(unpackOmemo).filter((entry) => entry !== null));
}

export async function writeOmemoCache(area: StorageArea, account: string, cache: OmemoCache): Promise<void> {
  const entries: PackedOmemo[] = [...cache].map(([jid, { answer, checkedAt }]) => [
    jid,
    answer === null ? null : answer ? 1 : 0,
    checkedAt,
  ]);
  await area.set({ [OMEMO_KEY]: { account, entries } });
}

const SUBSCRIPTIONS: readonly string[] = ['none', 'to', 'from', 'both'];

function unpackItem(row: unknown): RosterItem | null {
  if (!Array.isArray(row) || row.length !== 5) return null;
  const [jid, name, subscription, pendingOut, groups] = row as unknown[];
  if (typeof jid !== 'string' || (name !== null && typeof name !== 'string')) return null;
  if (typeof subscription !== 'string' || !SUBSCRIPTIONS.includes(subscription)) return null;
  if (!Array.isArray(groups) || !groups.every((g) => typeof g === 'string')) return null;
  return { jid, name, subscription: subscription as Subscription, pendingOut: pendingOut === 1, groups };
}

/**
 * The stored roster of `account`, or null when there is none. One unreadable item voids it all: a
 * roster with a contact missing would be sent as "unchanged" and the contact lost until it changes.
 */
export async function readStoredRoster(area: StorageArea, account: string): Promise<VersionedRoster | null> {
  const stored = record((await area.get([ROSTER_KEY]))[ROSTER_KEY]);
  if (stored?.account !== account || typeof stored.version !== 'string' || !Array.isArray(stored.items))
    return null;
  const items = stored.items.map(unpackItem);
  if (items.some((item) => item === null)) return null;
  return { version: stored.version, items: items as RosterItem[] };
}

/** Stores the roster when the server versions it; otherwise there is nothing to ask with next time. */
export async function writeStoredRoster(
  area: StorageArea,
  account: string,
  roster: VersionedRoster,
): Promise<void> {
  if (roster.version === null) {
    await area.remove([ROSTER_KEY]);
    return;
  }
  const items: PackedItem[] = roster.items.map((item) => [
    item.jid,
    item.name,
    item.subscription,
    item.pendingOut ? 1 : 0,
    item.groups,
  ]);
  await area.set({ [ROSTER_KEY]: { account, version: roster.version, items } });
}

function readSoftware(value: unknown): SoftwareVersion | null | undefined {
  if (value === null) return null;
  const v = record(value);
  if (!v || typeof v.name !== 'string' || (v.version !== null && typeof v.version !== 'string'))
    return undefined;
  return { name: v.name, version: v.version as string | null };
}

function readIdentity(value: unknown): DiscoIdentity | null {
  const v = record(value);
  if (!v || typeof v.category !== 'string' || typeof v.type !== 'string') return null;
  if (v.name !== null && typeof v.name !== 'string') return null;
  return { category: v.category, type: v.type, name: v.name as string | null };
}

function unpackFacts(row: unknown): [string, ServerFacts] | null {
  if (!Array.isArray(row) || row.length !== 4) return null;
  const [domain, software, identities, checkedAt] = row as unknown[];
  if (typeof domain !== 'string' || typeof checkedAt !== 'number' || !Number.isFinite(checkedAt)) return null;
  const version = readSoftware(software);
  if (version === undefined || !Array.isArray(identities)) return null;
  const read = identities.map(readIdentity);
  if (read.some((identity) => identity === null)) return null;
  return [domain, { software: version, identities: read as DiscoIdentity[], checkedAt }];
}

export async function readServerFacts(area: StorageArea, account: string): Promise<Map<string, ServerFacts>> {
  const stored = record((await area.get([FACTS_KEY]))[FACTS_KEY]);
  if (stored?.account !== account || !Array.isArray(stored.entries)) return new Map();
  return new Map(stored.entries.map(unpackFacts).filter((entry) => entry !== null));
}

export async function writeServerFacts(
  area: StorageArea,
  account: string,
  facts: ServerFactsCache,
): Promise<void> {
  const entries = [...facts].map(([domain, f]) => [domain, f.software, f.identities, f.checkedAt]);
  await area.set({ [FACTS_KEY]: { account, entries } });
}
