// GET /api/v1/snapshot: every known summary at once, so a client can look domains up locally and
// reveal nothing about its contacts. Revalidated with ETag; compressed by @fastify/compress.
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { RUBRIC_VERSION } from '../../../core/rubric.ts';
import type { ApiContext } from '../context.ts';
import { summarySchema } from '../schemas.ts';

export function snapshotRoutes(app: FastifyInstance, ctx: ApiContext): void {
  // The body only changes with the tag, so it is serialised once per tag (a cache, not state: the tag
  // is read from the database on every request, so several `serve` processes stay consistent).
  let cached: { tag: string; body: string; gzip: Buffer | null } | null = null;
  app.get(
    '/api/v1/snapshot',
    {
      schema: {
        summary: 'Every known domain summary (ETag / If-None-Match for 304)',
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['rubricVersion', 'domains'],
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
      const tag = await ctx.store.snapshotTag();
      void reply.header('etag', tag).header('cache-control', 'public, max-age=60, must-revalidate');
      if (matchesEtag(request.headers['if-none-match'], tag)) return reply.code(304).send();
      if (cached?.tag !== tag) {
        const body = JSON.stringify({ rubricVersion: RUBRIC_VERSION, domains: await ctx.store.snapshot() });
        cached = { tag, body, gzip: null };
      }
      void reply.type('application/json; charset=utf-8').header('vary', 'accept-encoding');
      // The large body is gzipped once per tag too; @fastify/compress leaves an encoded reply alone.
      if (acceptsGzip(request.headers['accept-encoding'])) {
        cached.gzip ??= gzipSync(cached.body);
        return reply.header('content-encoding', 'gzip').send(cached.gzip);
      }
      return reply.send(cached.body);
    },
  );
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
