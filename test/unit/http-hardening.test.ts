// The HTTP shell under hostile clients: slow bodies, broken HTTP, cross-site forms, one client trying to
// fill the queue, and many clients behind one reverse proxy. A real server on loopback, a real store.
import { connect, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { syntheticDomainRow, syntheticSummary } from '../../bench/api-synthetic.ts';
import { resolveServiceArgs } from '../../src/observatory/commands/service.ts';
import { type BuildServerOptions, buildServer } from '../../src/observatory/http/server.ts';
import { SqliteScanQueue } from '../../src/observatory/queue/sqlite-queue.ts';
import { openStore } from '../../src/observatory/store/open-store.ts';
import type { Store } from '../../src/observatory/store/store.ts';

let open: { app: FastifyInstance; store: Store }[] = [];
afterEach(async () => {
  for (const { app, store } of open) {
    await app.close();
    await store.close();
  }
  open = [];
});

async function serve(
  opts: Partial<BuildServerOptions> = {},
): Promise<{ url: string; port: number; store: Store }> {
  const store = await openStore({ sqlitePath: ':memory:' });
  const queue = new SqliteScanQueue(store);
  const app = await buildServer({ store, queue, ...opts });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  open.push({ app, store });
  return { url, port: Number(new URL(url).port), store };
}

/** Sends raw bytes and collects everything until the server closes the connection. */
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(text));
    socket.write(bytes);
  });
}

function jsonBodyOf(response: string): unknown {
  return JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));
}

