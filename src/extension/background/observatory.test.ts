// The observatory client against a small real HTTP server (fastify on 127.0.0.1, port 0) that speaks
// the API's snapshot and lookup as documented.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { domainSummary } from '../../core/testing/fixtures.ts';
import {
  apiUrl,
  LOOKUP_BATCH,
  lookupSummaries,
  ObservatoryError,
  type ObservatoryOptions,
  refreshSnapshot,
  summariesFor,
} from './observatory.ts';

const now = new Date('2026-11-24T18:00:00Z');
let app: FastifyInstance;
let base: string;
let snapshotBody: unknown;
let lookups: { domains: string[]; scanUnknown: boolean }[];
let snapshotRequests: (string | undefined)[];
let lookupStatus = 200;
let endlessSent: () => number = () => 0;

beforeAll(async () => {
  // Closing must not wait for the stalled answers below.
  app = Fastify({ forceCloseConnections: true });
  app.get('/api/v1/snapshot', async (request, reply) => {
    snapshotRequests.push(request.headers['if-none-match']);
    if (request.headers['if-none-match'] === '"v1"') return reply.code(304).send();
    return reply.header('etag', '"v1"').send(snapshotBody);
  });
  // Headers at once, then a body that never ends.
  for (const method of ['GET', 'POST'] as const) {
    app.route({
      method,
      url: method === 'GET' ? '/stalled/api/v1/snapshot' : '/stalled/api/v1/lookup',
      handler: async (_request, reply) => {
        reply.hijack();
        reply.raw.writeHead(200, { 'content-type': 'application/json' });
        reply.raw.write('{"results":[');
      },
    });
  }
  app.post<{ Body: { domains: string[]; scanUnknown: boolean } }>(
    '/api/v1/lookup',
    async (request, reply) => {
      lookups.push(request.body);
      if (lookupStatus !== 200) return reply.code(lookupStatus).send({ error: 'busy' });
      return {
        results: request.body.domains.map((d) => ({
          input: d,
          domain: d,
          status: d.startsWith('known') ? 'fresh' : 'pending',
          summary: d.startsWith('known') ? domainSummary(d) : null,
        })),
        queued: 0,
        queueFull: false,
      };
    },
  );
  // Hostile answers: a body that never stops (no length), a length far over any cap, prototype names.
  let sentBytes = 0;
  app.route({
    method: ['GET', 'POST'],
    url: '/endless/api/v1/:what',
    handler: async (_request, reply) => {
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'application/json' });
      const chunk = `{"domain":"x.example","pad":"${'x'.repeat(64 * 1024)}"},`;
      reply.raw.write('{"domains":[');
      const pump = () => {
        while (!reply.raw.destroyed && sentBytes < 1024 * 1024 * 1024 && reply.raw.write(chunk)) {
          sentBytes += chunk.length;
        }
        if (!reply.raw.destroyed) reply.raw.once('drain', pump);
      };
      pump();
    },
  });
  app.get('/declared/api/v1/snapshot', async (_request, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'application/json', 'content-length': String(2 ** 40) });
    reply.raw.write('{"domains":[');
  });
  const named = (name: string) =>
    JSON.stringify(domainSummary('good.example')).replace('"good.example"', `"${name}"`);
  app.get('/proto/api/v1/snapshot', async (_request, reply) =>
    reply
      .header('content-type', 'application/json')
      .send(
        `{"__proto__":{"polluted":1},"domains":[${named('good.example')},${named('__proto__')},${named('constructor')}]}`,
      ),
  );
  app.post('/proto/api/v1/lookup', async (_request, reply) =>
    reply
      .header('content-type', 'application/json')
      .send(
        `{"__proto__":{"polluted":1},"results":[{"domain":"__proto__","summary":${named('__proto__')}},{"domain":"hasOwnProperty","summary":null}]}`,
      ),
  );
  endlessSent = () => sentBytes;
  base = `${await app.listen({ port: 0, host: '127.0.0.1' })}/`;
});
afterAll(async () => {
  await app.close();
});
beforeEach(() => {
  snapshotBody = {
    rubricVersion: 1,
    domains: [domainSummary('good.example'), domainSummary('weak.example')],
  };
  lookups = [];
  snapshotRequests = [];
  lookupStatus = 200;
});

