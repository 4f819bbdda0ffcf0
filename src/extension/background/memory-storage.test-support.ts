// storage.local's contract over a Map, JSON-cloned like the browser does, for unit tests; the
// browser tests use the real storage areas.
import type { StorageArea } from './storage.ts';

export function memoryStorage(
  initial: Record<string, unknown> = {},
): StorageArea & { data: Map<string, unknown> } {
  const data = new Map(Object.entries(initial));
  return {
    data,
    async get(keys) {
      return Object.fromEntries(
        keys.filter((k) => data.has(k)).map((k) => [k, structuredClone(data.get(k))]),
      );
    },
    async set(items) {
      for (const [k, v] of Object.entries(items)) data.set(k, JSON.parse(JSON.stringify(v)));
    },
    async remove(keys) {
      for (const k of keys) data.delete(k);
    },
  };
}
