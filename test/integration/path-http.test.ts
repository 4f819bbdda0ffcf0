// GET /api/v1/path and the page /path/{from}/{to}: the path between two lab domains from the stored
// summaries, for operators; a read that queues nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PathReport } from '../../src/core/path-report.ts';
import { buildServer } from '../../src/observatory/http/server.ts';
import { createQueue } from '../../src/observatory/queue/create-queue.ts';
import type { ScanQueue } from '../../src/observatory/queue/types.ts';
import { startWorker, type Worker } from '../../src/observatory/queue/worker.ts';
import { openStore } from '../../src/observatory/store/open-store.ts';
import type { Store } from '../../src/observatory/store/store.ts';
import { waitForScan } from '../support/observatory-api-suite.ts';
import { labScan } from '../support/observatory-scan.ts';

const dir = mkdtempSync(join(tmpdir(), 'hoplight-path-'));
let store: Store;
let queue: ScanQueue;
let worker: Worker;
let app: FastifyInstance;

beforeAll(async () => {
  store = await openStore({ sqlitePath: join(dir, 'path.sqlite') });
  queue = await createQueue(store, { pollMs: 50 });
  worker = await startWorker(store, queue, await labScan());
  app = await buildServer({ store, queue });
  for (const domain of ['good.test', 'weak.test', 'plain.test']) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/scans', payload: { domain } });
    await waitForScan(app, res.json().id as string);
  }
});
afterAll(async () => {
  await app?.close();
  await worker?.stop();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/v1/path', () => {
  it('gives the versioned path from the stored summaries', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/path?from=good.test&to=weak.test' });
    expect(res.statusCode).toBe(200);
    const report = res.json() as PathReport;
    expect(report.pathReportVersion).toBe(2);
    // Every reason is text in parts; the s2s hop's says what to do and which domain it is about.
    const s2s = report.hops.find((h: { name: string }) => h.name === 's2s');
    expect(s2s?.reasons[0]).toMatchObject({
      says: expect.stringContaining('checks only weakly'),
      todo: expect.stringMatching(/^Tell your contact/),
      detail: expect.stringContaining('only through dialback'),
      about: 'weak.test',
    });
    expect(report.hops.map((h) => [h.name, h.light])).toEqual([
      ['c2s-local', 'green'],
      ['s2s', 'yellow'],
      ['c2s-remote', 'red'],
    ]);
    expect(report.from.scannedAt).not.toBeNull();
  });

  it('says "cannot connect" for plain.test, and grey for a domain never scanned, queueing nothing', async () => {
    const plain = (
      await app.inject({ method: 'GET', url: '/api/v1/path?from=good.test&to=plain.test' })
    ).json();
    expect(plain.light).toBe('red');
    expect(plain.undeliverable).toBe(true);
    const before = await store.stats();
    const unknown = (
      await app.inject({ method: 'GET', url: '/api/v1/path?from=good.test&to=never.test' })
    ).json();
    expect(unknown.hops.find((h: { name: string }) => h.name === 's2s').light).toBe('grey');
    expect(unknown.to.scannedAt).toBeNull();
    expect(await store.getDomain('never.test')).toBeNull();
    expect(await store.stats()).toEqual(before);
  });

  it('refuses missing, malformed and extra parameters in the API error shape', async () => {
    for (const url of [
      '/api/v1/path?from=good.test',
      '/api/v1/path?from=good.test&to=bad..name',
      '/api/v1/path?from=good.test&to=weak.test&x=1',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(400);
      expect(Object.keys(res.json()).sort()).toEqual(['error', 'message']);
    }
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toContain('/api/v1/path');
  });
});

describe('the path page', () => {
  it('shows every hop with a label and reasons, self-contained, under the strict CSP', async () => {
    const res = await app.inject({ method: 'GET', url: '/path/good.test/weak.test' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.body).toContain('good.test → weak.test');
    expect(res.body).toContain('only through dialback');
    // The plain sentence, what to do, the report link, and the jargon folded in <details>.
    expect(res.body).toContain('checks only weakly that messages really come from weak.test');
    expect(res.body).toContain('What you can do: Tell your contact');
    expect(res.body).toContain('<a href="/domain/weak.test">See the report for weak.test</a>');
    expect(res.body).toMatch(
      /<details><summary>Technical details<\/summary><p>Verified only through dialback/,
    );
    expect(res.body).toMatch(/class="light light-yellow"><span aria-hidden="true">▲ <\/span>Weakened/);
    expect(res.body).not.toMatch(/<script/i);
  });

  it('says messages bounce for plain.test', async () => {
    const res = await app.inject({ method: 'GET', url: '/path/good.test/plain.test' });
    expect(res.body).toContain('Messages bounce');
  });

  it('takes the form and redirects to the normalised path; explains bad input', async () => {
    const ok = await app.inject({ method: 'GET', url: '/path?from=Good.Test.&to=weak.test' });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/path/good.test/weak.test');
    const form = await app.inject({ method: 'GET', url: '/path' });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Your server’s domain');
    const bad = await app.inject({ method: 'GET', url: '/path?from=good.test&to=bad..name' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('role="alert"');
    const badPath = await app.inject({ method: 'GET', url: '/path/good.test/bad..name' });
    expect(badPath.statusCode).toBe(400);
  });
});
