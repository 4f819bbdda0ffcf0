// The directory, statistics and report pages over a real store and the real HTTP shell, with reports
// built from plain values: what each page lists, in which order, and its errors. Run on SQLite
// (test/unit) and on PostgreSQL (test/integration): the same indexed queries on both.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainReport } from '../../src/core/report.ts';
import { dane, report, rsaCert, SUITES, service, target, tls } from '../../src/core/testing/fixtures.ts';
import { buildServer } from '../../src/observatory/http/server.ts';
import { createQueue, type QueueOptions } from '../../src/observatory/queue/create-queue.ts';
import type { ScanQueue } from '../../src/observatory/queue/types.ts';
import { gradedForStorage } from '../../src/observatory/regrade.ts';
import type { Store } from '../../src/observatory/store/store.ts';

const now = new Date('2026-11-30T12:00:00.000Z');

export function pagesSuite(name: string, open: () => Promise<Store>, queueOptions: QueueOptions = {}): void {
  let store: Store;
  let queue: ScanQueue;
  let app: FastifyInstance;

  describe(name, () => {
    async function store1(r: DomainReport): Promise<void> {
      const id = await queue.enqueue(r.domain, new Date(r.scannedAt));
      await store.completeScan(id, gradedForStorage(r), new Date(r.scannedAt));
    }

    const weak = (domain: string, scannedAt: string) =>
      report({
        domain,
        scannedAt,
        c2s: service('c2s', {
          encryption: 'optional',
          targets: [
            target({
              host: domain,
              tls: tls({
                'TLSv1.0': [SUITES.rsa3des, SUITES.ecdheAes128Cbc],
                'TLSv1.2': [SUITES.ecdheAes128Gcm],
              }),
              certificate: rsaCert(1024, { trusted: false, selfSigned: true, trustError: 'self-signed' }),
            }),
          ],
        }),
      });

    beforeAll(async () => {
      store = await open();
      queue = await createQueue(store, queueOptions);
      app = await buildServer({ store, queue, now: () => now });
      await store1(report({ domain: 'alpha.example', scannedAt: '2026-11-29T12:00:00.000Z' }));
      await store1(weak('beta.example', '2026-10-02T12:00:00.000Z'));
      await store1(
        report({
          domain: 'gamma.example',
          scannedAt: '2026-11-20T12:00:00.000Z',
          c2s: service('c2s', {
            targets: [
              target({
                host: 'gamma.example',
                dane: dane({ name: '_5222._tcp.gamma.example' }),
                dnssec: true,
              }),
            ],
          }),
        }),
      );
      // beta improves: its newer report replaces the old one in the directory, both stay in the history.
      await store1(report({ domain: 'beta.example', scannedAt: '2026-11-28T12:00:00.000Z' }));
      await store1(weak('delta.example', '2026-11-01T12:00:00.000Z'));
    });
    afterAll(async () => {
      await app?.close();
      await queue?.close();
      await store?.close();
    });

    const get = (url: string) => app.inject({ method: 'GET', url });
    const domainsOn = (body: string) =>
      [...body.matchAll(/<td><a href="\/domain\/([^"]+)">/g)].map((m) => m[1]);

    describe('directory page', () => {
      it('lists every scanned domain by name with both grades, policy, authentication and age', async () => {
        const res = await get('/directory');
        expect(res.statusCode).toBe(200);
        expect(domainsOn(res.body)).toEqual([
          'alpha.example',
          'beta.example',
          'delta.example',
          'gamma.example',
        ]);
        expect(res.body).toContain('4 domains; page 1 of 1.');
        expect(res.body).toContain('optional / required');
        expect(res.body).toContain('PKIX');
        expect(res.body).toContain('29 days ago');
      });

      it('sorts by grade (worst last), by age (newest first) and flips on request', async () => {
        expect(domainsOn((await get('/directory?sort=c2s')).body)).toEqual([
          'gamma.example',
          'alpha.example',
          'beta.example',
          'delta.example',
        ]);
        expect(domainsOn((await get('/directory?sort=age')).body)).toEqual([
          'alpha.example',
          'beta.example',
          'gamma.example',
          'delta.example',
        ]);
        expect(domainsOn((await get('/directory?sort=age&order=asc')).body)[0]).toBe('delta.example');
      });

      it('filters by grade, encryption and prefix, and pages', async () => {
        expect(domainsOn((await get('/directory?c2s=T')).body)).toEqual(['delta.example']);
        expect(domainsOn((await get('/directory?encryption=optional')).body)).toEqual(['delta.example']);
        expect(domainsOn((await get('/directory?prefix=GA')).body)).toEqual(['gamma.example']);
        expect(domainsOn((await get('/directory?auth=dane')).body)).toEqual([]);
        const page2 = await get('/directory?page=2');
        expect(domainsOn(page2.body)).toEqual([]);
        expect(page2.body).toContain('rel="prev" href="/directory"');
      });

      it('answers 400 with the reason for a filter it does not know', async () => {
        const res = await get('/directory?sort=size');
        expect(res.statusCode).toBe(400);
        expect(res.body).toContain('Unknown sort &quot;size&quot;');
      });
    });

    describe('statistics page', () => {
      it('counts grades, versions, encryption, DANE, keys and issuers of the latest reports', async () => {
        const res = await get('/stats');
        expect(res.statusCode).toBe(200);
        expect(res.body).toContain(
          'aria-label="Grades: A+ c2s 1 (25%), s2s 0 (0%); A c2s 2 (50%), s2s 4 (100%); T c2s 1 (25%)',
        );
        expect(res.body).toContain('TLS 1.0 c2s 1 (25%), s2s 0 (0%)');
        expect(res.body).toContain('Encryption: required c2s 3 (75%), s2s 4 (100%); optional c2s 1 (25%)');
        expect(res.body).toContain('DANE c2s 1 (25%)');
        expect(res.body).toContain('RSA 1024 c2s 1 (25%)');
        expect(res.body).toContain('Hoplight Lab CA c2s 4 (100%), s2s 4 (100%)');
      });

      it('shows how the grades changed month by month, from every stored report', async () => {
        const res = await get('/stats');
        expect(res.body).toContain(
          'c2s grades of the reports made each month: 2026-10 T 1; 2026-11 A+ 1, A 2, T 1',
        );
      });
    });

    describe('report page', () => {
      it('shows the score breakdown with its caps, suites per version, the chain and the JSON link', async () => {
        const res = await get('/domain/delta.example');
        expect(res.statusCode).toBe(200);
        const body = res.body;
        expect(body).toContain('<th scope="row">Protocol</th><td>30%</td><td>95</td>');
        expect(body).toContain('<strong>C at most</strong>');
        expect(body).toContain('TLS_RSA_WITH_3DES_EDE_CBC_SHA');
        expect(body).toMatch(/strength-insecure|strength-weak/);
        expect(body).toContain('TLSv1.0: 2 accepted suites');
        expect(body).toContain('Not trusted: self-signed');
        expect(body).toContain('RSA 1024 bits');
        expect(body).toContain('href="/domain/delta.example/report.json"');
        expect(body).toContain('action="/path"');
      });

      it('shows TLSA records and what they name', async () => {
        const body = (await get('/domain/gamma.example')).body;
        expect(body).toContain('DANE-EE (3)');
        expect(body).toContain('validated, and they match the presented chain');
        expect(body).toContain('matches the presented certificate');
      });

      it('downloads the stored report as JSON, 404 where there is none', async () => {
        const res = await get('/domain/alpha.example/report.json');
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-disposition']).toBe('attachment; filename="alpha.example.json"');
        expect(JSON.parse(res.body).domain).toBe('alpha.example');
        expect((await get('/domain/nobody.example/report.json')).statusCode).toBe(404);
      });

      it('keeps target facts it does not lay out yet, such as per-address results', async () => {
        const extra = {
          ...target({ host: 'eps.example' }),
          addressResults: [{ address: '192.0.2.7', grade: 'A' }],
        };
        await store1(report({ domain: 'eps.example', c2s: service('c2s', { targets: [extra] }) }));
        const body = (await get('/domain/eps.example')).body;
        expect(body).toContain('<summary>addressResults</summary>');
        expect(body).toContain('192.0.2.7');
      });
    });
  });
}
