// ejabberd's account of its s2s streams. ejabberd 23.01 has no command that lists them with their
// authentication; its log at `info` says, per stream, which method authenticated it:
//   … Accepted inbound s2s EXTERNAL authentication good.test -> ejabberd.test (127.0.0.1)
//   … Accepted outbound s2s dialback authentication ejabberd.test -> weak.test (127.0.2.3)
//   … Failed to establish outbound s2s connection ejabberd.test -> dead.test: Connection failed: …
// Parsing is pure; the caller reads the log from an offset taken before the messages.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface EjabberdStreamEvent {
  direction: 'in' | 'out';
  from: string;
  to: string;
  /** `certificate` for SASL EXTERNAL. */
  auth: 'certificate' | 'dialback' | null;
  /** Set when the stream failed: ejabberd's reason as logged. */
  failure: string | null;
}

const ACCEPTED = /Accepted (inbound|outbound) s2s (EXTERNAL|dialback) authentication (\S+) -> (\S+)/;
const FAILED_IN = /Failed inbound s2s (\S+) authentication (\S+) -> (\S+) \([^)]*\): (.*)$/;
const FAILED_OUT =
  /Failed to establish outbound s2s connection (\S+) -> (\S+): (.*?)(?:; bouncing for \d+ seconds)?$/;

export function parseEjabberdLog(text: string): EjabberdStreamEvent[] {
  const out: EjabberdStreamEvent[] = [];
  for (const line of text.split('\n')) {
    let m = ACCEPTED.exec(line);
    if (m) {
      out.push({
        direction: m[1] === 'inbound' ? 'in' : 'out',
        from: m[3]!,
        to: m[4]!,
        auth: m[2] === 'EXTERNAL' ? 'certificate' : 'dialback',
        failure: null,
      });
      continue;
    }
    m = FAILED_IN.exec(line);
    if (m) {
      out.push({ direction: 'in', from: m[2]!, to: m[3]!, auth: null, failure: `${m[1]}: ${m[4]}` });
      continue;
    }
    m = FAILED_OUT.exec(line);
    if (m) out.push({ direction: 'out', from: m[1]!, to: m[2]!, auth: null, failure: m[3]! });
  }
  return out;
}

/** Closes every s2s connection of the node (mod_admin's `stop_s2s_connections`). */
export async function closeEjabberdSessions(ctlArgs: readonly string[]): Promise<void> {
  await run('ejabberdctl', [...ctlArgs, 'stop_s2s_connections'], { timeout: 30_000 });
}
