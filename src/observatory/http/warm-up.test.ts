import { describe, expect, it } from 'vitest';
import { SqliteScanQueue } from '../queue/sqlite-queue.ts';
import { openStore } from '../store/open-store.ts';
import { buildServer } from './server.ts';
import { warmUp } from './warm-up.ts';

describe('warmUp', () => {
  it('answers every warm-up request without a server error, and stores and queues nothing', async () => {
    const store = await openStore({ sqlitePath: ':memory:' });
    const app = await buildServer({ store, queue: new SqliteScanQueue(store) });
    try {
      const errors: string[] = [];
      await warmUp(app, (message) => errors.push(message));
      expect(errors).toEqual([]);
      expect(await store.getDomain('warm-up.example')).toBeNull();
      for (const state of ['queued', 'running', 'done', 'failed'] as const)
        expect(await store.countScans(state)).toBe(0);
    } finally {
      await app.close();
      await store.close();
    }
  });
});