const options = (): ObservatoryOptions => ({ baseUrl: base, fetch, timeoutMs: 5000 });

describe('apiUrl', () => {
  it('joins with or without a trailing slash, and under a path', () => {
    expect(apiUrl('https://o.example', 'api/v1/snapshot')).toBe('https://o.example/api/v1/snapshot');
    expect(apiUrl('https://o.example/hoplight', 'api/v1/snapshot')).toBe(
      'https://o.example/hoplight/api/v1/snapshot',
    );
  });
});

describe('refreshSnapshot', () => {
  it('downloads the snapshot, then revalidates it with its ETag', async () => {
    const first = await refreshSnapshot(options(), null, now);
    expect(first.etag).toBe('"v1"');
    expect([...first.domains.keys()]).toEqual(['good.example', 'weak.example']);
    const later = new Date('2026-11-24T19:00:00Z');
    const second = await refreshSnapshot(options(), first, later);
    expect(snapshotRequests).toEqual([undefined, '"v1"']);
    expect(second).toEqual({ ...first, fetchedAt: later.toISOString() });
  });

  it('skips malformed summaries but keeps the others', async () => {
    snapshotBody = {
      rubricVersion: 1,
      domains: [domainSummary('good.example'), { domain: 'bad.example' }, 7],
    };
    const snapshot = await refreshSnapshot(options(), null, now);
    expect([...snapshot.domains.keys()]).toEqual(['good.example']);
  });

  it.each([
    [{ rubricVersion: 1 }, 'has no list of domains'],
    ['just text', "The observatory's snapshot is not JSON."],
  ])('refuses a body without domains (%j)', async (body, message) => {
    snapshotBody = body;
    await expect(refreshSnapshot(options(), null, now)).rejects.toThrow(message);
  });

  it('says the observatory did not answer when nothing listens', async () => {
    const closed = Fastify();
    const url = await closed.listen({ port: 0, host: '127.0.0.1' });
    await closed.close();
    const error = await refreshSnapshot({ ...options(), baseUrl: url }, null, now).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObservatoryError);
    expect((error as Error).message).toContain(`The observatory at ${url} did not answer`);
  });

  it("says so too when the stalled body's read fails with a plain AbortError, as Firefox's does", async () => {
    const firefoxLike: ObservatoryOptions['fetch'] = async (input, init) => {
      const response = await fetch(input, init);
      return new Response(
        new ReadableStream({
          async start(controller) {
            await new Promise((resolve) => init?.signal?.addEventListener('abort', resolve));
            controller.error(new DOMException('The operation was aborted. ', 'AbortError'));
          },
        }),
        { status: response.status, headers: response.headers },
      );
    };
    const error = await refreshSnapshot(
      { ...options(), fetch: firefoxLike, baseUrl: `${base}stalled/`, timeoutMs: 300 },
      null,
      now,
    ).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `The observatory at ${base}stalled/ did not answer (no answer in time).`,
    );
  });

  it('says the observatory did not answer when the body stalls past the time budget', async () => {
    const error = await refreshSnapshot(
      { ...options(), baseUrl: `${base}stalled/`, timeoutMs: 300 },
      null,
      now,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObservatoryError);
    expect((error as Error).message).toBe(
      `The observatory at ${base}stalled/ did not answer (no answer in time).`,
    );
  });

  it('reports an HTTP error status', async () => {
    await expect(
      refreshSnapshot({ ...options(), baseUrl: `${base}nothing-here/` }, null, now),
    ).rejects.toThrow("The observatory's snapshot answered HTTP 404.");
  });
});

