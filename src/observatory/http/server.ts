// The observatory's HTTP shell: fastify with CORS, rate limit, compression and one error shape, mounting
// the JSON API and the pages for people (built, not listening: the caller listens).
import compress from '@fastify/compress';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { apiRoutes } from '../api/routes.ts';
import { DEFAULT_SCAN_LIMITS, type ScanLimits } from '../queue/request-scan.ts';
import type { ScanQueue } from '../queue/types.ts';
import type { Store } from '../store/store.ts';
import { webRoutes } from '../web/routes.ts';
import type { HttpContext } from './context.ts';
import { ApiError, handleError } from './errors.ts';
import { isExtensionOrigin } from './extension-origin.ts';

export interface BuildServerOptions {
  store: Store;
  queue: ScanQueue;
  /** Cooldown, queue bound; defaults: 1 h, 1000, 60 s. */
  limits?: Partial<ScanLimits>;
  /** A report younger than this is `fresh` (default 7 days). */
  freshForMs?: number;
  /** Requests per client (IP) per window (default 300 per minute). */
  rateLimit?: { max: number; timeWindowMs: number };
  /** Largest request body in bytes (default 256 KiB: 500 long domain names fit). */
  bodyLimit?: number;
  /** Passed to fastify (default false). */
  logger?: FastifyServerOptions['logger'];
  /** Honour X-Forwarded-For when behind a reverse proxy (default false). */
  trustProxy?: boolean;
  /** Serve the pages for people too (default true). */
  pages?: boolean;
  /** The clock, for tests of freshness and cooldown. */
  now?: () => Date;
}

export async function buildServer(opts: BuildServerOptions): Promise<FastifyInstance> {
  const ctx: HttpContext = {
    store: opts.store,
    queue: opts.queue,
    limits: { ...DEFAULT_SCAN_LIMITS, ...opts.limits },
    freshForMs: opts.freshForMs ?? 7 * 86_400_000,
    now: opts.now ?? (() => new Date()),
  };
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimit ?? 256 * 1024,
    trustProxy: opts.trustProxy ?? false,
    // Domains in the path may be long Unicode names; find-my-way's default is 100 characters.
    routerOptions: { maxParamLength: 2048 },
    // Unknown fields are refused (fastify's default would silently drop them) and nothing is coerced.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true } },
  });
  app.setErrorHandler(handleError);
  // The API speaks JSON only; anything else is 415 rather than a confusing validation error.
  app.removeContentTypeParser('text/plain');
  app.setNotFoundHandler((request) => {
    throw new ApiError(404, 'not_found', `There is no ${request.method} ${request.url.split('?')[0]}.`);
  });

  await app.register(cors, {
    origin: (origin, callback) => callback(null, isExtensionOrigin(origin)),
    methods: ['GET', 'POST'],
    exposedHeaders: ['etag', 'retry-after', 'location'],
    maxAge: 86_400,
  });
  await app.register(rateLimit, {
    max: opts.rateLimit?.max ?? 300,
    timeWindow: opts.rateLimit?.timeWindowMs ?? 60_000,
    errorResponseBuilder: (_request, context) =>
      new ApiError(
        429,
        'rate_limited',
        `Too many requests from this client; try again in ${context.after}.`,
        context.ttl,
      ),
  });
  await app.register(compress, { global: true, threshold: 1024 });

  apiRoutes(app, ctx);
  if (opts.pages ?? true) await webRoutes(app, ctx);
  return app;
}
