// GET /api/v1/snapshot: every known summary at once, so a client can look domains up locally and
// reveal nothing about its contacts. Revalidated with ETag. Two representations: the full list of
// summaries (default) and, with `?format=compact`, the same summaries losslessly packed (snapshot-codec).
// The ETag is a digest of the body, so it changes when the content does and only then (a re-grade that
// changes nothing, or a scan that is not in it, leaves clients' caches valid).
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGunzip, createGzip, gzip as gzipCallback } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { RUBRIC_VERSION } from '../../../core/rubric.ts';
import type { DomainSummary } from '../../../core/summary.ts';
import type { HttpContext } from '../../http/context.ts';
import type { Store } from '../../store/store.ts';
import { summarySchema } from '../schemas.ts';
import { CompactSnapshotBuilder } from '../snapshot-codec.ts';

type Format = 'full' | 'compact';

/**
 * One representation as of one store revision: its content tag, the gzip body, and the plain body for
 * clients without gzip, made once on first demand and then shared (never re-encoded per request).
 */
interface Built {
  revision: number;
  tag: string;
  gzip: Buffer;
  /** The plain body: a buffer when small (compact), else a file written once (full, ~120 MB). */
  plain: () => Promise<PlainBody>;
}

export function snapshotRoutes(app: FastifyInstance, ctx: HttpContext): void {
  // Bodies only change with the store's snapshot revision, so each is built once per revision (a cache,
  // not state: the revision is read from the database on every request, so several `serve` processes
  // stay consistent). Concurrent requests for a revision not built yet share one build.
  const cache = new Map<Format, Promise<Built>>();
  const built = async (format: Format, revision: number): Promise<Built> => {
    const current = cache.get(format);
    if (current) {
      const value = await current.catch(() => null);
      if (value?.revision === revision) return value;
      if (cache.get(format) !== current) return built(format, revision);
    }
    const next = (
      format === 'full' ? buildFull(ctx.store, revision) : buildCompact(ctx.store, revision)
    ).catch((error: unknown) => {
      cache.delete(format);
      throw error;
    });
    cache.set(format, next);
    return next;
  };

  app.get<{ Querystring: { format?: Format } }>(
    '/api/v1/snapshot',
    {
      schema: {
        summary: 'Every known domain summary (ETag / If-None-Match for 304)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            format: {
              type: 'string',
              enum: ['full', 'compact'],
              default: 'full',
              description:
                'full: {rubricVersion, domains: DomainSummary[]}. compact: the same summaries losslessly packed ' +
                'as columns over a table of distinct service summaries (CompactSnapshot in ' +
                'src/observatory/api/snapshot-codec.ts; about 1 MB gzip for 100,000 domains).',
            },
          },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: true,
            properties: {
              rubricVersion: { type: 'integer' },
              domains: { type: 'array', items: summarySchema },
            },
          },
          304: { type: 'null', description: 'Not modified since the ETag given in If-None-Match.' },
        },
      },
    },
    async (request, reply) => {
      const format = request.query.format ?? 'full';
      const body = await built(format, await ctx.store.snapshotRevision());
      void reply
        .header('etag', body.tag)
        .header('cache-control', 'public, max-age=60, must-revalidate')
        .header('vary', 'accept-encoding');
      if (matchesEtag(request.headers['if-none-match'], body.tag)) return reply.code(304).send();
      // Bodies are sent as built, never re-serialised: the response schema is not applied to them.
      void reply.type('application/json; charset=utf-8');
      if (acceptsGzip(request.headers['accept-encoding']))
        return reply.header('content-encoding', 'gzip').send(body.gzip);
      const plain = await body.plain();
      // A file written once per revision, streamed: no re-encoding, and no 100 MB in memory. Read in
      // 16 KiB pieces: with the default 64 KiB, a few downloads at once held tens of MB of buffers.
      return reply
        .header('content-length', plain.size)
        .send(createReadStream(plain.path, { highWaterMark: 16 * 1024 }));
    },
  );
}

