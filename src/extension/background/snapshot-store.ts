// Where the observatory snapshot lives between checks. storage.local holds 10 MB without the
// `unlimitedStorage` permission, about 6,000 domains of summaries; the observatory aims at 100,000.
// So the body goes to the Cache API (MV3 service workers and Firefox event pages have it; its quota is
// a share of the disk, with no permission to ask for), and storage.local keeps only a few small facts.
import type { DomainSummary } from '../../core/summary.ts';
import { apiUrl, type SnapshotCache } from './observatory.ts';
import type { StorageArea } from './storage.ts';

export interface SnapshotStore {
  /** The snapshot last stored for this observatory; null when none, another observatory's, or unreadable. */
  read(observatoryUrl: string): Promise<SnapshotCache | null>;
  /**
   * Stores a snapshot. `revalidated`: the observatory answered 304 for the stored one, so only the
   * small facts change and the body is not written again.
   */
  write(observatoryUrl: string, snapshot: SnapshotCache, revalidated: boolean): Promise<void>;
}

/** The part of the Cache API (`globalThis.caches`) used here. */
export interface SnapshotCaches {
  open(name: string): Promise<Pick<Cache, 'match' | 'put'>>;
  delete(name: string): Promise<boolean>;
}

/** What storage.local keeps about the snapshot: a few hundred bytes whatever its size. */
export interface SnapshotFacts {
  observatoryUrl: string;
  fetchedAt: string;
  domainCount: number;
}

export const SNAPSHOT_CACHE = 'hoplight-snapshot';
export const SNAPSHOT_FACTS_KEY = 'snapshotFacts';
/** Where versions before the Cache API kept the whole snapshot; removed on the first write. */
export const LEGACY_SNAPSHOT_KEY = 'snapshot';

export function cacheSnapshotStore(caches: SnapshotCaches, local: StorageArea): SnapshotStore {
  const key = (observatoryUrl: string) => apiUrl(observatoryUrl, 'api/v1/snapshot');
  return {
    async read(observatoryUrl) {
      const facts = parseFacts((await local.get([SNAPSHOT_FACTS_KEY]))[SNAPSHOT_FACTS_KEY]);
      if (!facts || facts.observatoryUrl !== observatoryUrl) return null;
      try {
        const response = await (await caches.open(SNAPSHOT_CACHE)).match(key(observatoryUrl));
        if (!response) return null;
        // The ETag travels with the body it names, so a body and a foreign ETag never pair up.
        const etag = response.headers.get('etag');
        const domains = summariesFromCache(await response.json());
        return domains ? { etag, fetchedAt: facts.fetchedAt, domains } : null;
      } catch {
        // A cache the browser evicted or a body cut short: the next check downloads it again.
        return null;
      }
    },
    async write(observatoryUrl, snapshot, revalidated) {
      if (!revalidated) {
        try {
          // One snapshot at a time: dropping the whole cache also drops another observatory's.
          await caches.delete(SNAPSHOT_CACHE);
          const headers = new Headers({ 'content-type': 'application/json' });
          if (snapshot.etag) headers.set('etag', snapshot.etag);
          // A list, not an object keyed by domain: nothing in it is ever an object's key.
          const body = JSON.stringify([...snapshot.domains.values()]);
          await (await caches.open(SNAPSHOT_CACHE)).put(key(observatoryUrl), new Response(body, { headers }));
        } catch (error) {
          // No Cache API here (Firefox private windows refuse it) or no room: this check has its
          // snapshot in hand, and the next one downloads it again.
          console.warn('Hoplight: the observatory snapshot could not be cached', error);
        }
      }
      const facts: SnapshotFacts = {
        observatoryUrl,
        fetchedAt: snapshot.fetchedAt,
        domainCount: snapshot.domains.size,
      };
      await local.set({ [SNAPSHOT_FACTS_KEY]: facts });
      await local.remove([LEGACY_SNAPSHOT_KEY]);
    },
  };
}

/** For a browser without the Cache API: the snapshot lives as long as the background does. */
export function memorySnapshotStore(): SnapshotStore {
  let kept: { observatoryUrl: string; snapshot: SnapshotCache } | null = null;
  return {
    async read(observatoryUrl) {
      return kept?.observatoryUrl === observatoryUrl ? kept.snapshot : null;
    },
    async write(observatoryUrl, snapshot) {
      kept = { observatoryUrl, snapshot };
    },
  };
}

/** What an earlier write cached: a list of summaries (an object keyed by domain before). */
function summariesFromCache(value: unknown): Map<string, DomainSummary> | null {
  const list = Array.isArray(value)
    ? value
    : typeof value === 'object' && value !== null
      ? Object.values(value)
      : null;
  if (!list) return null;
  const domains = new Map<string, DomainSummary>();
  for (const summary of list as Partial<DomainSummary>[]) {
    // Ours, but garbled: download it again rather than use part of it.
    if (typeof summary?.domain !== 'string') return null;
    domains.set(summary.domain, summary as DomainSummary);
  }
  return domains;
}

function parseFacts(value: unknown): SnapshotFacts | null {
  const f = value as SnapshotFacts | null | undefined;
  return typeof f === 'object' &&
    f !== null &&
    typeof f.observatoryUrl === 'string' &&
    typeof f.fetchedAt === 'string'
    ? f
    : null;
}
