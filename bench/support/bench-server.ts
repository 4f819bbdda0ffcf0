// What the API and page benchmarks share: the real `serve` command in a child process, autocannon, and
// one printed row per figure beside its target.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { serveEnvironment } from '../../src/observatory/commands/serve-flags.ts';

export interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  '5xx': number;
}
export interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AutocannonRequest) => AutocannonRequest;
}
// autocannon ships no types; this is the slice used here.
export const autocannon = createRequire(import.meta.url)('autocannon') as (opts: {
  url: string;
  connections: number;
  duration: number;
  requests?: AutocannonRequest[];
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}) => Promise<AutocannonResult>;

/** Far above any benchmark's request rate: every benchmark client is 127.0.0.1. */
export const RATE_LIMIT = 1_000_000_000;

export async function startServer(
  db: string,
  serverNodeOptions: string,
  /** Extra `serve` options; the default raises the rate limit out of the way. */
  serveArgs: string[] = ['--rate-limit', String(RATE_LIMIT)],
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      // On the command line, as `npm start` gives them: NODE_OPTIONS refuses most V8 flags.
      ...serverNodeOptions.split(/\s+/).filter(Boolean),
      join(import.meta.dirname, '../../bin/hoplight-observatory.js'),
      'serve',
      '--workers',
      '0',
      '--port',
      '0',
      '--db',
      db,
      ...serveArgs,
    ],
    // The environment `npm start` gives `serve` (serve-flags.ts); an inherited NODE_OPTIONS would add flags.
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...serveEnvironment(process.env), NODE_OPTIONS: '' },
    },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const [banner] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`the benchmark server exited (${code}) before listening`);
    }),
  ])) as [string];
  const url = /(http:\/\/\S+)/.exec(banner)?.[1];
  if (!url) throw new Error(`the benchmark server's banner names no URL: ${banner}`);
  return { child, url };
}

export async function stopServer(server: { child: ChildProcess } | null): Promise<void> {
  if (!server || server.child.exitCode !== null) return;
  server.child.kill('SIGTERM');
  await once(server.child, 'exit');
}

export interface Row {
  figure: string;
  measured: string;
  target: string;
  verdict: 'ok' | 'MISSED';
}

export function row(
  figure: string,
  measured: number,
  unit: string,
  target: number,
  better: 'above' | 'below',
): Row {
  const ok = better === 'above' ? measured >= target : measured < target;
  const rounded = Number.isInteger(measured) ? measured : Number(measured.toFixed(2));
  return {
    figure,
    measured: `${rounded.toLocaleString('en')} ${unit}`,
    target: `${better === 'above' ? '≥' : '<'} ${target.toLocaleString('en')} ${unit}`,
    verdict: ok ? 'ok' : 'MISSED',
  };
}
