// Before `serve` listens: one request of each common kind, in process, so that the first people after
// a start do not wait while the snapshot bodies and the statistics page are built and the routes'
// code is compiled (with 100,000 domains that is seconds of CPU, and every request waits behind it).
// Read-only requests, for a reserved name (RFC 2606): nothing is stored or queued.
import type { FastifyInstance } from 'fastify';

const NAME = 'warm-up.example';

const REQUESTS: { method: 'GET' | 'POST'; url: string; headers?: Record<string, string>; body?: string }[] = [
  { method: 'GET', url: '/api/v1/snapshot?format=compact', headers: { 'accept-encoding': 'gzip' } },
  { method: 'GET', url: '/api/v1/snapshot', headers: { 'accept-encoding': 'gzip' } },
  { method: 'GET', url: `/api/v1/domains/${NAME}` },
  {
    method: 'POST',
    url: '/api/v1/lookup',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ domains: [NAME] }),
  },
  { method: 'GET', url: '/stats' },
  { method: 'GET', url: '/directory' },
  { method: 'GET', url: `/domain/${NAME}` },
];

/** Sends the warm-up requests; a failing one is reported, not fatal (the server works, only colder). */
export async function warmUp(app: FastifyInstance, onError: (message: string) => void): Promise<void> {
  for (const r of REQUESTS) {
    const response = await app.inject({ ...r, remoteAddress: '127.0.0.1' });
    // 404: the pages are not served by this instance.
    if (response.statusCode >= 500) onError(`warm-up ${r.method} ${r.url}: ${response.statusCode}`);
  }
}
