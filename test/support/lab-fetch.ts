// A fetch for tests that talk HTTP(S) to lab names: every request on a fresh TCP connection (no
// keep-alive pool, so "N logins over fresh connections" means what it says), lab names resolved to
// the addresses given, the lab CA trusted. Node's own http/https: no extra dependency.
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';

export interface LabFetch {
  fetch: typeof fetch;
  /** TCP connections opened so far. */
  readonly connections: number;
}

export function labFetch(options: { addresses: Record<string, string>; caFile: string }): LabFetch {
  const ca = readFileSync(options.caFile);
  let connections = 0;
  const lookup: LookupFunction = (hostname, opts, callback) => {
    const address = options.addresses[hostname] ?? hostname;
    if ((opts as { all?: boolean }).all) callback(null, [{ address, family: 4 }]);
    else callback(null, address, 4);
  };
  const fetchImpl = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> =>
    new Promise((resolve, reject) => {
      const url = new URL(String(input instanceof Request ? input.url : input));
      const body = init.body === undefined || init.body === null ? undefined : String(init.body);
      const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const headers: Record<string, string> = { connection: 'close' };
      for (const [k, v] of new Headers(init.headers ?? {})) headers[k] = v;
      connections += 1;
      const req = request(
        url,
        { method: init.method ?? 'GET', headers, agent: false, lookup, ca, signal: init.signal ?? undefined },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () =>
            resolve(
              new Response(Buffer.concat(chunks), {
                status: res.statusCode ?? 500,
                statusText: res.statusMessage ?? '',
              }),
            ),
          );
        },
      );
      req.on('error', (error) =>
        reject(init.signal?.aborted ? init.signal.reason : new TypeError('fetch failed', { cause: error })),
      );
      req.end(body);
    });
  return {
    fetch: fetchImpl as typeof fetch,
    get connections() {
      return connections;
    },
  };
}
