import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { report } from '../../core/testing/fixtures.ts';
import { gradedForStorage } from '../regrade.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { createQueue } from './create-queue.ts';
import { DEFAULT_SCAN_LIMITS } from './request-scan.ts';
import { rescanBudget, startRescans } from './rescan-scheduler.ts';
import type { ScanQueue } from './types.ts';

describe('rescan budget', () => {
  it('grows by the hourly rate and hands out whole scans, keeping the rest', () => {
    expect(rescanBudget(0, 60, 60_000, 60_000)).toEqual({ take: 1, credit: 0 });
    expect(rescanBudget(0, 30, 60_000, 60_000)).toEqual({ take: 0, credit: 0.5 });
    expect(rescanBudget(0.5, 30, 60_000, 60_000)).toEqual({ take: 1, credit: 0 });
    expect(rescanBudget(0, 600, 60_000, 60_000)).toEqual({ take: 10, credit: 0 });
  });

  it('does not burst after a long pause', () => {
    expect(rescanBudget(0, 60, 24 * 3_600_000, 60_000).take).toBe(2);
  });
});

describe('scheduled rescans', () => {
  let store: Store;
  let queue: ScanQueue;
  const now = new Date('2026-11-30T12:00:00.000Z');
  beforeAll(async () => {
    store = await openStore({ sqlitePath: ':memory:' });
    queue = await createQueue(store);
    const stored = async (domain: string, scannedAt: string) => {
      const id = await queue.enqueue(domain, new Date(scannedAt));
      await store.completeScan(id, gradedForStorage(report({ domain, scannedAt })), new Date(scannedAt));
    };
    await stored('old.example', '2026-11-01T00:00:00.000Z');
    await stored('older.example', '2026-10-01T00:00:00.000Z');
    await stored('fresh.example', '2026-11-30T00:00:00.000Z');
  });
  afterAll(() => store?.close());

  it('queues the oldest due domains within the budget, never a fresh one, never twice', async () => {
    const scheduler = startRescans(store, queue, DEFAULT_SCAN_LIMITS, {
      perHour: 60,
      olderThanMs: 7 * 86_400_000,
      tickMs: 60_000,
    });
    try {
      expect(await scheduler.tick(now)).toBe(1);
      expect((await store.getDomain('older.example'))?.lastScan?.status).toBe('queued');
      expect(await scheduler.tick(new Date(now.getTime() + 60_000))).toBe(1);
      expect((await store.getDomain('old.example'))?.lastScan?.status).toBe('queued');
      // Both due domains have a scan queued now; the fresh one is not due.
      expect(await scheduler.tick(new Date(now.getTime() + 120_000))).toBe(0);
      expect((await store.getDomain('fresh.example'))?.lastScan?.status).toBe('done');
      expect(await queue.depth()).toBe(2);
    } finally {
      await scheduler.stop();
    }
  });
});
