// The API v1 tests, run once against SQLite and once against PostgreSQL (api-*.test.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainReport } from '../../src/core/report.ts';
import { RUBRIC_VERSION } from '../../src/core/rubric.ts';
import { decodeSnapshot } from '../../src/observatory/api/snapshot-codec.ts';
import { buildServer } from '../../src/observatory/http/server.ts';
import { createQueue } from '../../src/observatory/queue/create-queue.ts';
import type { ScanFn, ScanQueue } from '../../src/observatory/queue/types.ts';
import { startWorker, type Worker } from '../../src/observatory/queue/worker.ts';
import { regradeStored } from '../../src/observatory/regrade.ts';
import type { Store } from '../../src/observatory/store/store.ts';
import { type CountingScan, counting, fixedReport } from './observatory-scan.ts';

export interface Backend {
  name: string;
  /** A fresh, empty, migrated store. */
  open(): Promise<Store>;
  /** Short timings for tests (pg-boss polling, SQLite poll). */
  queueOptions: Parameters<typeof createQueue>[1];
}

const EXT = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';

/** Polls until the scan left the queue; a bounded number of rounds, so a stuck job fails the test. */
export async function waitForScan(
  app: FastifyInstance,
  id: string,
  rounds = 200,
): Promise<Record<string, unknown>> {
  for (let i = 0; i < rounds; i++) {
    const res = await app.inject({ method: 'GET', url: `/api/v1/scans/${id}` });
    const body = res.json();
    if (body.status === 'done' || body.status === 'failed') return body;
    await sleep(100);
  }
  throw new Error(`scan ${id} did not finish`);
}

async function storedCounts(store: Store) {
  const stats = await store.stats();
  return {
    domains: stats.domains,
    scans: stats.scans,
    lastRequested: await store.db
      .selectFrom('domains')
      .select(['domain', 'last_requested_at'])
      .orderBy('domain')
      .execute(),
  };
}

