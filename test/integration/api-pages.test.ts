// The pages for people, served by the same server as the API, over SQLite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/observatory/http/server.ts';
import { createQueue } from '../../src/observatory/queue/create-queue.ts';
import type { ScanQueue } from '../../src/observatory/queue/types.ts';
import { startWorker, type Worker } from '../../src/observatory/queue/worker.ts';
import { openStore } from '../../src/observatory/store/open-store.ts';
import type { Store } from '../../src/observatory/store/store.ts';
import { waitForScan } from '../support/observatory-api-suite.ts';
import { labScan } from '../support/observatory-scan.ts';

const dir = mkdtempSync(join(tmpdir(), 'hoplight-pages-'));
let store: Store;
let queue: ScanQueue;
let worker: Worker;
let app: FastifyInstance;

beforeAll(async () => {
  store = await openStore({ sqlitePath: join(dir, 'pages.sqlite') });
  queue = await createQueue(store, { pollMs: 50 });
  worker = await startWorker(store, queue, await labScan());
  app = await buildServer({ store, queue });
});
afterAll(async () => {
  await app?.close();
  await worker?.stop();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function expectSelfContained(body: string): void {
  expect(body).not.toMatch(/<script/i);
  expect(body).not.toMatch(/(?:src|href)="(?:https?:)?\/\//i);
}

describe('pages', () => {
  it('serves the search page with a strict CSP and nothing external', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(res.body).toMatch(/^<!doctype html><html lang="en">/);
    expect(res.body).toContain('action="/search"');
    expectSelfContained(res.body);
    const css = await app.inject({ method: 'GET', url: '/assets/site.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toMatch(/text\/css/);
  });

  it('sends a search to the normalised domain, and explains a bad one', async () => {
    const ok = await app.inject({
      method: 'GET',
      url: `/search?domain=${encodeURIComponent('Bücher.Example')}`,
    });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/domain/xn--bcher-kva.example');
    const bad = await app.inject({ method: 'GET', url: '/search?domain=192.0.2.1' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('is an IP address');
  });

  it('queues a scan from the form and shows the report with what to fix', async () => {
    const before = await app.inject({ method: 'GET', url: '/domain/good.test' });
    expect(before.body).toContain('Never scanned.');
    const post = await app.inject({
      method: 'POST',
      url: '/domain/good.test/scan',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    });
    expect(post.statusCode).toBe(303);
    expect(post.headers.location).toBe('/domain/good.test?notice=queued');
    const state = await store.getDomain('good.test');
    await waitForScan(app, state?.lastScan?.id as string);
    const page = await app.inject({ method: 'GET', url: '/domain/good.test' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Client connections (c2s)');
    expect(page.body).toContain('What to fix');
    // good.test is a lab server with modern TLS and a CA-signed certificate.
    expect(page.body).toMatch(/class="grade grade-good">A[+-]?</);
    expectSelfContained(page.body);
  });

  it('draws statistics as inline SVG', async () => {
    const res = await app.inject({ method: 'GET', url: '/stats' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<svg class="chart"');
    expect(res.body).toMatch(/aria-label="Grades: A[+-]? c2s 1 \(100%\), s2s 1 \(100%\)"/);
    expectSelfContained(res.body);
  });

  it('serves a badge per domain, 404 for a bad name', async () => {
    const res = await app.inject({ method: 'GET', url: '/badge/good.test.svg' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/image\/svg\+xml/);
    expect(res.body).toMatch(/c2s A[+-]?</);
    const bad = await app.inject({ method: 'GET', url: '/badge/localhost.svg' });
    expect(bad.statusCode).toBe(404);
  });
});
