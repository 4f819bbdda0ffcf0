// Starting the lab's daemons detached (so they outlive `node lab/lab.ts up`), waiting for their
// listeners, and stopping exactly the pids we recorded.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { LabProcess } from './state.ts';

export interface Started {
  proc: LabProcess;
  /** Set once the process has exited (start-up failure), with its exit code or signal. */
  exited: () => string | null;
}

/** Spawns `cmd` detached with stdout/stderr to `logFile`. */
export function startDetached(
  name: string,
  cmd: string,
  args: string[],
  logFile: string,
  marker: string,
): Started {
  // Truncated: the log shows this start only.
  const fd = openSync(logFile, 'w');
  let exit: string | null = null;
  try {
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', fd, fd] });
    child.on('exit', (code, signal) => {
      exit = signal ? `signal ${signal}` : `exit code ${code}`;
    });
    child.on('error', (err) => {
      exit = err.message;
    });
    child.unref();
    if (child.pid === undefined) throw new Error(`lab: could not start ${name} (${cmd})`);
    return { proc: { name, pid: child.pid, marker }, exited: () => exit };
  } finally {
    closeSync(fd);
  }
}

function tryConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function tail(file: string, lines = 15): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** Polls a TCP connect until it succeeds; fails early when the process died, naming its log. */
export async function waitForListener(
  started: Started,
  host: string,
  port: number,
  logFile: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await tryConnect(host, port)) return;
    const exit = started.exited();
    if (exit !== null) {
      throw new Error(
        `lab: ${started.proc.name} exited (${exit}) before listening on ${host}:${port}. Log ${logFile}:\n${tail(logFile)}`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(
        `lab: ${started.proc.name} not listening on ${host}:${port} after ${timeoutMs} ms. Log ${logFile}:\n${tail(logFile)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Alive and still the process we started (its command line carries our marker), not a zombie. */
export function isOurs(p: LabProcess): boolean {
  try {
    const stat = readFileSync(`/proc/${p.pid}/stat`, 'utf8');
    // The state letter follows the parenthesised command name.
    if (/\)\s+Z/.test(stat)) return false;
    const cmdline = readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    return cmdline.includes(p.marker);
  } catch {
    return false;
  }
}

/**
 * SIGTERM to each recorded process that is still ours, SIGKILL whatever has not gone after `graceMs`.
 * Daemons go first: runuser, signalled itself, waits 2 s before it kills its child.
 */
export async function stopProcesses(procs: readonly LabProcess[], graceMs = 5_000): Promise<void> {
  await stopAll(
    procs.filter((p) => !p.wrapper),
    graceMs,
  );
  await stopAll(
    procs.filter((p) => p.wrapper),
    graceMs,
  );
}

async function stopAll(procs: readonly LabProcess[], graceMs: number): Promise<void> {
  const mine = procs.filter(isOurs);
  for (const p of mine) {
    try {
      process.kill(p.pid, 'SIGTERM');
    } catch {
      // Gone in between: nothing to stop.
    }
  }
  const deadline = Date.now() + graceMs;
  let left = mine.filter(isOurs);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    left = left.filter(isOurs);
  }
  for (const p of left) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // Gone in between.
    }
  }
}
