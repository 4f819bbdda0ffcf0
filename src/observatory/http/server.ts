// The observatory's HTTP shell: fastify with CORS, rate limit, compression and one error shape, mounting
// the JSON API and the pages for people (built, not listening: the caller listens).
import { Readable } from 'node:stream';
import compress from '@fastify/compress';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import { apiRoutes } from '../api/routes.ts';
import { DEFAULT_SCAN_LIMITS, type ScanLimits } from '../queue/request-scan.ts';
import type { ScanQueue } from '../queue/types.ts';
import type { Store } from '../store/store.ts';
import { webRoutes } from '../web/routes.ts';
import { TokenBucketPerClient } from './client-bucket.ts';
import { InFlightPerClient } from './client-in-flight.ts';
import { clientKey } from './client-key.ts';
import { CountPerClientWindow } from './client-window.ts';
import type { HttpContext } from './context.ts';
import { ApiError, handleClientError, handleError } from './errors.ts';
import { isExtensionOrigin } from './extension-origin.ts';
import { RefusalHold } from './refusal-hold.ts';
import type { TrustProxy } from './trust-proxy.ts';

/** How long a connection may take over each part of a request before it is answered 408 or closed. */
export interface HttpTimeouts {
  /** Until the request's headers are complete (default 10 s). */
  headersMs: number;
  /** Until the whole request, body included, has arrived (default 30 s). */
  requestMs: number;
  /** Silence on a connection, mid-body or between requests (default 15 s). */
  idleMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = { headersMs: 10_000, requestMs: 30_000, idleMs: 15_000 };

export interface BuildServerOptions {
  store: Store;
  queue: ScanQueue;
  /** Cooldown, queue bound; defaults: 1 h, 1000, 60 s. */
  limits?: Partial<ScanLimits>;
  /** A report younger than this is `fresh` (default 7 days). */
  freshForMs?: number;
  /** Requests per client (IP) per window (default 300 per minute). */
  rateLimit?: { max: number; timeWindowMs: number };
  /**
   * The pace within that limit: a bucket of `burst` requests refilled at `perSecond` per client
   * (default: the rate limit spread over its window, with 60 or a fifth of it at once: 60 and 5 a
   * second for 300 a minute); a lookup also costs one more per 20 names it asks about.
   */
  pace?: { burst: number; perSecond: number };
  /** Largest request body in bytes (default 256 KiB: 500 long domain names fit). */
  bodyLimit?: number;
  /** Passed to fastify (default false). */
  logger?: FastifyServerOptions['logger'];
  /** Which proxies' X-Forwarded-For to honour when behind a reverse proxy (default none). */
  trustProxy?: TrustProxy;
  /** Header, request and idle timeouts (defaults: DEFAULT_HTTP_TIMEOUTS). */
  timeouts?: Partial<HttpTimeouts>;
  /**
   * Snapshot bodies (200, not 304) one client may be receiving at once (default 2). The full snapshot
   * without gzip is about 150 MB at 100,000 domains: 20 connections of one abuser downloading it
   * stalled every other client, and the rate limit counts each minute-long download only once.
   */
  snapshotDownloadsPerClient?: number;
  /**
   * How long each 429 waits before it is sent, and how many may wait at once (default none; `serve`
   * holds them 1 s, at most 512): a client that asks again the moment it is refused then costs a
   * request a second per connection.
   */
  refusalHold?: { ms: number; maxHeld: number };
  /** Snapshot body bytes (not 304s) one client may have per hour (default 1 GiB). */
  snapshotBytesPerHour?: number;
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
  const timeouts = { ...DEFAULT_HTTP_TIMEOUTS, ...opts.timeouts };
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimit ?? 256 * 1024,
    trustProxy: toFastifyTrustProxy(opts.trustProxy ?? false),
    // A client that sends `Content-Length: 100000` and then nothing must not hold a connection forever.
    requestTimeout: timeouts.requestMs,
    connectionTimeout: timeouts.idleMs,
    http: {
      headersTimeout: Math.min(timeouts.headersMs, timeouts.requestMs),
      // Node checks the header and request deadlines on this interval (its default is 30 s).
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(timeouts.headersMs / 4))),
    },
    clientErrorHandler: handleClientError,
    // The router's own errors (bad percent-encoding, over-long parameters) get the API's error shape.
    frameworkErrors: (error, request, reply) =>
      handleError(error, request as FastifyRequest, reply as FastifyReply),
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
  const limit = opts.rateLimit ?? { max: 300, timeWindowMs: 60_000 };
  await app.register(rateLimit, {
    keyGenerator: (request) => clientKey(request.ip),
    max: limit.max,
    timeWindow: limit.timeWindowMs,
    errorResponseBuilder: (_request, context) =>
      new ApiError(
        429,
        'rate_limited',
        `Too many requests from this client; try again in ${context.after}.`,
        context.ttl,
      ),
  });
  await app.register(compress, { global: true, threshold: 1024 });
  limitSnapshotDownloads(
    app,
    new InFlightPerClient(opts.snapshotDownloadsPerClient ?? 2),
    new CountPerClientWindow(opts.snapshotBytesPerHour ?? DEFAULT_SNAPSHOT_BYTES_PER_HOUR, 3_600_000),
    ctx.now,
  );

  // A small limit (tests, a private instance) is its own burst; a large one allows a fifth of it at once.
  const pace = opts.pace ?? {
    burst: Math.max(Math.min(limit.max, 60), limit.max / 5),
    perSecond: limit.max / (limit.timeWindowMs / 1000),
  };
  paceClients(app, new TokenBucketPerClient(pace.burst, pace.perSecond), ctx.now);
  if (opts.refusalHold) holdRefusals(app, new RefusalHold(opts.refusalHold.ms, opts.refusalHold.maxHeld));

  apiRoutes(app, ctx);
  if (opts.pages ?? true) await webRoutes(app, ctx);
  return app;
}

