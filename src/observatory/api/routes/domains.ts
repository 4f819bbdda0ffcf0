// GET /api/v1/domains/{domain}: one domain's summary and status.
import type { FastifyInstance } from 'fastify';
import type { HttpContext } from '../../http/context.ts';
import { domainViewJson } from '../../http/domain-view.ts';
import { errorBodySchema } from '../../http/errors.ts';
import { parseDomainOrThrow } from '../parse-domain.ts';
import { domainInputSchema, domainViewSchema } from '../schemas.ts';

export function domainRoutes(app: FastifyInstance, ctx: HttpContext): void {
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
    async (request, reply) => {
      const domain = parseDomainOrThrow(request.params.domain);
      const state = (await ctx.store.getDomainRows([domain])).get(domain) ?? null;
      // Sent as built (a string skips fastify's serialiser); domainViewSchema still documents it.
      return reply
        .type('application/json; charset=utf-8')
        .send(domainViewJson(domain, state, ctx.now(), ctx.freshForMs));
    },
  );
}
