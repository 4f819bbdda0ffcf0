// POST /api/v1/lookup: many domains in one call, optionally queueing scans of unknown ones.
import type { FastifyInstance } from 'fastify';
import { normalizeDomain } from '../../../core/domain.ts';
import type { LookupRequest } from '../../../core/observatory-api.ts';
import { clientKey } from '../../http/client-key.ts';
import type { HttpContext } from '../../http/context.ts';
import { domainViewJson } from '../../http/domain-view.ts';
import { errorBodySchema } from '../../http/errors.ts';
import { requestScan } from '../../queue/request-scan.ts';
import type { StoredDomainState } from '../../store/records.ts';
import { domainInputSchema, domainViewSchema, MAX_LOOKUP_DOMAINS } from '../schemas.ts';

/** Names per piece of the answer: a summary is ~1.8 KB of JSON. */
const RESULTS_PER_CHUNK = 32;

export function lookupRoutes(app: FastifyInstance, ctx: HttpContext): void {
  app.post<{ Body: LookupRequest }>(
    '/api/v1/lookup',
    {
      schema: {
        summary: `Summaries of up to ${MAX_LOOKUP_DOMAINS} domains; with scanUnknown, queue scans of never-scanned ones`,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['domains'],
          properties: {
            domains: { type: 'array', minItems: 1, maxItems: MAX_LOOKUP_DOMAINS, items: domainInputSchema },
            scanUnknown: { type: 'boolean', default: false },
          },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['results', 'queued', 'queueFull'],
            properties: {
              results: {
                type: 'array',
                description:
                  'One entry per input, in input order. An invalid name has status "invalid", domain null and an error.',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['input', 'domain', 'status'],
                  properties: {
                    input: { type: 'string' },
                    domain: { type: ['string', 'null'] },
                    status: { type: 'string', enum: [...domainViewSchema.properties.status.enum, 'invalid'] },
                    scannedAt: { type: ['string', 'null'] },
                    summary: domainViewSchema.properties.summary,
                    lastScan: domainViewSchema.properties.lastScan,
                    error: { type: 'string' },
                  },
                },
              },
              queued: { type: 'integer', description: 'Scans queued by this call.' },
              queueFull: {
                type: 'boolean',
                description:
                  'Some unknown domains were not queued: the queue is full, or this client has used its share of it.',
              },
            },
          },
          400: errorBodySchema,
          413: errorBodySchema,
        },
      },
    },
    async (request, reply) => {
      const parsed = request.body.domains.map((input) => ({ input, result: normalizeDomain(input) }));
      const now = ctx.now();
      const client = clientKey(request.ip);
      let queued = 0;
      let queueFull = false;
      // Queues scans of `valid`'s unknown domains (never scanned, no scan asked for: a row may exist from
      // a refused request) until the queue or this client's share is full; their states are read again.
      const queueUnknown = async (valid: string[], states: Map<string, StoredDomainState>) => {
        const touched: string[] = [];
        for (const domain of valid) {
          const state = states.get(domain);
          if (state && (state.scannedAt !== null || state.lastScan !== null)) continue;
          const outcome = await requestScan(ctx.store, ctx.queue, domain, ctx.limits, now, client);
          if (outcome.kind === 'queue-full' || outcome.kind === 'client-limit') {
            queueFull = true;
            break;
          }
          if (outcome.kind === 'queued') queued++;
          if (outcome.kind === 'queued' || outcome.kind === 'existing') touched.push(domain);
        }
        for (const [domain, state] of await ctx.store.getDomainRows(touched)) states.set(domain, state);
      };
      // A lookup of 500 is ~900 KB of JSON. Read and encoded a few dozen names at a time, it is never
      // one string of that size to flatten and transcode (twice the time of making the results), and
      // no summary stays on the heap long: each piece is bytes outside it once made.
      const pieces: Buffer[] = [];
      for (let i = 0; i < parsed.length; i += RESULTS_PER_CHUNK) {
        const chunk = parsed.slice(i, i + RESULTS_PER_CHUNK);
        const valid = [...new Set(chunk.flatMap((p) => (p.result.ok ? [p.result.domain] : [])))];
        const states = await ctx.store.getDomainRows(valid);
        if (request.body.scanUnknown && !queueFull) await queueUnknown(valid, states);
        // Built as text around each stored summary (domainViewJson): no per-request re-serialisation.
        const results = chunk.map(({ input, result }) =>
          result.ok
            ? domainViewJson(
                result.domain,
                states.get(result.domain) ?? null,
                now,
                ctx.freshForMs,
                `"input":${JSON.stringify(input)},`,
              )
            : JSON.stringify({ input, domain: null, status: 'invalid', error: result.error }),
        );
        pieces.push(Buffer.from(`${i === 0 ? '{"results":[' : ','}${results.join(',')}`));
      }
      pieces.push(Buffer.from(`],"queued":${queued},"queueFull":${queueFull}}`));
      reply.type('application/json; charset=utf-8');
      return reply.send(Buffer.concat(pieces));
    },
  );
}
