// An observatory for the extension's end-to-end tests: the real `serve` (SQLite in a temporary folder,
// in-process workers, lab scan options) on 127.0.0.1 with a port the OS picks, and a helper that has
// it scan domains through its own API.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type RunningService,
  resolveServiceArgs,
  startService,
} from '../../src/observatory/commands/service.ts';

export interface TestObservatory {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  /** Asks for scans through `POST /api/v1/lookup` and waits until every domain has a summary. */
  scan(domains: readonly string[], timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

interface LookupReply {
  results: { domain: string | null; status: string; summary: unknown }[];
}

export async function startTestObservatory(): Promise<TestObservatory> {
  const dir = await mkdtemp(join(tmpdir(), 'hoplight-observatory-'));
  let running: RunningService;
  try {
    const args = await resolveServiceArgs('serve', [
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--db',
      join(dir, 'observatory.sqlite'),
      '--workers',
      '4',
      '--lab',
    ]);
    running = await startService(args);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const url = (running.url ?? '').replace(/\/$/, '');
  const lookup = async (domains: readonly string[]): Promise<LookupReply> => {
    const response = await fetch(`${url}/api/v1/lookup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ domains, scanUnknown: true }),
    });
    if (!response.ok) throw new Error(`lookup answered HTTP ${response.status}: ${await response.text()}`);
    return (await response.json()) as LookupReply;
  };
  return {
    url,
    async scan(domains, timeoutMs = 180_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const reply = await lookup(domains);
        const missing = reply.results.filter((r) => r.summary === null || r.summary === undefined);
        if (missing.length === 0) return;
        const failed = missing.filter((r) => r.status === 'failed');
        if (failed.length > 0) throw new Error(`scans failed: ${failed.map((r) => r.domain).join(', ')}`);
        if (Date.now() > deadline) {
          throw new Error(`scans not done in ${timeoutMs} ms: ${missing.map((r) => r.domain).join(', ')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    },
    async stop() {
      await running.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