describe('lookupSummaries', () => {
  it('asks for unknown domains to be scanned and maps the ones without a summary to null', async () => {
    const found = await lookupSummaries(options(), ['known.example', 'new.example']);
    expect(lookups).toEqual([{ domains: ['known.example', 'new.example'], scanUnknown: true }]);
    expect(found.get('known.example')?.domain).toBe('known.example');
    expect(found.get('new.example')).toBeNull();
  });

  it('splits long lists into batches the API accepts', async () => {
    const domains = Array.from({ length: LOOKUP_BATCH + 3 }, (_, i) => `known${i}.example`);
    const found = await lookupSummaries(options(), domains);
    expect(lookups.map((l) => l.domains.length)).toEqual([LOOKUP_BATCH, 3]);
    expect(found.size).toBe(domains.length);
  });

  it('says the observatory did not answer when the body stalls past the time budget', async () => {
    const error = await lookupSummaries({ ...options(), baseUrl: `${base}stalled/`, timeoutMs: 300 }, [
      'known.example',
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObservatoryError);
    expect((error as Error).message).toBe(
      `The observatory at ${base}stalled/ did not answer (no answer in time).`,
    );
  });

  it('reports an HTTP error status', async () => {
    lookupStatus = 429;
    await expect(lookupSummaries(options(), ['known.example'])).rejects.toThrow(
      "The observatory's lookup answered HTTP 429.",
    );
  });
});

describe('hostile answers', () => {
  it('an endless snapshot or lookup body is cut at the cap, with a clear error', async () => {
    const cap = 1024 * 1024;
    const capped = { ...options(), baseUrl: `${base}endless/`, maxBytes: { snapshot: cap, lookup: cap } };
    await expect(refreshSnapshot(capped, null, now)).rejects.toThrow(
      "The observatory's snapshot is larger than 1024 KiB; Hoplight did not read it.",
    );
    await expect(lookupSummaries(capped, ['a.example'])).rejects.toThrow(
      "The observatory's lookup answer is larger than 1024 KiB; Hoplight did not read it.",
    );
    // The client stopped reading: the server got no further than socket buffers past the cap, far from a gigabyte.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(endlessSent()).toBeLessThan(2 * (cap + 16 * 1024 * 1024));
  });

  it('the default caps hold too: a lookup answer past 4 MiB is refused', async () => {
    await expect(
      lookupSummaries({ ...options(), baseUrl: `${base}endless/` }, ['a.example']),
    ).rejects.toThrow(/lookup answer is larger than 4096 KiB/);
  });

  it('a declared length over the cap is refused before any of the body is read', async () => {
    await expect(refreshSnapshot({ ...options(), baseUrl: `${base}declared/` }, null, now)).rejects.toThrow(
      /snapshot is larger than/,
    );
  });

  it('domains named __proto__ or constructor are plain keys of a Map, and no prototype changes', async () => {
    const snapshot = await refreshSnapshot({ ...options(), baseUrl: `${base}proto/` }, null, now);
    expect(snapshot.domains).toBeInstanceOf(Map);
    expect([...snapshot.domains.keys()].sort()).toEqual(['__proto__', 'constructor', 'good.example']);
    expect(snapshot.domains.get('__proto__')?.domain).toBe('__proto__');
    const found = await lookupSummaries({ ...options(), baseUrl: `${base}proto/` }, [
      '__proto__',
      'hasOwnProperty',
    ]);
    expect(found.get('__proto__')?.domain).toBe('__proto__');
    expect(found.get('hasOwnProperty')).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
    const { summaries } = await summariesFor(options(), ['__proto__', 'constructor'], snapshot, true);
    expect([...summaries.keys()].sort()).toEqual(['__proto__', 'constructor']);
  });
});

describe('summariesFor', () => {
  it('takes what the snapshot has and looks up only the rest', async () => {
    const snapshot = await refreshSnapshot(options(), null, now);
    const { summaries, lookedUp } = await summariesFor(
      options(),
      ['good.example', 'known.example', 'good.example'],
      snapshot,
      false,
    );
    expect(lookups).toEqual([{ domains: ['known.example'], scanUnknown: true }]);
    expect([...summaries.keys()].sort()).toEqual(['good.example', 'known.example']);
    expect(lookedUp).toBe(1);
  });

  it('asks the observatory nothing in privacy mode', async () => {
    const snapshot = await refreshSnapshot(options(), null, now);
    const { summaries } = await summariesFor(options(), ['good.example', 'known.example'], snapshot, true);
    expect(lookups).toEqual([]);
    expect([...summaries.keys()]).toEqual(['good.example']);
  });
});
