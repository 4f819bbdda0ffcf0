// Before the lab starts: is every address:port it needs free? If not, say which one and, when
// `ss` can tell, which process holds it.
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename } from 'node:path';
import { promisify } from 'node:util';
import type { Endpoint } from './topology.ts';

const run = promisify(execFile);

export interface PortConflict {
  endpoint: Endpoint;
  /** errno code from bind: EADDRINUSE, EACCES, EADDRNOTAVAIL… */
  code: string;
  /** e.g. `dnsmasq (pid 123)`, when `ss` names the listener. */
  holder: string | null;
}

export class PortsInUseError extends Error {
  readonly conflicts: PortConflict[];
  constructor(conflicts: PortConflict[]) {
    super(
      `lab: cannot start, ${conflicts.length} address(es) unavailable:\n${conflicts.map(describeConflict).join('\n')}`,
    );
    this.name = 'PortsInUseError';
    this.conflicts = conflicts;
  }
}

export function describeConflict(c: PortConflict): string {
  const where = `${c.endpoint.host}:${c.endpoint.port}/${c.endpoint.protocol}`;
  const why =
    c.code === 'EADDRINUSE'
      ? `already in use${c.holder ? ` by ${c.holder}` : ' (holder unknown)'}`
      : c.code === 'EACCES'
        ? 'needs root to bind'
        : `cannot be bound (${c.code})`;
  return `  ${where} needed by ${c.endpoint.owner}: ${why}`;
}

function tryBind(e: Endpoint): Promise<string | null> {
  return new Promise((resolve) => {
    if (e.protocol === 'udp') {
      const s = createSocket('udp4');
      s.once('error', (err: NodeJS.ErrnoException) => {
        s.close();
        resolve(err.code ?? 'EUNKNOWN');
      });
      s.bind({ address: e.host, port: e.port, exclusive: true }, () => s.close(() => resolve(null)));
      return;
    }
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'EUNKNOWN'));
    srv.listen({ host: e.host, port: e.port, exclusive: true }, () => srv.close(() => resolve(null)));
  });
}

/**
 * Parses `ss -Hlnp` lines into `address:port/proto` → `name (pid N)`. Wildcard listeners are keyed
 * as `0.0.0.0:port`, which also blocks every specific address.
 */
export function parseSsListeners(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 5) continue;
    const proto = cols[0] === 'udp' ? 'udp' : cols[0] === 'tcp' ? 'tcp' : null;
    if (!proto) continue;
    const local = cols[4]!;
    const m = /^(.*):(\d+)$/.exec(local);
    if (!m) continue;
    let host = m[1]!.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
    if (host === '*' || host === '::') host = '0.0.0.0';
    const user = /users:\(\("([^"]+)",pid=(\d+)/.exec(line);
    out.set(
      `${host}:${m[2]}/${proto}`,
      user ? `${programName(Number(user[2]), user[1]!)} (pid ${user[2]})` : 'another process',
    );
  }
  return out;
}

/** The program's file name: ss reports the thread name, which Node renames to `MainThread`. */
function programName(pid: number, fallback: string): string {
  try {
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
    return argv0 ? basename(argv0) : fallback;
  } catch {
    return fallback;
  }
}

async function listeners(): Promise<Map<string, string>> {
  try {
    const { stdout } = await run('ss', ['-Hlnptu']);
    return parseSsListeners(stdout);
  } catch {
    return new Map();
  }
}

/** Every endpoint that cannot be bound now, with what holds it. Empty when all are free. */
export async function findPortConflicts(endpoints: readonly Endpoint[]): Promise<PortConflict[]> {
  const codes = await Promise.all(endpoints.map(tryBind));
  const conflicts: PortConflict[] = [];
  let held: Map<string, string> | null = null;
  for (const [i, code] of codes.entries()) {
    if (!code) continue;
    const e = endpoints[i]!;
    let holder: string | null = null;
    if (code === 'EADDRINUSE') {
      held ??= await listeners();
      holder =
        held.get(`${e.host}:${e.port}/${e.protocol}`) ?? held.get(`0.0.0.0:${e.port}/${e.protocol}`) ?? null;
    }
    conflicts.push({ endpoint: e, code, holder });
  }
  return conflicts;
}

/** Throws a PortsInUseError naming every unavailable endpoint. */
export async function assertPortsFree(endpoints: readonly Endpoint[]): Promise<void> {
  const conflicts = await findPortConflicts(endpoints);
  if (conflicts.length > 0) throw new PortsInUseError(conflicts);
}