/** Names a lookup asks about per extra token: a lookup of 500 costs 26 requests' worth, one of 20 costs 2. */
const LOOKUP_NAMES_PER_TOKEN = 20;

/**
 * Takes each request's cost from its client's bucket (after the body is read: a lookup's cost is its
 * length); an empty bucket is 429 rate_limited with when to come back, like the rate limit's own.
 */
function paceClients(app: FastifyInstance, bucket: TokenBucketPerClient, now: () => Date): void {
  app.addHook('preHandler', async (request) => {
    // The style sheet and icons: cached by browsers, and a page asks for them beside itself.
    const url = request.routeOptions.url ?? '';
    if (url.startsWith('/assets/') || url === '/favicon.ico') return;
    const body = request.body as { domains?: unknown } | undefined;
    const names = url === '/api/v1/lookup' && Array.isArray(body?.domains) ? body.domains.length : 0;
    const answer = bucket.tryTake(
      clientKey(request.ip),
      now().getTime(),
      1 + Math.floor(names / LOOKUP_NAMES_PER_TOKEN),
    );
    if (!answer.ok)
      throw new ApiError(
        429,
        'rate_limited',
        `Too many requests from this client at once; try again in ${Math.ceil(answer.retryAfterMs / 1000)} s.`,
        answer.retryAfterMs,
      );
  });
}

/** Every 429 (request rate, scan share, snapshot allowance) waits its hold, at most until its Retry-After. */
function holdRefusals(app: FastifyInstance, hold: RefusalHold): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode !== 429) return payload;
    const retryAfter = Number(reply.getHeader('retry-after'));
    await hold.hold(Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined);
    return payload;
  });
}

/**
 * An extension revalidates the snapshot about once an hour and downloads a body only when it changed:
 * the compact form with gzip is about 1 MB at 100,000 domains, the full one without gzip over 100 MB.
 * 1 GiB an hour is a thousand compact downloads (many people behind one address) or a few full ones.
 */
export const DEFAULT_SNAPSHOT_BYTES_PER_HOUR = 1024 * 1024 * 1024;

/**
 * Counts a snapshot response against its client only when it carries a body (revalidations that end
 * in 304 cost nothing): at most `downloads.max` at once, from when it is sent until its connection is
 * done with it, and at most `perHour.max` bytes an hour.
 */
function limitSnapshotDownloads(
  app: FastifyInstance,
  downloads: InFlightPerClient,
  perHour: CountPerClientWindow,
  now: () => Date,
): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.routeOptions.url !== '/api/v1/snapshot' || reply.statusCode !== 200) return payload;
    const client = clientKey(request.ip);
    const refuse = (code: string, message: string, retryAfterMs: number) => {
      void reply
        .code(429)
        .type('application/json; charset=utf-8')
        .header('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))))
        .removeHeader('etag')
        .removeHeader('content-encoding');
      // A body already on its way (a compressing stream) is dropped, not left to fill memory.
      if (payload instanceof Readable) payload.destroy();
      return JSON.stringify({ error: code, message });
    };
    if (!downloads.tryEnter(client)) {
      return refuse(
        'too_many_downloads',
        `This client is already downloading the snapshot ${downloads.max} times at once; ask again when a download has finished.`,
        1_000,
      );
    }
    const declared = Number(reply.getHeader('content-length') ?? 0);
    const bytes = Buffer.isBuffer(payload)
      ? payload.length
      : Number.isFinite(declared) && declared >= 0
        ? declared
        : 0;
    const window = perHour.tryTake(client, now().getTime(), bytes);
    if (!window.ok) {
      downloads.leave(client);
      return refuse(
        'too_many_snapshots',
        `This client has downloaded ${Math.round(perHour.max / 1048576)} MB of snapshots this hour; revalidate with If-None-Match (a 304 costs nothing) or ask again later.`,
        window.retryAfterMs,
      );
    }
    reply.raw.once('close', () => downloads.leave(client));
    return payload;
  });
}

/** fastify types a hop count as a function of the hop (it accepts the number at run time too). */
function toFastifyTrustProxy(
  trust: TrustProxy,
): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}
