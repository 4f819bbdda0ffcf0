// Retention and the snapshot's validator: what the store forgets, and an ETag that follows content.
import { gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceSummary } from '../../src/core/summary.ts';
import { domainSummary, report } from '../../src/core/testing/fixtures.ts';
import { buildServer } from '../../src/observatory/http/server.ts';
import { SqliteScanQueue } from '../../src/observatory/queue/sqlite-queue.ts';
import { openStore } from '../../src/observatory/store/open-store.ts';
import type { GradedReport } from '../../src/observatory/store/records.ts';
import { DEFAULT_RETENTION } from '../../src/observatory/store/retention.ts';
import type { Store } from '../../src/observatory/store/store.ts';

const DAY = 86_400_000;
const unreachable: Partial<ServiceSummary> = { availability: 'none', noService: 'nxdomain', grade: null };

let store: Store;
let queue: SqliteScanQueue;
let app: FastifyInstance;
beforeEach(async () => {
  store = await openStore({ sqlitePath: ':memory:' });
  queue = new SqliteScanQueue(store);
  app = await buildServer({ store, queue, pages: false });
});
afterEach(async () => {
  await app.close();
  await store.close();
});

function graded(domain: string, scannedAt: Date, reachable: boolean): GradedReport {
  const summary = domainSummary(domain, reachable ? {} : { c2s: unreachable, s2s: unreachable });
  return {
    report: report({ domain, scannedAt: scannedAt.toISOString() }),
    summary: { ...summary, scannedAt: scannedAt.toISOString() },
  };
}

/** A scan asked for and completed at `at`. */
async function scanned(domain: string, at: Date, reachable: boolean): Promise<string> {
  const id = await queue.enqueue(domain, at);
  await store.completeScan(id, graded(domain, at, reachable), at);
  return id;
}

async function snapshot(headers: Record<string, string> = {}) {
  return app.inject({ method: 'GET', url: '/api/v1/snapshot', headers });
}

const snapshotDomains = async () =>
  (
    JSON.parse(gunzipSync((await snapshot({ 'accept-encoding': 'gzip' })).rawPayload).toString()) as {
      domains: { domain: string }[];
    }
  ).domains.map((d) => d.domain);

describe('retention', () => {
  it('keeps the newest scans of each domain, and always its latest report', async () => {
    const start = Date.parse('2026-11-01T00:00:00Z');
    const ids: string[] = [];
    for (let i = 0; i < 25; i++)
      ids.push(await scanned('busy.example', new Date(start + i * 3_600_000), true));
    const failed = await queue.enqueue('busy.example', new Date(start + 26 * 3_600_000));
    await store.failScan(failed, 'timed out', new Date(start + 26 * 3_600_000));
    const result = await store.prune(new Date(start + 30 * 3_600_000), {
      ...DEFAULT_RETENTION,
      scansPerDomain: 5,
    });
    expect(result.scansDeleted).toBe(21);
    const history = await store.scanHistory('busy.example', 100);
    expect(history.map((h) => h.id)).toEqual([failed, ...ids.slice(-4).reverse()]);
    expect((await store.getDomain('busy.example'))?.reportId).toBe(ids[24]);
    expect(await store.db.selectFrom('reports').select('id').execute()).toHaveLength(4);
  });

  it('drops domains that never had a reachable server once their last scan is old, and only those', async () => {
    const now = new Date('2026-11-30T00:00:00Z');
    await scanned('junk-old.example', new Date(now.getTime() - 8 * DAY), false);
    await scanned('junk-new.example', new Date(now.getTime() - 2 * DAY), false);
    // Reachable once, unreachable since: a real server that went away is kept.
    await scanned('was-up.example', new Date(now.getTime() - 30 * DAY), true);
    await scanned('was-up.example', new Date(now.getTime() - 9 * DAY), false);
    // Old junk with a rescan waiting is kept until that scan has run.
    await scanned('junk-queued.example', new Date(now.getTime() - 9 * DAY), false);
    await queue.enqueue('junk-queued.example', now);

    const before = await snapshot();
    const result = await store.prune(now, DEFAULT_RETENTION);
    expect(result.domainsDropped).toBe(1);
    expect(await store.getDomain('junk-old.example')).toBeNull();
    expect(await store.scanHistory('junk-old.example')).toEqual([]);
    expect(await snapshotDomains()).toEqual(['junk-new.example', 'junk-queued.example', 'was-up.example']);
    expect((await snapshot()).headers.etag).not.toBe(before.headers.etag);
  });
});

describe('the snapshot', () => {
  it('keeps its ETag when its content does not change, and changes it when it does', async () => {
    const id = await scanned('same.example', new Date('2026-11-20T00:00:00Z'), true);
    const first = await snapshot();
    // A re-grade that changes nothing (e.g. at start-up under the same rubric) rewrites the row.
    await store.replaceReport(id, graded('same.example', new Date('2026-11-20T00:00:00Z'), true));
    const again = await snapshot({ 'if-none-match': first.headers.etag as string });
    expect(again.statusCode).toBe(304);
    // A failed scan is not in the snapshot either.
    const failed = await queue.enqueue('other.example', new Date('2026-11-21T00:00:00Z'));
    await store.failScan(failed, 'no answer', new Date('2026-11-21T00:00:00Z'));
    expect((await snapshot()).headers.etag).toBe(first.headers.etag);
    await scanned('new.example', new Date('2026-11-22T00:00:00Z'), true);
    expect((await snapshot()).headers.etag).not.toBe(first.headers.etag);
  });

  it('serves clients without gzip a cached plain body, the same as the gzip one inflated', async () => {
    for (let i = 0; i < 50; i++) await scanned(`d${i}.example`, new Date('2026-11-20T00:00:00Z'), true);
    const gzip = await snapshot({ 'accept-encoding': 'gzip' });
    const plain = await snapshot({ 'accept-encoding': 'identity' });
    expect(plain.body).toBe(gunzipSync(gzip.rawPayload).toString());
    // A cached buffer is sent with its length; a body inflated per request would be streamed (chunked).
    expect(plain.headers['content-length']).toBe(String(plain.rawPayload.length));
    expect(plain.headers['transfer-encoding']).toBeUndefined();
    expect(plain.headers.etag).toBe(gzip.headers.etag);
  });
});
