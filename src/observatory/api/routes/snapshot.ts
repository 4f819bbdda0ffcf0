// GET /api/v1/snapshot: every known summary at once, so a client can look domains up locally and
// reveal nothing about its contacts. Revalidated with ETag. Two representations: the full list of
// summaries (default) and, with `?format=compact`, the same summaries losslessly packed (snapshot-codec).
import { once } from 'node:events';
import { createGunzip, createGzip, gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { RUBRIC_VERSION } from '../../../core/rubric.ts';
import type { DomainSummary } from '../../../core/summary.ts';
import type { HttpContext } from '../../http/context.ts';
import type { Store } from '../../store/store.ts';
import { summarySchema } from '../schemas.ts';
import { CompactSnapshotBuilder } from '../snapshot-codec.ts';

type Format = 'full' | 'compact';

/** One representation for one tag: gzip always; the plain body only where it is small (compact). */
interface Built {
  tag: string;
  gzip: Buffer;
  plain: Buffer | null;
}

export function snapshotRoutes(app: FastifyInstance, ctx: HttpContext): void {
  // Bodies only change with the tag, so each is built once per tag (a cache, not state: the tag is read
  // from the database on every request, so several `serve` processes stay consistent). Concurrent
  // requests for a tag not built yet share one build.
  const cache = new Map<Format, Promise<Built>>();
  const built = async (format: Format, tag: string): Promise<Built> => {
    const current = cache.get(format);
    if (current) {
      const value = await current.catch(() => null);
      if (value?.tag === tag) return value;
      if (cache.get(format) !== current) return built(format, tag);
    }
    const next = (format === 'full' ? buildFull(ctx.store, tag) : buildCompact(ctx.store, tag)).catch(
      (error: unknown) => {
        cache.delete(format);
        throw error;
      },
    );
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
      // The rubric version is part of the tag: a new rubric changes every summary.
      const base = `"${RUBRIC_VERSION}-${await ctx.store.snapshotRevision()}"`;
      // A different representation needs a different validator (RFC 9110 §8.8.3).
      const tag = format === 'full' ? base : `${base.slice(0, -1)}-compact"`;
      void reply
        .header('etag', tag)
        .header('cache-control', 'public, max-age=60, must-revalidate')
        .header('vary', 'accept-encoding');
      if (matchesEtag(request.headers['if-none-match'], tag)) return reply.code(304).send();
      const body = await built(format, tag);
      // Bodies are sent as built, never re-serialised: the response schema is not applied to them.
      void reply.type('application/json; charset=utf-8');
      if (acceptsGzip(request.headers['accept-encoding']))
        return reply.header('content-encoding', 'gzip').send(body.gzip);
      if (body.plain) return reply.send(body.plain);
      // The full list is kept gzip only (it is ~20 times larger plain); rare clients without gzip get
      // it inflated on the fly.
      const inflate = createGunzip();
      inflate.end(body.gzip);
      return reply.send(inflate);
    },
  );
}

/** `{"rubricVersion":N,"domains":[…]}` from the stored summary texts, gzipped as it is written. */
async function buildFull(store: Store, tag: string): Promise<Built> {
  const gzip = createGzip();
  const chunks: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = once(gzip, 'end');
  const write = async (text: string) => {
    if (!gzip.write(text)) await once(gzip, 'drain');
  };
  await write(`{"rubricVersion":${RUBRIC_VERSION},"domains":[`);
  let first = true;
  for await (const page of store.snapshotPages()) {
    await write((first ? '' : ',') + page.map((row) => row.summary).join(','));
    first = false;
  }
  gzip.end(']}');
  await ended;
  return { tag, gzip: Buffer.concat(chunks), plain: null };
}

async function buildCompact(store: Store, tag: string): Promise<Built> {
  const builder = new CompactSnapshotBuilder(RUBRIC_VERSION);
  for await (const page of store.snapshotPages()) {
    for (const row of page) builder.add(JSON.parse(row.summary) as DomainSummary);
  }
  const plain = Buffer.from(JSON.stringify(builder.finish()));
  return { tag, gzip: gzipSync(plain), plain };
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
