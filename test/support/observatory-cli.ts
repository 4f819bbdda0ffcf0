// Runs the real command, `node bin/hoplight-observatory.js ARGS`, as a user would, and reads its output.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/hoplight-observatory.js', import.meta.url));

export interface CliProcess {
  child: ChildProcess;
  /** stdout and stderr lines so far. */
  lines: string[];
  /** The first line (past or future) that matches; rejects with the output if the process exits first. */
  waitForLine(pattern: RegExp): Promise<RegExpMatchArray>;
  /** Resolves with the exit code once the process ends by itself (null after a signal death). */
  exited: Promise<number | null>;
  /** Sends SIGTERM and resolves with the exit code (null after a signal death). */
  stop(): Promise<number | null>;
}

export function spawnCli(args: string[], env: Record<string, string>): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const onLine = (line: string) => {
    lines.push(line);
    for (const w of [...waiters]) {
      const match = line.match(w.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(match);
      }
    }
  };
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', onLine);
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', onLine);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    exited,
    waitForLine: (pattern) =>
      new Promise((resolve, reject) => {
        for (const line of lines) {
          const match = line.match(pattern);
          if (match) return resolve(match);
        }
        waiters.push({ pattern, resolve });
        void exited.then((code) =>
          reject(new Error(`hoplight-observatory ${args[0]} exited (${code}):\n${lines.join('\n')}`)),
        );
      }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