describe('the pace of one client', () => {
  it('spreads a burst out: a lookup costs one more per 20 names, an empty bucket is 429 with when to come back', async () => {
    const { url } = await serve({
      rateLimit: { max: 1_000, timeWindowMs: 60_000 },
      pace: { burst: 30, perSecond: 1 },
    });
    const lookup = (names: number) =>
      fetch(`${url}/api/v1/lookup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ domains: Array.from({ length: names }, (_, i) => `d${i}.example`) }),
      });
    // 500 names: 26 of the 30; another costs 26 again and is refused, a small one still passes.
    expect((await lookup(500)).status).toBe(200);
    const refused = await lookup(500);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({ error: 'rate_limited', message: expect.any(String) });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(22);
    expect((await lookup(20)).status).toBe(200);
    // The style sheet is never paced (a page asks for it beside itself).
    for (let i = 0; i < 5; i++) expect((await fetch(`${url}/assets/site.css`)).status).toBe(200);
  });

  it('holds each 429 for its time when asked to (serve does, 1 s), at most until its Retry-After', async () => {
    const { url } = await serve({
      rateLimit: { max: 1, timeWindowMs: 60_000 },
      refusalHold: { ms: 400, maxHeld: 10 },
    });
    expect((await fetch(`${url}/api/v1/stats`)).status).toBe(200);
    const started = performance.now();
    const refused = await fetch(`${url}/api/v1/stats`);
    expect(refused.status).toBe(429);
    expect(performance.now() - started).toBeGreaterThanOrEqual(350);
  });
});

describe('timeouts', () => {
  it('answers 408 and closes a connection whose body never arrives', async () => {
    const { port } = await serve({ timeouts: { headersMs: 200, requestMs: 400, idleMs: 5_000 } });
    const response = await raw(
      port,
      'POST /api/v1/lookup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"dom',
    );
    expect(response).toMatch(/^HTTP\/1\.1 408 /);
    expect(jsonBodyOf(response)).toEqual({ error: 'request_timeout', message: expect.any(String) });
  });

  it('closes a connection that stops sending mid-body, even within the request deadline', async () => {
    const { port } = await serve({ timeouts: { headersMs: 10_000, requestMs: 60_000, idleMs: 300 } });
    const response = await raw(
      port,
      'POST /api/v1/lookup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{',
    );
    expect(response).toBe('');
  });

  it('answers 408 to headers that never end', async () => {
    const { port } = await serve({ timeouts: { headersMs: 200, requestMs: 400, idleMs: 5_000 } });
    const response = await raw(port, 'GET /api/v1/stats HTTP/1.1\r\nHost: x\r\nX-Slow: a');
    expect(response).toMatch(/^HTTP\/1\.1 408 /);
  });
});

describe('every error in the {error, message} shape', () => {
  it('covers the router’s errors: bad percent-encoding and over-long parameters', async () => {
    const { url } = await serve();
    const badUrl = await fetch(`${url}/api/v1/domains/%E0%A4%A`);
    expect(badUrl.status).toBe(400);
    expect(await badUrl.json()).toEqual({ error: 'bad_url', message: expect.any(String) });
    const long = await fetch(`${url}/api/v1/domains/${'a'.repeat(3000)}.example`);
    expect(long.status).toBe(414);
    expect(await long.json()).toEqual({ error: 'uri_too_long', message: expect.any(String) });
  });

  it('covers Node’s HTTP parser: bad chunking and oversized headers', async () => {
    const { port } = await serve();
    const chunked = await raw(
      port,
      'POST /api/v1/lookup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
    );
    expect(chunked).toMatch(/^HTTP\/1\.1 400 /);
    expect(jsonBodyOf(chunked)).toEqual({ error: 'bad_chunking', message: expect.any(String) });
    const huge = await raw(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(huge).toMatch(/^HTTP\/1\.1 431 /);
    expect(jsonBodyOf(huge)).toEqual({ error: 'headers_too_large', message: expect.any(String) });
  });
});

describe('form posts', () => {
  it('refuse a scan asked for by another site’s form, and queue one from our own page', async () => {
    const { url, store } = await serve();
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const crossSite = await fetch(`${url}/domain/example.org/scan`, {
      method: 'POST',
      headers: { ...form, origin: 'https://evil.example' },
      redirect: 'manual',
    });
    expect(crossSite.status).toBe(403);
    expect(await store.countScans('queued')).toBe(0);
    const own = await fetch(`${url}/domain/example.org/scan`, {
      method: 'POST',
      headers: { ...form, origin: url },
      redirect: 'manual',
    });
    expect(own.status).toBe(303);
    expect(await store.countScans('queued')).toBe(1);
  });
});

describe('the per-client share of the scan queue', () => {
  const lookup = (url: string, domains: string[], forwardedFor?: string) =>
    fetch(`${url}/api/v1/lookup`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
      },
      body: JSON.stringify({ domains, scanUnknown: true }),
    }).then((r) => r.json() as Promise<{ queued: number; queueFull: boolean }>);
  const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}.example`);

  it('lets one client queue only its share, so the queue stays open to everyone else', async () => {
    const { url } = await serve({ limits: { maxQueued: 100, maxQueuedPerClient: 10 }, trustProxy: true });
    const abuser = await lookup(url, names('a', 500), '198.51.100.1');
    expect(abuser).toMatchObject({ queued: 10, queueFull: true });
    expect(await lookup(url, names('b', 500), '198.51.100.1')).toMatchObject({ queued: 0 });
    // Another client still gets its scans queued.
    expect(await lookup(url, names('c', 3), '198.51.100.2')).toMatchObject({ queued: 3, queueFull: false });
  });

  it('refuses clients holding scans (429) before many clients together fill the queue (503)', async () => {
    const { url } = await serve({ limits: { maxQueued: 20, maxQueuedPerClient: 10 }, trustProxy: true });
    const ask = (domain: string, client: string) =>
      fetch(`${url}/api/v1/scans`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
        body: JSON.stringify({ domain }),
      }).then((r) => r.status);
    const statuses: number[] = [];
    for (let c = 1; c <= 6; c++)
      for (const domain of names(`c${c}-`, 5)) statuses.push(await ask(domain, `198.51.100.${c}`));
    // A fixed share of 10 each let the first four clients fill the 20 slots; the rest got 503.
    expect(statuses.filter((s) => s !== 202 && s !== 429)).toEqual([]);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    // The queue still has room for a client with nothing waiting, not for one of those above.
    expect(await ask('again.example', '198.51.100.1')).toBe(429);
    expect(await ask('newcomer.example', '198.51.100.7')).toBe(202);
  });

  it('limits the scans one client asks for per hour, and says when to come back', async () => {
    const { url } = await serve({ limits: { scansPerClientPerHour: 2, maxQueuedPerClient: 100 } });
    const ask = (domain: string) =>
      fetch(`${url}/api/v1/scans`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ domain }),
      });
    expect((await ask('one.example')).status).toBe(202);
    expect((await ask('two.example')).status).toBe(202);
    const third = await ask('three.example');
    expect(third.status).toBe(429);
    expect(await third.json()).toMatchObject({ error: 'client_quota' });
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(3000);
  });
});

