// POST /api/v1/scans (queue a rescan) and GET /api/v1/scans/{id} (its state and full report).
import type { FastifyInstance } from 'fastify';
import { clientKey } from '../../http/client-key.ts';
import type { HttpContext } from '../../http/context.ts';
import { ApiError, errorBodySchema } from '../../http/errors.ts';
import { requestScan } from '../../queue/request-scan.ts';
import { parseDomainOrThrow } from '../parse-domain.ts';
import { domainInputSchema, scanInfoSchema } from '../schemas.ts';

const UUID = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

export function scanRoutes(app: FastifyInstance, ctx: HttpContext): void {
  app.post<{ Body: { domain: string } }>(
    '/api/v1/scans',
    {
      schema: {
        summary: 'Queue a scan of a domain (a per-domain cooldown applies)',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['domain'],
          properties: { domain: domainInputSchema },
        },
        response: {
          202: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'domain', 'existing'],
            properties: {
              id: { type: 'string', format: 'uuid' },
              domain: { type: 'string' },
              existing: {
                type: 'boolean',
                description: 'A scan of this domain was already queued or running; this is its id.',
              },
            },
          },
          400: errorBodySchema,
          429: errorBodySchema,
          503: errorBodySchema,
        },
      },
    },
    async (request, reply) => {
      const domain = parseDomainOrThrow(request.body.domain);
      const client = clientKey(request.ip);
      const outcome = await requestScan(ctx.store, ctx.queue, domain, ctx.limits, ctx.now(), client);
      switch (outcome.kind) {
        case 'cooldown':
          throw new ApiError(
            429,
            'cooldown',
            `${domain} was scanned or queued recently; it can be rescanned later.`,
            outcome.retryAfterMs,
          );
        case 'client-limit':
          throw new ApiError(
            429,
            'client_quota',
            outcome.reason === 'queued'
              ? 'Many scans this client asked for are still waiting; ask again once they have run.'
              : 'This client has asked for as many scans as it may this hour.',
            outcome.retryAfterMs,
          );
        case 'queue-full':
          throw new ApiError(
            503,
            'queue_full',
            'The scan queue is full; try again later.',
            outcome.retryAfterMs,
          );
        default:
          void reply.code(202).header('location', `/api/v1/scans/${outcome.scanId}`);
          return { id: outcome.scanId, domain, existing: outcome.kind === 'existing' };
      }
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/scans/:id',
    {
      schema: {
        summary: 'A scan’s state and, once done, its full versioned report',
        params: {
          type: 'object',
          additionalProperties: false,
          required: ['id'],
          properties: { id: { type: 'string', pattern: UUID } },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: [...scanInfoSchema.required, 'domain', 'report'],
            properties: {
              ...scanInfoSchema.properties,
              domain: { type: 'string' },
              report: {
                type: ['object', 'null'],
                additionalProperties: true,
                description: 'DomainReport (src/core/report.ts)',
              },
            },
          },
          400: errorBodySchema,
          404: errorBodySchema,
        },
      },
    },
    async (request) => {
      const scan = await ctx.store.getScan(request.params.id);
      if (!scan) throw new ApiError(404, 'not_found', `No scan has the id ${request.params.id}.`);
      const { attempts: _attempts, ...view } = scan;
      return view;
    },
  );
}
