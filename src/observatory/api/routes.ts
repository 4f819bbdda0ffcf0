// The JSON API v1: its routes and the OpenAPI document made from their schemas.
import type { FastifyInstance } from 'fastify';
import type { HttpContext } from '../http/context.ts';
import { createOpenApiCollector } from './openapi.ts';
import { domainRoutes } from './routes/domains.ts';
import { lookupRoutes } from './routes/lookup.ts';
import { pathRoutes } from './routes/path.ts';
import { scanRoutes } from './routes/scans.ts';
import { snapshotRoutes } from './routes/snapshot.ts';
import { statsRoutes } from './routes/stats.ts';

export function apiRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const openapi = createOpenApiCollector();
  app.addHook('onRoute', openapi.onRoute);
  domainRoutes(app, ctx);
  lookupRoutes(app, ctx);
  pathRoutes(app, ctx);
  scanRoutes(app, ctx);
  snapshotRoutes(app, ctx);
  statsRoutes(app, ctx);
  app.get('/api/v1/openapi.json', async () => openapi.document());
}
