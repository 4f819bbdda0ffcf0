// The snapshot store with a 100,000-domain snapshot (the observatory's target), as the check cycle
// uses it: download, store, revalidate with the ETag. Node has no Cache API, so `memoryCaches` below
// stands in for it with the same contract (a fresh Response per match); the browser test
// (test/browser/e2e-check.test.ts) checks the real one.
import { describe, expect, it, vi } from 'vitest';
import { domainSummary } from '../../core/testing/fixtures.ts';
import { memoryStorage } from './memory-storage.test-support.ts';
import { type ObservatoryOptions, refreshSnapshot } from './observatory.ts';
import {
  cacheSnapshotStore,
  LEGACY_SNAPSHOT_KEY,
  SNAPSHOT_CACHE,
  SNAPSHOT_FACTS_KEY,
  type SnapshotCaches,
} from './snapshot-store.ts';
import type { StorageArea } from './storage.ts';

/** storage.local's quota without `unlimitedStorage` (chrome.storage.local.QUOTA_BYTES). */
const LOCAL_QUOTA_BYTES = 10 * 1024 * 1024;
const OBSERVATORY = 'https://observatory.example/';

/** storage.local that refuses to grow past its quota, as Chrome does. */
function quotaStorage(): StorageArea & { bytes(): number } {
  const area = memoryStorage();
  const bytes = () => [...area.data].reduce((n, [k, v]) => n + k.length + JSON.stringify(v).length, 0);
  return {
    ...area,
    bytes,
    async set(items) {
      const before = new Map(area.data);
      await area.set(items);
      if (bytes() > LOCAL_QUOTA_BYTES) {
        area.data.clear();
        for (const [k, v] of before) area.data.set(k, v);
        throw new Error('QUOTA_BYTES quota exceeded');
      }
    },
  };
}

function memoryCaches(): SnapshotCaches & { stores: Map<string, Map<string, ArrayBuffer[]>> } {
  const stores = new Map<string, Map<string, ArrayBuffer[]>>();
  const headersOf = new Map<ArrayBuffer, Headers>();
  return {
    stores,
    async open(name) {
      const entries = stores.get(name) ?? new Map<string, ArrayBuffer[]>();
      stores.set(name, entries);
      return {
        async match(request: RequestInfo | URL) {
          const [body] = entries.get(String(request)) ?? [];
          return body ? new Response(body.slice(0), { headers: headersOf.get(body) }) : undefined;
        },
        async put(request: RequestInfo | URL, response: Response) {
          const body = await response.arrayBuffer();
          headersOf.set(body, new Headers(response.headers));
          entries.set(String(request), [body]);
        },
      } as Pick<Cache, 'match' | 'put'>;
    },
    async delete(name) {
      return stores.delete(name);
    },
  };
}

/** A 100,000-domain snapshot body, as the API serves it. */
function bigSnapshotBody(count: number): string {
  const domains = Array.from({ length: count }, (_, i) =>
    domainSummary(`d${i}.example`, {
      c2s: { tlsVersions: ['TLSv1.2', 'TLSv1.3'], findings: [] },
      s2s: { dialback: i % 3 === 0 },
    }),
  );
  return JSON.stringify({ rubricVersion: 1, domains });
}

