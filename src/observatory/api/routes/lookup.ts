// POST /api/v1/lookup: many domains in one call, optionally queueing scans of unknown ones.
import type { FastifyInstance } from 'fastify';
import { normalizeDomain } from '../../../core/domain.ts';
import { requestScan } from '../../queue/request-scan.ts';
import type { ApiContext } from '../context.ts';
import { type DomainView, toDomainView } from '../domain-view.ts';
import { errorBodySchema } from '../errors.ts';
import { domainInputSchema, domainViewSchema, MAX_LOOKUP_DOMAINS } from '../schemas.ts';

interface LookupBody {
  domains: string[];
  scanUnknown?: boolean;
}

type LookupResult = { input: string } & (DomainView | { domain: null; status: 'invalid'; error: string });

export function lookupRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.post<{ Body: LookupBody }>(
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
                description: 'Some unknown domains were not queued because the queue is full.',
              },
            },
          },
          400: errorBodySchema,
          413: errorBodySchema,
        },
      },
    },
    async (request) => {
      const parsed = request.body.domains.map((input) => ({ input, result: normalizeDomain(input) }));
      const valid = [...new Set(parsed.flatMap((p) => (p.result.ok ? [p.result.domain] : [])))];
      const states = await ctx.store.getDomains(valid);
      const now = ctx.now();
      const views = new Map(
        valid.map((d) => [d, toDomainView(d, states.get(d) ?? null, now, ctx.freshForMs)]),
      );
      let queued = 0;
      let queueFull = false;
      if (request.body.scanUnknown) {
        for (const [domain, view] of views) {
          if (view.status !== 'unknown' || queueFull) continue;
          const outcome = await requestScan(ctx.store, ctx.queue, domain, ctx.limits, now);
          if (outcome.kind === 'queue-full') queueFull = true;
          else if (outcome.kind === 'queued' || outcome.kind === 'existing') {
            if (outcome.kind === 'queued') queued++;
            views.set(domain, toDomainView(domain, await ctx.store.getDomain(domain), now, ctx.freshForMs));
          }
        }
      }
      const results: LookupResult[] = parsed.map(({ input, result }) =>
        result.ok
          ? { input, ...(views.get(result.domain) as DomainView) }
          : { input, domain: null, status: 'invalid', error: result.error },
      );
      return { results, queued, queueFull };
    },
  );
}