export function apiSuite(backend: Backend, scanner: () => Promise<ScanFn>): void {
  describe(`API v1 on ${backend.name}`, () => {
    let store: Store;
    let queue: ScanQueue;
    let worker: Worker;
    let app: FastifyInstance;
    let scans: CountingScan;

    beforeAll(async () => {
      store = await backend.open();
      queue = await createQueue(store, backend.queueOptions);
      const inner = await scanner();
      // A scanner failure (e.g. an unreachable resolver) must end as a failed scan, not a stuck one.
      scans = counting(async (domain) => {
        if (domain.startsWith('broken')) throw new Error('The resolver did not answer.');
        return inner(domain);
      });
      worker = await startWorker(store, queue, scans.scan, { concurrency: 2 });
      app = await buildServer({ store, queue, limits: { cooldownMs: 3_600_000, maxQueued: 100 } });
    });

    afterAll(async () => {
      await app?.close();
      await worker?.stop();
      await queue?.close();
      await store?.close();
    });

    it('answers unknown for a domain never scanned', async () => {
      const res = await app.inject({ method: 'GET', url: '/api/v1/domains/never-seen.test' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        domain: 'never-seen.test',
        status: 'unknown',
        scannedAt: null,
        summary: null,
        lastScan: null,
      });
    });

    it('queues a scan, runs it once, serves the report and a fresh summary', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/scans',
        payload: { domain: 'Good.TEST.' },
      });
      expect(res.statusCode).toBe(202);
      const { id, domain, existing } = res.json();
      expect(domain).toBe('good.test');
      expect(existing).toBe(false);
      expect(res.headers.location).toBe(`/api/v1/scans/${id}`);
      const scan = await waitForScan(app, id);
      expect(scan.status).toBe('done');
      expect((scan.report as { domain: string }).domain).toBe('good.test');
      expect(scans.calls.get('good.test')).toBe(1);

      const view = (await app.inject({ method: 'GET', url: '/api/v1/domains/good.test' })).json();
      expect(view.status).toBe('fresh');
      expect(view.summary.domain).toBe('good.test');
      // good.test is a lab server with TLS: the scan reached it and graded it.
      expect(view.summary.services.c2s.grade).not.toBeNull();
      expect(view.summary.services.c2s.grade).toBe((scan.report as DomainReport).services.c2s.grade);
      expect(view.lastScan).toMatchObject({ id, status: 'done' });
    });

    it('refuses a rescan within the cooldown with 429 and Retry-After', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/scans',
        payload: { domain: 'good.test' },
      });
      expect(res.statusCode).toBe(429);
      expect(res.json()).toMatchObject({ error: 'cooldown' });
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(3000);
      expect(retryAfter).toBeLessThanOrEqual(3600);
      expect(scans.calls.get('good.test')).toBe(1);
    });

    it('reports a scan the scanner failed as failed, with its reason', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/scans',
        payload: { domain: 'broken.test' },
      });
      expect(res.statusCode).toBe(202);
      const scan = await waitForScan(app, res.json().id);
      expect(scan).toMatchObject({ status: 'failed', error: 'The resolver did not answer.', report: null });
      const view = (await app.inject({ method: 'GET', url: '/api/v1/domains/broken.test' })).json();
      expect(view).toMatchObject({ status: 'failed', summary: null, lastScan: { status: 'failed' } });
    });

    it('gives 404 for an unknown scan id and 400 for a malformed one', async () => {
      const missing = await app.inject({
        method: 'GET',
        url: '/api/v1/scans/00000000-0000-4000-8000-000000000000',
      });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error).toBe('not_found');
      const bad = await app.inject({ method: 'GET', url: '/api/v1/scans/not-a-uuid' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error).toBe('invalid_request');
    });

    describe('bad domains get 400 invalid_domain and change nothing', () => {
      const cases: [string, string, RegExp][] = [
        ['malformed', 'exa mple.org', /spaces/],
        ['empty label', 'a..b.org', /empty label/],
        ['IPv4 literal', '192.0.2.1', /IP address/],
        ['IPv6 literal', '[2001:db8::1]', /IP address/],
        ['single label', 'localhost', /single label/],
        [
          'over-long',
          `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(20)}.org`,
          /at most 253/,
        ],
        ['over-long label', `${'a'.repeat(64)}.org`, /longer than 63/],
      ];
      for (const [what, input, message] of cases) {
        it(`${what}: GET and POST`, async () => {
          const before = await storedCounts(store);
          const get = await app.inject({
            method: 'GET',
            url: `/api/v1/domains/${encodeURIComponent(input)}`,
          });
          expect(get.statusCode).toBe(400);
          expect(get.json()).toEqual({ error: 'invalid_domain', message: expect.stringMatching(message) });
          const post = await app.inject({ method: 'POST', url: '/api/v1/scans', payload: { domain: input } });
          expect(post.statusCode).toBe(400);
          expect(post.json()).toEqual({ error: 'invalid_domain', message: expect.stringMatching(message) });
          expect(await storedCounts(store)).toEqual(before);
        });
      }

      it('an input longer than any domain is refused by the schema', async () => {
        const post = await app.inject({
          method: 'POST',
          url: '/api/v1/scans',
          payload: { domain: 'a'.repeat(2000) },
        });
        expect(post.statusCode).toBe(400);
        expect(post.json()).toEqual({
          error: 'invalid_request',
          message: expect.stringMatching(/must NOT have more than 1024 characters/),
        });
      });
    });

    it('normalises an IDN to its ASCII form', async () => {
      const res = await app.inject({
        method: 'GET',
        url: `/api/v1/domains/${encodeURIComponent('Bücher.Example')}`,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ domain: 'xn--bcher-kva.example', status: 'unknown' });
    });

    describe('bad bodies', () => {
      it('refuses unknown fields, wrong types, non-JSON and empty bodies', async () => {
        const before = await storedCounts(store);
        const extra = await app.inject({
          method: 'POST',
          url: '/api/v1/scans',
          payload: { domain: 'beta.test', priority: 1 },
        });
        expect(extra.statusCode).toBe(400);
        expect(extra.json()).toEqual({
          error: 'invalid_request',
          message: expect.stringMatching(/additional properties/),
        });
        const wrongType = await app.inject({
          method: 'POST',
          url: '/api/v1/lookup',
          payload: { domains: 'beta.test' },
        });
        expect(wrongType.statusCode).toBe(400);
        expect(wrongType.json().error).toBe('invalid_request');
        const notJson = await app.inject({
          method: 'POST',
          url: '/api/v1/scans',
          headers: { 'content-type': 'application/json' },
          payload: '{"domain":',
        });
        expect(notJson.statusCode).toBe(400);
        expect(notJson.json().error).toBe('invalid_json');
        const text = await app.inject({
          method: 'POST',
          url: '/api/v1/scans',
          headers: { 'content-type': 'text/plain' },
          payload: 'beta.test',
        });
        expect(text.statusCode).toBe(415);
        expect(text.json().error).toBe('unsupported_media_type');
        expect(await storedCounts(store)).toEqual(before);
      });

      it('refuses a batch over 500 domains and a body over the size limit', async () => {
        const before = await storedCounts(store);
        const many = Array.from({ length: 501 }, (_, i) => `d${i}.test`);
        const batch = await app.inject({
          method: 'POST',
          url: '/api/v1/lookup',
          payload: { domains: many, scanUnknown: true },
        });
        expect(batch.statusCode).toBe(400);
        expect(batch.json()).toEqual({
          error: 'invalid_request',
          message: expect.stringMatching(/must NOT have more than 500 items/),
        });
        const huge = await app.inject({
          method: 'POST',
          url: '/api/v1/lookup',
          payload: { domains: ['x'.repeat(300_000)] },
        });
        expect(huge.statusCode).toBe(413);
        expect(huge.json().error).toBe('body_too_large');
        expect(scans.calls.has('d0.test')).toBe(false);
        expect(await storedCounts(store)).toEqual(before);
      });
    });

    it('looks up many domains, marks invalid ones, and queues unknown ones on request', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/lookup',
        payload: {
          domains: ['good.test', 'GOOD.test', 'gamma.test', '10.0.0.1', 'delta.test'],
          scanUnknown: true,
        },
      });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.queued).toBe(2);
      expect(body.queueFull).toBe(false);
      expect(body.results.map((r: { input: string; status: string }) => [r.input, r.status])).toEqual([
        ['good.test', 'fresh'],
        ['GOOD.test', 'fresh'],
        ['gamma.test', 'pending'],
        ['10.0.0.1', 'invalid'],
        ['delta.test', 'pending'],
      ]);
      expect(body.results[3]).toMatchObject({ domain: null, error: expect.stringMatching(/IP address/) });
      await waitForScan(app, body.results[2].lastScan.id);
      await waitForScan(app, body.results[4].lastScan.id);
      const again = (
        await app.inject({ method: 'POST', url: '/api/v1/lookup', payload: { domains: ['gamma.test'] } })
      ).json();
      expect(again.results[0].status).toBe('fresh');
      expect(scans.calls.get('gamma.test')).toBe(1);
    });

    it('serves the snapshot with an ETag, 304 when unchanged, a new ETag after a scan, gzip on request', async () => {
      const first = await app.inject({
        method: 'GET',
        url: '/api/v1/snapshot',
        headers: { 'accept-encoding': 'gzip' },
      });
      expect(first.statusCode).toBe(200);
      expect(first.headers['content-encoding']).toBe('gzip');
      const etag = first.headers.etag as string;
      expect(etag).toBeTruthy();
      const plain = await app.inject({ method: 'GET', url: '/api/v1/snapshot' });
      const body = plain.json();
      expect(body.rubricVersion).toBe(RUBRIC_VERSION);
      expect(body.domains.map((d: { domain: string }) => d.domain)).toEqual([
        'delta.test',
        'gamma.test',
        'good.test',
      ]);
      expect(JSON.parse(gunzipSync(first.rawPayload).toString('utf8'))).toEqual(body);
      const again = await app.inject({
        method: 'GET',
        url: '/api/v1/snapshot',
        headers: { 'if-none-match': etag },
      });
      expect(again.statusCode).toBe(304);
      expect(again.body).toBe('');

      const queued = await app.inject({
        method: 'POST',
        url: '/api/v1/scans',
        payload: { domain: 'epsilon.test' },
      });
      await waitForScan(app, queued.json().id);
      const changed = await app.inject({
        method: 'GET',
        url: '/api/v1/snapshot',
        headers: { 'if-none-match': etag },
      });
      expect(changed.statusCode).toBe(200);
      expect(changed.headers.etag).not.toBe(etag);
      expect(changed.json().domains).toHaveLength(4);
    });

    it('serves the same summaries packed with ?format=compact, with its own ETag', async () => {
      const full = (await app.inject({ method: 'GET', url: '/api/v1/snapshot' })).json();
      const compact = await app.inject({
        method: 'GET',
        url: '/api/v1/snapshot?format=compact',
        headers: { 'accept-encoding': 'gzip' },
      });
      expect(compact.statusCode).toBe(200);
      expect(compact.headers['content-encoding']).toBe('gzip');
      const packed = JSON.parse(gunzipSync(compact.rawPayload).toString('utf8'));
      expect(packed.format).toBe('hoplight-snapshot-compact');
      expect(decodeSnapshot(packed)).toEqual(full.domains);
      const etag = compact.headers.etag as string;
      expect(etag).toMatch(/-compact"$/);
      const again = await app.inject({
        method: 'GET',
        url: '/api/v1/snapshot?format=compact',
        headers: { 'if-none-match': etag },
      });
      expect(again.statusCode).toBe(304);
      const plain = await app.inject({ method: 'GET', url: '/api/v1/snapshot?format=compact' });
      expect(plain.json()).toEqual(packed);
      const bad = await app.inject({ method: 'GET', url: '/api/v1/snapshot?format=xml' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error).toBe('invalid_request');
    });

    it('re-grades stored reports made by an older rubric without rescanning', async () => {
      const view = (await app.inject({ method: 'GET', url: '/api/v1/domains/delta.test' })).json();
      const reportId = view.lastScan.id as string;
      // What a report graded by rubric 0 looked like: same facts, another grade.
      const old = { ...fixedReport('delta.test', view.scannedAt), rubricVersion: RUBRIC_VERSION - 1 };
      old.services.c2s = { ...old.services.c2s, grade: 'F' };
      const oldSummary = {
        ...view.summary,
        rubricVersion: RUBRIC_VERSION - 1,
        services: { ...view.summary.services, c2s: { ...view.summary.services.c2s, grade: 'F' } },
      };
      await store.db
        .updateTable('reports')
        .set({ report: JSON.stringify(old), rubric_version: RUBRIC_VERSION - 1, c2s_grade: 'F' })
        .where('id', '=', reportId)
        .execute();
      await store.db
        .updateTable('domains')
        .set({ summary: JSON.stringify(oldSummary), rubric_version: RUBRIC_VERSION - 1, c2s_grade: 'F' })
        .where('domain', '=', 'delta.test')
        .execute();
      const callsBefore = scans.total();

      // Reads never write: before the re-grade the stored grade is what the API shows.
      const unread = (await app.inject({ method: 'GET', url: '/api/v1/domains/delta.test' })).json();
      expect(unread.summary.services.c2s.grade).toBe('F');
      const unreadScan = (await app.inject({ method: 'GET', url: `/api/v1/scans/${reportId}` })).json();
      expect(unreadScan.report.rubricVersion).toBe(RUBRIC_VERSION - 1);
      // What `serve` and `worker` run at start-up and the `regrade` command runs.
      expect(await regradeStored(store)).toBe(1);

      const regraded = (await app.inject({ method: 'GET', url: '/api/v1/domains/delta.test' })).json();
      expect(regraded.summary.services.c2s.grade).toBe('A');
      expect(regraded.summary.rubricVersion).toBe(RUBRIC_VERSION);
      const full = (await app.inject({ method: 'GET', url: `/api/v1/scans/${reportId}` })).json();
      expect(full.report.rubricVersion).toBe(RUBRIC_VERSION);
      expect(full.report.services.c2s.grade).toBe('A');
      const row = await store.db
        .selectFrom('reports')
        .select(['rubric_version', 'c2s_grade'])
        .where('id', '=', reportId)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ rubric_version: RUBRIC_VERSION, c2s_grade: 'A' });
      expect(scans.total()).toBe(callsBefore);
    });

    it('re-grades every stale report on regrade, and the snapshot then has a new ETag', async () => {
      const rows = await store.db.selectFrom('reports').select(['id', 'report']).execute();
      for (const row of rows) {
        const stale = { ...JSON.parse(row.report), rubricVersion: RUBRIC_VERSION - 1 };
        await store.db
          .updateTable('reports')
          .set({ report: JSON.stringify(stale), rubric_version: RUBRIC_VERSION - 1 })
          .where('id', '=', row.id)
          .execute();
      }
      await store.db
        .updateTable('domains')
        .set({ rubric_version: RUBRIC_VERSION - 1 })
        .where('report_id', 'is not', null)
        .execute();
      // The snapshot shows the stale summaries too (its ETag follows content, so they must differ).
      for (const row of await store.db.selectFrom('domains').select(['domain', 'summary']).execute()) {
        if (row.summary === null) continue;
        const stale = { ...JSON.parse(row.summary), rubricVersion: RUBRIC_VERSION - 1 };
        await store.db
          .updateTable('domains')
          .set({ summary: JSON.stringify(stale) })
          .where('domain', '=', row.domain)
          .execute();
      }
      await store.bumpSnapshotCounter();
      const before = await app.inject({ method: 'GET', url: '/api/v1/snapshot' });
      const callsBefore = scans.total();

      expect(await regradeStored(store)).toBe(rows.length);
      const after = await app.inject({ method: 'GET', url: '/api/v1/snapshot' });
      expect(after.headers.etag).not.toBe(before.headers.etag);
      expect(after.json().domains.map((d: { rubricVersion: number }) => d.rubricVersion)).toEqual([
        RUBRIC_VERSION,
        RUBRIC_VERSION,
        RUBRIC_VERSION,
        RUBRIC_VERSION,
      ]);
      const left = await store.db
        .selectFrom('reports')
        .select('id')
        .where('rubric_version', '<', RUBRIC_VERSION)
        .execute();
      expect(left).toEqual([]);
      expect(scans.total()).toBe(callsBefore);
    });

    it('reports statistics', async () => {
      const stats = (await app.inject({ method: 'GET', url: '/api/v1/stats' })).json();
      expect(stats).toMatchObject({
        scanned: 4,
        rubricVersion: RUBRIC_VERSION,

        queue: { depth: 0, max: 100 },
      });
      expect(stats.scans).toMatchObject({ done: 4, failed: 1 });
      // gamma.test and epsilon.test do not exist in the lab: scanned, but no grade.
      expect(stats.grades.c2s.none).toBe(2);
      expect(Object.values(stats.grades.c2s as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(4);
    });

    it('publishes an OpenAPI document of every route', async () => {
      const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths).sort()).toEqual([
        '/api/v1/domains/{domain}',
        '/api/v1/lookup',
        '/api/v1/path',
        '/api/v1/scans',
        '/api/v1/scans/{id}',
        '/api/v1/snapshot',
        '/api/v1/stats',
      ]);
      expect(
        doc.paths['/api/v1/lookup'].post.requestBody.content['application/json'].schema.properties.domains
          .maxItems,
      ).toBe(500);
    });

    it('allows CORS from extension origins only', async () => {
      const ok = await app.inject({ method: 'GET', url: '/api/v1/stats', headers: { origin: EXT } });
      expect(ok.headers['access-control-allow-origin']).toBe(EXT);
      const preflight = await app.inject({
        method: 'OPTIONS',
        url: '/api/v1/lookup',
        headers: {
          origin: EXT,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
      expect(preflight.statusCode).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe(EXT);
      const web = await app.inject({
        method: 'GET',
        url: '/api/v1/stats',
        headers: { origin: 'https://evil.example' },
      });
      expect(web.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('answers 404 with the error body for unknown routes', async () => {
      const res = await app.inject({ method: 'GET', url: '/api/v2/anything' });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ error: 'not_found', message: 'There is no GET /api/v2/anything.' });
    });

    describe('limits on a second server', () => {
      let limited: FastifyInstance;
      beforeAll(async () => {
        limited = await buildServer({
          store,
          queue,
          rateLimit: { max: 5, timeWindowMs: 60_000 },
          limits: { maxQueued: 0 },
        });
      });
      afterAll(async () => limited?.close());

      it('answers 503 with Retry-After when the queue is full, storing nothing', async () => {
        const before = await storedCounts(store);
        const res = await limited.inject({
          method: 'POST',
          url: '/api/v1/scans',
          payload: { domain: 'zeta.test' },
        });
        expect(res.statusCode).toBe(503);
        expect(res.json()).toEqual({ error: 'queue_full', message: expect.any(String) });
        expect(res.headers['retry-after']).toBe('60');
        expect(await storedCounts(store)).toEqual(before);
      });

      it('answers 429 rate_limited with Retry-After past the per-client limit, storing nothing', async () => {
        const before = await storedCounts(store);
        const statuses: number[] = [];
        let last: Awaited<ReturnType<FastifyInstance['inject']>> | null = null;
        for (let i = 0; i < 12; i++) {
          last = await limited.inject({
            method: 'POST',
            url: '/api/v1/scans',
            payload: { domain: `flood${i}.test` },
          });
          statuses.push(last.statusCode);
        }
        expect(statuses.filter((s) => s === 429)).toHaveLength(12 - 4);
        expect(last?.json()).toEqual({
          error: 'rate_limited',
          message: expect.stringMatching(/Too many requests/),
        });
        expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
        expect(await storedCounts(store)).toEqual(before);
        expect([...scans.calls.keys()].some((d) => d.startsWith('flood'))).toBe(false);
      });
    });
  });
}