describe('the snapshot store with 100,000 domains', () => {
  const count = 100_000;
  const body = bigSnapshotBody(count);
  const requests: (string | null)[] = [];
  const options: ObservatoryOptions = {
    baseUrl: OBSERVATORY,
    timeoutMs: 60_000,
    fetch: async (_url, init) => {
      const etag = new Headers(init?.headers).get('if-none-match');
      requests.push(etag);
      return etag === '"big-1"'
        ? new Response(null, { status: 304 })
        : new Response(body, { headers: { etag: '"big-1"', 'content-type': 'application/json' } });
    },
  };

  it('keeps the body out of storage.local, which could not hold it', async () => {
    expect(body.length).toBeGreaterThan(LOCAL_QUOTA_BYTES);
    const local = quotaStorage();
    await local.set({ [LEGACY_SNAPSHOT_KEY]: { etag: null, fetchedAt: 'x', domains: {} } });
    const caches = memoryCaches();
    const store = cacheSnapshotStore(caches, local);

    expect(await store.read(OBSERVATORY)).toBeNull();
    const first = await refreshSnapshot(options, null, new Date('2026-11-24T18:00:00Z'));
    await store.write(OBSERVATORY, first, false);
    expect(local.bytes()).toBeLessThan(1024);
    expect(await local.get([LEGACY_SNAPSHOT_KEY])).toEqual({});
    expect((await local.get([SNAPSHOT_FACTS_KEY]))[SNAPSHOT_FACTS_KEY]).toEqual({
      observatoryUrl: OBSERVATORY,
      fetchedAt: '2026-11-24T18:00:00.000Z',
      domainCount: count,
    });
    // The old way fails at this size: storage.local refuses it.
    await expect(
      local.set({ [LEGACY_SNAPSHOT_KEY]: { ...first, domains: Object.fromEntries(first.domains) } }),
    ).rejects.toThrow(/quota/);

    // The next check reads it back (as a background that restarted would) and revalidates by ETag.
    const restarted = cacheSnapshotStore(caches, local);
    const cached = await restarted.read(OBSERVATORY);
    expect(cached?.etag).toBe('"big-1"');
    expect(cached?.domains.size).toBe(count);
    expect(cached?.domains.get('d99999.example')).toEqual(first.domains.get('d99999.example'));
    const later = new Date('2026-11-24T19:00:00Z');
    const second = await refreshSnapshot(options, cached, later);
    expect(requests).toEqual([null, '"big-1"']);
    expect(second.domains).toBe(cached?.domains);
    await restarted.write(OBSERVATORY, second, true);
    expect((await restarted.read(OBSERVATORY))?.fetchedAt).toBe(later.toISOString());
    // 100,000 summaries parsed and checked twice: seconds on a busy 2-core machine, not a timing claim.
  }, 60_000);
});

describe('cacheSnapshotStore', () => {
  const snapshot = {
    etag: '"v1"',
    fetchedAt: '2026-11-24T18:00:00.000Z',
    domains: new Map([['a.example', domainSummary('a.example')]]),
  };

  it("gives nothing for another observatory, and drops the old one's body when it stores the new", async () => {
    const caches = memoryCaches();
    const store = cacheSnapshotStore(caches, memoryStorage());
    await store.write(OBSERVATORY, snapshot, false);
    expect(await store.read('https://other.example/')).toBeNull();
    await store.write('https://other.example/', { ...snapshot, etag: null }, false);
    expect([...(caches.stores.get(SNAPSHOT_CACHE)?.keys() ?? [])]).toEqual([
      'https://other.example/api/v1/snapshot',
    ]);
    expect(await store.read('https://other.example/')).toEqual({ ...snapshot, etag: null });
  });

  it('gives nothing, rather than failing the check, when the cache lost or garbled the body', async () => {
    const caches = memoryCaches();
    const local = memoryStorage();
    const store = cacheSnapshotStore(caches, local);
    await store.write(OBSERVATORY, snapshot, false);
    await caches.delete(SNAPSHOT_CACHE);
    expect(await store.read(OBSERVATORY)).toBeNull();

    await (await caches.open(SNAPSHOT_CACHE)).put(
      `${OBSERVATORY}api/v1/snapshot`,
      new Response('{"cut short', { headers: { etag: '"v1"' } }),
    );
    expect(await store.read(OBSERVATORY)).toBeNull();
    await (await caches.open(SNAPSHOT_CACHE)).put(`${OBSERVATORY}api/v1/snapshot`, new Response('[1,2]'));
    expect(await store.read(OBSERVATORY)).toBeNull();

    await local.set({ [SNAPSHOT_FACTS_KEY]: 'garbage' });
    expect(await store.read(OBSERVATORY)).toBeNull();
  });

  it('lets the check go on, keeping nothing, where the browser refuses the Cache API', async () => {
    const refusing: SnapshotCaches = {
      open: async () => {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
      delete: async () => {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
    };
    const store = cacheSnapshotStore(refusing, memoryStorage());
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      await store.write(OBSERVATORY, snapshot, false);
      expect(warn).toHaveBeenCalledOnce();
    } finally {
      warn.mockRestore();
    }
    expect(await store.read(OBSERVATORY)).toBeNull();
  });
});
