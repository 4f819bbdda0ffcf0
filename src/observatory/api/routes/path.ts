// GET /api/v1/path?from=&to=: the inferred path between two domains (hops, lights, reasons) from their
// stored summaries, for operators asking whether their server can talk safely to another.
import type { FastifyInstance } from 'fastify';
import type { HttpContext } from '../../http/context.ts';
import { errorBodySchema } from '../../http/errors.ts';
import { storedPath } from '../../http/path-view.ts';
import { parseDomainOrThrow } from '../parse-domain.ts';
import { domainInputSchema, pathReportSchema } from '../schemas.ts';

export function pathRoutes(app: FastifyInstance, ctx: HttpContext): void {
  app.get<{ Querystring: { from: string; to: string } }>(
    '/api/v1/path',
    {
      schema: {
        summary: 'The path between two domains: each hop’s light and reasons (PathReport v2)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['from', 'to'],
          properties: { from: domainInputSchema, to: domainInputSchema },
        },
        response: { 200: pathReportSchema, 400: errorBodySchema },
      },
    },
    async (request) => {
      const from = parseDomainOrThrow(request.query.from);
      const to = parseDomainOrThrow(request.query.to);
      return storedPath(ctx, from, to);
    },
  );
}
