// Prosody's own account of its s2s sessions: `prosodyctl shell` with mod_admin_shell (0.12), parsed
// from the table it prints. Parsing is pure; `readProsodySessions` runs the command.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ProsodySession {
  id: string;
  /** `s2sin`, `s2sout`, or an unauthenticated state (`s2sin_unauthed`, shown cut as `s2sout_unau…`). */
  type: string;
  host: string;
  direction: 'in' | 'out';
  remote: string;
  /** `TLSv1.3`…, or `insecure`. */
  security: string;
  /** The remote's certificate: `Valid`, `Invalid`, `Unknown` (expired and self-signed are Unknown). */
  certificate: string;
  /** SASL EXTERNAL: `Succeeded`, `Failed` or empty. */
  sasl: string;
  /** `Not used`, `Initiated`, `Completed`, `Verified`… */
  dialback: string;
  cipher: string | null;
}

const SHOW_COLUMNS = 'id type host dir remote secure cert s2s_sasl dialback';

/** Rows of one of the shell's tables (`|`-separated, header first, an `OK:` line last), by header. */
export function parseShellTable(text: string): Record<string, string>[] {
  const lines = text.split('\n').filter((l) => l.includes('|'));
  if (lines.length === 0) return [];
  const header = lines[0]!.split('|').map((h) => h.trim());
  return lines.slice(1).map((line) => {
    const cells = line.split('|').map((c) => c.trim());
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  });
}

/** `s2s:show(…)` joined with `s2s:show_tls()` by session id. */
export function parseProsodySessions(showText: string, tlsText: string): ProsodySession[] {
  const ciphers = new Map(parseShellTable(tlsText).map((r) => [r['Session ID'] ?? '', r.Encryption ?? '']));
  return parseShellTable(showText).map((r) => {
    const id = r['Session ID'] ?? '';
    const cipher = ciphers.get(id);
    return {
      id,
      type: r.Type ?? '',
      host: r.Host ?? '',
      direction: r.Dir === '<--' ? 'in' : 'out',
      remote: r.Remote ?? '',
      security: r.Security ?? '',
      certificate: r.Certificate ?? '',
      sasl: r.SASL ?? '',
      dialback: r.Dialback ?? '',
      cipher: cipher ? cipher : null,
    };
  });
}

/** An authenticated, established stream (not one still connecting or refused). */
export function isEstablished(s: ProsodySession): boolean {
  return s.type === 's2sin' || s.type === 's2sout';
}

async function shell(configFile: string, command: string): Promise<string> {
  const { stdout } = await run('prosodyctl', ['--config', configFile, 'shell', command], { timeout: 15_000 });
  return stdout;
}

export async function readProsodySessions(configFile: string): Promise<ProsodySession[]> {
  const [show, tls] = await Promise.all([
    shell(configFile, `s2s:show(nil, '${SHOW_COLUMNS}')`),
    shell(configFile, 's2s:show_tls()'),
  ]);
  return parseProsodySessions(show, tls);
}

/** Closes every s2s session of that Prosody, so the next messages set links up afresh. */
export async function closeProsodySessions(configFile: string): Promise<void> {
  try {
    await shell(configFile, 's2s:closeall()');
  } catch (err) {
    // The shell exits non-zero when there was nothing to close: that is the state we want.
    const out = (err as { stdout?: string; stderr?: string }).stdout ?? '';
    if (!/No sessions to close/.test(out + ((err as { stderr?: string }).stderr ?? ''))) throw err;
  }
}
