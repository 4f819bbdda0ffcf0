// GET /api/v1/stats: network statistics and the queue's state.
import type { FastifyInstance } from 'fastify';
import type { HttpContext } from '../../http/context.ts';
import { observatoryStats } from '../../http/observatory-stats.ts';

const countMap = { type: 'object', additionalProperties: { type: 'integer' } } as const;

export function statsRoutes(app: FastifyInstance, ctx: HttpContext): void {
  app.get(
    '/api/v1/stats',
    {
      schema: {
        summary: 'Counts of domains, grades per service, scans by state, queue length',
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['domains', 'scanned', 'rubricVersion', 'grades', 'scans', 'queue'],
            properties: {
              domains: { type: 'integer', description: 'Domains ever requested.' },
              scanned: { type: 'integer', description: 'Domains with a report.' },
              rubricVersion: { type: 'integer' },
              grades: {
                type: 'object',
                additionalProperties: false,
                required: ['c2s', 's2s'],
                properties: { c2s: countMap, s2s: countMap },
                description: 'Latest grade per domain and service; "none" when no target could be scanned.',
              },
              scans: countMap,
              queue: {
                type: 'object',
                additionalProperties: false,
                required: ['backend', 'depth', 'max'],
                properties: {
                  backend: { type: 'string' },
                  depth: { type: 'integer' },
                  max: { type: 'integer' },
                },
              },
            },
          },
        },
      },
    },
    async () => {
      const stats = await observatoryStats(ctx.store);
      return {
        ...stats,
        queue: { backend: ctx.queue.backend, depth: stats.scans.queued, max: ctx.limits.maxQueued },
      };
    },
  );
}
