// GET /api/v1/domains/{domain}: one domain's summary and status.
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.ts';
import { toDomainView } from '../domain-view.ts';
import { errorBodySchema } from '../errors.ts';
import { parseDomainOrThrow } from '../parse-domain.ts';
import { domainInputSchema, domainViewSchema } from '../schemas.ts';

export function domainRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Params: { domain: string } }>(
    '/api/v1/domains/:domain',
    {
      schema: {
        summary: 'A domain’s latest summary and whether it is fresh, stale, pending, failed or unknown',
        params: {
          type: 'object',
          additionalProperties: false,
          required: ['domain'],
          properties: { domain: domainInputSchema },
        },
        response: { 200: domainViewSchema, 400: errorBodySchema },
      },
    },
    async (request) => {
      const domain = parseDomainOrThrow(request.params.domain);
      return toDomainView(domain, await ctx.store.getDomain(domain), ctx.now(), ctx.freshForMs);
    },
  );
}
