// An open-loop load of many clients, each sending at a fixed rate whatever the server does, with the
// latency of each request kind measured from when it was due, not from when it was sent: a slow
// server then shows as latency rather than as fewer requests (autocannon's clients wait for each
// answer before the next request, which under overload measures its own queueing and hides the rest).
// Written by hand: autocannon, the load tool the other phases use, has no open-loop mode and no
// latency per request kind.
import { Agent, request } from 'node:http';

export interface OpenLoopRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface RequestKind {
  name: string;
  /** How many turns of each client's round this kind takes (default 1). */
  weight?: number;
  /** The request client `client` (0-based) sends for this kind. */
  make(client: number): OpenLoopRequest;
}

export interface KindResult {
  count: number;
  p50: number;
  p99: number;
  max: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
}

export interface OpenLoopResult {
  /** Requests that were due during the run (all were sent). */
  total: number;
  /**
   * How late this process sent requests after they were due (p50, p99, ms): when it is large, the
   * load generator itself was starved of CPU and the latencies include that.
   */
  sendLag: { p50: number; p99: number };
  all: KindResult;
  byKind: Record<string, KindResult>;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? 0
    : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number);

function summarise(samples: { ms: number; status: number | 'error' | 'timeout' }[]): KindResult {
  const ms = samples.filter((s) => typeof s.status === 'number').map((s) => s.ms);
  ms.sort((a, b) => a - b);
  const statuses: Record<string, number> = {};
  for (const s of samples)
    if (typeof s.status === 'number') statuses[s.status] = (statuses[s.status] ?? 0) + 1;
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    count: samples.length,
    p50: round(percentile(ms, 50)),
    p99: round(percentile(ms, 99)),
    max: round(ms.at(-1) ?? 0),
    statuses,
    errors: samples.filter((s) => s.status === 'error').length,
    timeouts: samples.filter((s) => s.status === 'timeout').length,
  };
}

/**
 * `clients` clients, each going round the kinds (each `weight` times in a round) from its own start,
 * one request every
 * 1/ratePerClient seconds from a random start within the first period, for `seconds`.
 */
export async function runOpenLoop(opts: {
  url: string;
  clients: number;
  ratePerClient: number;
  seconds: number;
  kinds: RequestKind[];
  timeoutMs: number;
}): Promise<OpenLoopResult> {
  const target = new URL(opts.url);
  const periodMs = 1000 / opts.ratePerClient;
  // One keep-alive agent per client: its own connections, as separate people's browsers have.
  const agents = Array.from({ length: opts.clients }, () => new Agent({ keepAlive: true, maxSockets: 4 }));
  const samples = new Map<string, { ms: number; status: number | 'error' | 'timeout' }[]>(
    opts.kinds.map((k) => [k.name, []]),
  );
  const start = performance.now();
  const endAt = start + opts.seconds * 1000;
  const due = Array.from({ length: opts.clients }, () => start + Math.random() * periodMs);
  const sent = new Array<number>(opts.clients).fill(0);
  const pending = new Set<Promise<void>>();

  const lags: number[] = [];
  const turns = opts.kinds.flatMap((k) => Array.from({ length: k.weight ?? 1 }, () => k));
  const send = (client: number, dueAt: number) => {
    lags.push(performance.now() - dueAt);
    const kind = turns[(client * 7 + (sent[client] as number)) % turns.length] as RequestKind;
    sent[client] = (sent[client] as number) + 1;
    const r = kind.make(client);
    const list = samples.get(kind.name) as { ms: number; status: number | 'error' | 'timeout' }[];
    const done = new Promise<void>((resolve) => {
      let settled = false;
      const settle = (status: number | 'error' | 'timeout') => {
        if (settled) return;
        settled = true;
        list.push({ ms: performance.now() - dueAt, status });
        resolve();
      };
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          method: r.method,
          path: r.path,
          headers: { ...r.headers, ...(r.body ? { 'content-length': Buffer.byteLength(r.body) } : {}) },
          agent: agents[client],
        },
        (res) => {
          res.on('data', () => {});
          res.on('end', () => settle(res.statusCode ?? 0));
          res.on('error', () => settle('error'));
        },
      );
      req.setTimeout(opts.timeoutMs, () => {
        settle('timeout');
        req.destroy();
      });
      req.on('error', () => settle('error'));
      req.end(r.body);
    });
    pending.add(done);
    void done.then(() => pending.delete(done));
  };

  // A tick every few milliseconds sends whatever has come due (timers per request would be 15,000 timers).
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const now = performance.now();
      for (let c = 0; c < opts.clients; c++) {
        while ((due[c] as number) <= now && (due[c] as number) < endAt) {
          send(c, due[c] as number);
          due[c] = (due[c] as number) + periodMs;
        }
      }
      if (now >= endAt) {
        clearInterval(tick);
        resolve();
      }
    }, 2);
  });
  await Promise.all(pending);
  for (const a of agents) a.destroy();
  const byKind = Object.fromEntries([...samples].map(([name, s]) => [name, summarise(s)]));
  const all = summarise([...samples.values()].flat());
  lags.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    total: all.count,
    sendLag: { p50: round(percentile(lags, 50)), p99: round(percentile(lags, 99)) },
    all,
    byKind,
  };
}
