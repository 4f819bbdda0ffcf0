// The deployment the design describes, run as users run it: `serve` with DATABASE_URL (stateless: it
// only enqueues) and two `worker` processes of the real command on the same PostgreSQL; a scan
// requested through the API is done by a worker and served by `serve`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, spawnCli } from '../support/observatory-cli.ts';
import { type PostgresCluster, startPostgres } from '../support/postgres.ts';

let cluster: PostgresCluster;
const processes: CliProcess[] = [];

beforeAll(async () => {
  cluster = await startPostgres();
});
afterAll(async () => {
  for (const p of processes.splice(0)) await p.stop();
  await cluster?.stop();
});

interface ScanBody {
  status: string;
  domain: string;
  report: { services: { c2s: { grade: string | null } } } | null;
}

async function untilFinished(url: string, id: string, timeoutMs = 90_000): Promise<ScanBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const body = (await (await fetch(`${url}/api/v1/scans/${id}`)).json()) as ScanBody;
    if (body.status === 'done' || body.status === 'failed') return body;
    if (Date.now() > deadline) throw new Error(`scan ${id} still ${body.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('serve and worker from the command line, on PostgreSQL', () => {
  it('serve only enqueues; a CLI worker scans; serve answers with the report', async () => {
    const env = { DATABASE_URL: await cluster.createDatabase('cli_service') };
    const serve = spawnCli(['serve', '--port', '0', '--host', '127.0.0.1', '--lab'], env);
    processes.push(serve);
    const [, url] = await serve.waitForLine(/^Hoplight observatory on (http:\/\/127\.0\.0\.1:\d+)$/);
    await serve.waitForLine(/store: {2}PostgreSQL \(DATABASE_URL\); scan workers in this process: 0$/);

    // Queued before any worker runs: nothing in `serve` takes it.
    const queued = await fetch(`${url}/api/v1/scans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ domain: 'good.test' }),
    });
    expect(queued.status).toBe(202);
    const { id } = (await queued.json()) as { id: string };
    const before = (await (await fetch(`${url}/api/v1/scans/${id}`)).json()) as ScanBody;
    expect(before.status).toBe('queued');

    const workers = [0, 1].map(() => spawnCli(['worker', '--lab', '--workers', '2'], env));
    processes.push(...workers);
    for (const w of workers)
      await w.waitForLine(/^Hoplight scan worker: 2 at once, store PostgreSQL \(DATABASE_URL\)$/);

    const done = await untilFinished(url as string, id);
    expect(done.status).toBe('done');
    expect(done.domain).toBe('good.test');
    expect(done.report?.services.c2s.grade).toMatch(/^A/);
    const view = (await (await fetch(`${url}/api/v1/domains/good.test`)).json()) as { status: string };
    expect(view.status).toBe('fresh');

    // Each stops cleanly on SIGTERM, as a service manager would stop it.
    for (const p of processes.splice(0)) expect(await p.stop()).toBe(0);
  });

  it('refuses a DATABASE_URL that is not PostgreSQL with a clear message', async () => {
    const worker = spawnCli(['worker', '--lab'], { DATABASE_URL: 'mysql://127.0.0.1/x' });
    processes.push(worker);
    await worker.waitForLine(/^worker: DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL$/);
    expect(await worker.exited).toBe(1);
  });
});