describe('a lookup of 500 names', () => {
  it('answers every name in input order, whole, with or without gzip (the body is made in pieces)', async () => {
    const { url, store } = await serve();
    const known = Array.from({ length: 200 }, (_, i) => syntheticSummary(i));
    await store.db
      .insertInto('domains')
      .values(known.map((s) => syntheticDomainRow(s)))
      .execute();
    // Known names (some twice, far apart), unknown ones and invalid ones, interleaved.
    const inputs = Array.from({ length: 500 }, (_, i) =>
      i % 50 === 7 ? `10.0.0.${i % 250}` : i % 3 === 0 ? `unknown${i}.example` : known[(i * 7) % 200]!.domain,
    );
    const expected = inputs.map((input) =>
      input.startsWith('10.')
        ? { input, domain: null, status: 'invalid' }
        : input.startsWith('unknown')
          ? { input, domain: input, status: 'unknown' }
          : { input, domain: input, summary: known.find((s) => s.domain === input) },
    );
    for (const encoding of ['identity', 'gzip']) {
      const res = await fetch(`${url}/api/v1/lookup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'accept-encoding': encoding },
        body: JSON.stringify({ domains: inputs }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-encoding')).toBe(encoding === 'gzip' ? 'gzip' : null);
      const text = await res.text();
      if (encoding === 'identity')
        expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
      const body = JSON.parse(text) as { results: unknown[]; queued: number; queueFull: boolean };
      expect(body).toMatchObject({ queued: 0, queueFull: false });
      expect(body.results).toHaveLength(500);
      for (const [i, result] of body.results.entries()) expect(result).toMatchObject(expected[i]!);
    }
  });
});

describe('snapshot downloads per client', () => {
  it('refuses a third download by one client while two are still being received, not others’', {
    timeout: 60_000,
  }, async () => {
    const { url, port, store } = await serve({ trustProxy: true });
    // Enough domains that a body outgrows the socket buffers and stays in flight while unread.
    await store.db.transaction().execute(async (trx) => {
      for (let start = 0; start < 6_000; start += 1000)
        await trx
          .insertInto('domains')
          .values(Array.from({ length: 1000 }, (_, j) => syntheticDomainRow(syntheticSummary(start + j))))
          .execute();
    });
    await store.bumpSnapshotCounter();
    const get = `GET /api/v1/snapshot HTTP/1.1\r\nHost: x\r\nAccept-Encoding: identity\r\nX-Forwarded-For: 198.51.100.9\r\n\r\n`;
    // Two downloads that read their first bytes and then stop reading.
    const stalled = await Promise.all(
      [1, 2].map(
        () =>
          new Promise<Socket>((resolve, reject) => {
            const socket = connect(port, '127.0.0.1');
            socket.once('data', (chunk: Buffer) => {
              socket.pause();
              expect(chunk.toString('latin1')).toMatch(/^HTTP\/1\.1 200 /);
              resolve(socket);
            });
            socket.on('error', reject);
            socket.write(get);
          }),
      ),
    );
    try {
      const third = await fetch(`${url}/api/v1/snapshot`, {
        headers: { 'accept-encoding': 'identity', 'x-forwarded-for': '198.51.100.9' },
      });
      expect(third.status).toBe(429);
      expect(third.headers.get('retry-after')).toBe('1');
      expect(await third.json()).toMatchObject({ error: 'too_many_downloads' });
      const other = await fetch(`${url}/api/v1/snapshot`, {
        headers: { 'x-forwarded-for': '198.51.100.10' },
      });
      expect(other.status).toBe(200);
      // A revalidation costs nothing and is never refused.
      const revalidated = await fetch(`${url}/api/v1/snapshot`, {
        headers: { 'x-forwarded-for': '198.51.100.9', 'if-none-match': String(other.headers.get('etag')) },
      });
      expect(revalidated.status).toBe(304);
      await other.arrayBuffer();
    } finally {
      for (const s of stalled) s.destroy();
    }
    // Once the stalled downloads are gone, the client may download again.
    await expect
      .poll(
        async () => {
          const r = await fetch(`${url}/api/v1/snapshot`, { headers: { 'x-forwarded-for': '198.51.100.9' } });
          await r.arrayBuffer();
          return r.status;
        },
        { timeout: 20_000 },
      )
      .toBe(200);
  });
});

describe('snapshot bytes per client per hour', () => {
  it('counts bodies only: past the cap a client gets 429 with when to come back, revalidations and others still pass', async () => {
    const args = await resolveServiceArgs('serve', ['--snapshot-mb-per-hour', '1']);
    expect(args.snapshotBytesPerHour).toBe(1048576);
    let now = Date.parse('2026-12-01T12:00:00Z');
    const { url } = await serve({
      trustProxy: true,
      // The empty store's full snapshot is a few dozen bytes: a second body starts under 40 B, a third not.
      snapshotBytesPerHour: 40,
      now: () => new Date(now),
    });
    const get = async (client: string, etag?: string) => {
      // One connection per request: a kept-alive one that turns idle just after app.close() has made its
      // single pass over idle connections keeps the server open until its keep-alive timeout.
      const headers: Record<string, string> = {
        'x-forwarded-for': client,
        'accept-encoding': 'identity',
        connection: 'close',
      };
      if (etag !== undefined) headers['if-none-match'] = etag;
      const response = await fetch(`${url}/api/v1/snapshot`, { headers });
      return { status: response.status, headers: response.headers, body: await response.text() };
    };
    const first = await get('198.51.100.20');
    expect(first.status).toBe(200);
    expect(Buffer.byteLength(first.body)).toBeGreaterThanOrEqual(20);
    expect(Buffer.byteLength(first.body)).toBeLessThan(40);
    expect((await get('198.51.100.20')).status).toBe(200);
    const third = await get('198.51.100.20');
    expect(third.status).toBe(429);
    expect(JSON.parse(third.body)).toMatchObject({ error: 'too_many_snapshots' });
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(3000);
    expect(third.headers.get('etag')).toBeNull();
    // A revalidation costs nothing and is never refused; another client has its own hour.
    expect((await get('198.51.100.20', String(first.headers.get('etag')))).status).toBe(304);
    expect((await get('198.51.100.21')).status).toBe(200);
    now += 3_600_000;
    expect((await get('198.51.100.20')).status).toBe(200);
  });

  it('refuses a --snapshot-mb-per-hour that would let nothing through', async () => {
    await expect(resolveServiceArgs('serve', ['--snapshot-mb-per-hour', '0'])).rejects.toThrow(
      /megabytes of snapshots per client per hour/,
    );
  });
});

describe('behind a reverse proxy', () => {
  it('--trust-proxy (or TRUST_PROXY) gives each forwarded client its own rate-limit bucket', async () => {
    const args = await resolveServiceArgs('serve', ['--trust-proxy', '127.0.0.1']);
    expect(args.trustProxy).toEqual(['127.0.0.1']);
    const { url } = await serve({ trustProxy: args.trustProxy, rateLimit: { max: 2, timeWindowMs: 60_000 } });
    const stats = (client: string) =>
      fetch(`${url}/api/v1/stats`, { headers: { 'x-forwarded-for': client } });
    expect((await stats('203.0.113.1')).status).toBe(200);
    expect((await stats('203.0.113.1')).status).toBe(200);
    expect((await stats('203.0.113.1')).status).toBe(429);
    expect((await stats('203.0.113.2')).status).toBe(200);
  });

  it('refuses a --trust-proxy value that is neither addresses, a hop count nor true', async () => {
    await expect(resolveServiceArgs('serve', ['--trust-proxy', 'my-proxy'])).rejects.toThrow(
      /not a proxy address/,
    );
  });
});