/** A strong tag from the body's digest; the representation is named too (RFC 9110 §8.8.3). */
function contentTag(format: Format, digest: string): string {
  return `"${RUBRIC_VERSION}-${digest.slice(0, 27)}${format === 'compact' ? '-compact' : ''}"`;
}

type PlainBody = { path: string; size: number };

/** Files of plain bodies this process wrote; removed when superseded and at exit. */
const plainFiles = new Set<string>();
process.once('exit', () => {
  for (const path of plainFiles) rmSync(path, { force: true });
});

/**
 * The plain body inflated from `gzip` into a temporary file on first call only; the file of the
 * revision this one replaces, in the same format, is removed then.
 */
function plainFile(gzip: Buffer, revision: number, format: Format): () => Promise<PlainBody> {
  let written: Promise<PlainBody> | null = null;
  return () => {
    written ??= (async () => {
      const path = join(
        tmpdir(),
        `hoplight-snapshot-${process.pid}-${format}-${revision}-${randomUUID()}.json`,
      );
      plainFiles.add(path);
      // Fed in slices: zlib inflates a whole written chunk before it heeds backpressure, so the body in
      // one piece (a few MB) would sit inflated (100+ MB) in memory while the file catches up.
      await pipeline(Readable.from(slices(gzip, 64 * 1024)), createGunzip(), createWriteStream(path));
      const old = lastPlainFiles.get(format);
      if (old !== undefined && old !== path) {
        plainFiles.delete(old);
        await rm(old, { force: true });
      }
      lastPlainFiles.set(format, path);
      return { path, size: (await stat(path)).size };
    })();
    return written;
  };
}

const lastPlainFiles = new Map<Format, string>();

function* slices(buffer: Buffer, size: number): Generator<Buffer> {
  for (let at = 0; at < buffer.length; at += size) yield buffer.subarray(at, at + size);
}

/** `{"rubricVersion":N,"domains":[…]}` from the stored summary texts, gzipped as it is written. */
async function buildFull(store: Store, revision: number): Promise<Built> {
  const gzip = createGzip();
  const digest = createHash('sha256');
  const chunks: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = once(gzip, 'end');
  const write = async (text: string) => {
    digest.update(text);
    if (!gzip.write(text)) await once(gzip, 'drain');
  };
  await write(`{"rubricVersion":${RUBRIC_VERSION},"domains":[`);
  let first = true;
  for await (const page of store.snapshotPages()) {
    await write((first ? '' : ',') + page.map((row) => row.summary).join(','));
    first = false;
  }
  digest.update(']}');
  gzip.end(']}');
  await ended;
  const body = Buffer.concat(chunks);
  // The full list is kept gzip in memory; plain (~20 times larger) it goes to a file on first demand.
  return {
    revision,
    tag: contentTag('full', digest.digest('base64url')),
    gzip: body,
    plain: plainFile(body, revision, 'full'),
  };
}

const gzipAsync = promisify(gzipCallback);

async function buildCompact(store: Store, revision: number): Promise<Built> {
  const builder = new CompactSnapshotBuilder(RUBRIC_VERSION);
  for await (const page of store.snapshotPages()) {
    for (const row of page) builder.add(JSON.parse(row.summary) as DomainSummary);
  }
  const plain = Buffer.from(JSON.stringify(builder.finish()));
  // On zlib's thread pool: compressing several MB on the event loop held every request ~100 ms.
  const gzip = await gzipAsync(plain);
  const tag = contentTag('compact', createHash('sha256').update(plain).digest('base64url'));
  // Plain, it is asked for rarely (extensions send Accept-Encoding: gzip): a file on first demand too.
  return { revision, tag, gzip, plain: plainFile(gzip, revision, 'compact') };
}

function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    return name === 'gzip' && !params.some((p) => /^\s*q=0(?:\.0*)?\s*$/.test(p));
  });
}

/** `If-None-Match` may list several tags, weak or strong, or `*` (RFC 9110 §13.1.2: weak comparison). */
function matchesEtag(header: string | undefined, tag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === tag);
}
