// Starting worker processes for the queue tests and collecting their events.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./observatory-worker-process.ts', import.meta.url));

export interface WorkerEvent {
  event: 'ready' | 'start' | 'scanned';
  domain?: string;
  pid: number;
}

export interface WorkerProcess {
  child: ChildProcess;
  events: WorkerEvent[];
  /** Resolves with the first event (past or future) that matches. */
  waitFor(match: (e: WorkerEvent) => boolean): Promise<WorkerEvent>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

export function spawnWorker(args: string[]): WorkerProcess {
  const child = spawn(process.execPath, [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const events: WorkerEvent[] = [];
  const waiters: { match: (e: WorkerEvent) => boolean; resolve: (e: WorkerEvent) => void }[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    const event = JSON.parse(line) as WorkerEvent;
    events.push(event);
    for (const w of waiters.filter((w) => w.match(event))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(event);
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    events,
    waitFor: (match) =>
      new Promise((resolve, reject) => {
        const seen = events.find(match);
        if (seen) return resolve(seen);
        waiters.push({ match, resolve });
        void exited.then(() =>
          reject(new Error(`worker ${child.pid} exited before the awaited event: ${stderr.slice(-2000)}`)),
        );
      }),
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        await exited;
      }
    },
  };
}

/** How many times each domain's scan returned, over all processes' events. */
export function scannedCounts(events: readonly WorkerEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of events)
    if (e.event === 'scanned' && e.domain) counts.set(e.domain, (counts.get(e.domain) ?? 0) + 1);
  return counts;
}
