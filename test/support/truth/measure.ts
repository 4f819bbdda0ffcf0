// Measures the ground truth for every pair of lab domains: one session per sending domain, fresh
// s2s links, a real message each way per pair (bounded concurrency), then each link's state as the
// servers report it. Returns one DirectionTruth per ordered pair that was tried.
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { prosodyFiles } from '../../../lab/prosody.ts';
import type { LabState } from '../../../lab/state.ts';
import { STATE_DIR } from '../../../lab/state.ts';
import { DOMAINS } from '../../../lab/topology.ts';
import { login, type XmppSession } from '../xmpp.ts';
import { directionLink, type LinkReports } from './direction-link.ts';
import { closeEjabberdSessions, parseEjabberdLog } from './ejabberd-sessions.ts';
import { mapLimit } from './pool.ts';
import { closeProsodySessions, type ProsodySession, readProsodySessions } from './prosody-sessions.ts';
import { sendAndObserve } from './send-message.ts';
import type { DirectionTruth, Fate } from './types.ts';

export interface MeasureOptions {
  /** How long one message may take to be delivered or bounced. */
  waitMs: number;
  /** Pairs measured at once. */
  concurrency: number;
}

export interface Measured {
  senders: string[];
  receivers: string[];
  /** Keyed `from>to`. */
  directions: Map<string, DirectionTruth>;
  /** Milliseconds per phase (logins, closing links, messages, reading link states): printed, never asserted. */
  phases: Record<string, number>;
  ms: number;
}

export const directionKey = (from: string, to: string) => `${from}>${to}`;

function serverKind(state: LabState, domain: string): 'prosody' | 'ejabberd' | null {
  const d = state.domains[domain];
  return d ? (d.server ?? 'prosody') : null;
}

/** The user who sends and receives for a domain: one whose roster sets up no s2s link at login. */
function truthUser(state: LabState, domain: string): string {
  const spec = DOMAINS.find((d) => d.domain === domain);
  const quiet = spec?.users.find((u) => (spec.roster[u.localpart] ?? []).length === 0) ?? spec?.users[0];
  const jid = quiet ? `${quiet.localpart}@${domain}` : state.domains[domain]?.users[0]?.jid;
  if (!jid) throw new Error(`truth: no user on ${domain}`);
  return jid;
}

async function loginRetried(state: LabState, jid: string, attempts = 2): Promise<XmppSession> {
  for (let i = 1; ; i++) {
    try {
      return await login(state, jid);
    } catch (err) {
      if (i >= attempts) throw err;
    }
  }
}

/** Logs one user in per domain. Certificates that fail (expired, wrong name) are what those lab
 * domains are for, not what the c2s login tests: Node's check is off for these logins only. */
async function loginAll(state: LabState, domains: readonly string[]): Promise<Map<string, XmppSession>> {
  const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  try {
    // One at a time, each retried once: a login's SCRAM hashing is CPU work in this process, so
    // parallel logins only queue, and overran xmpp.js' 2 s step timeout here (ejabberd, loaded machine).
    const sessions = new Map<string, XmppSession>();
    for (const d of domains) sessions.set(d, await loginRetried(state, truthUser(state, d)));
    return sessions;
  } finally {
    if (before === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    else process.env.NODE_TLS_REJECT_UNAUTHORIZED = before;
  }
}

function prosodyConfig(domain: string): string {
  return prosodyFiles(STATE_DIR, domain).configFile;
}

async function closeAllLinks(state: LabState, prosodyDomains: readonly string[]): Promise<void> {
  await Promise.all([
    ...prosodyDomains.map((d) => closeProsodySessions(prosodyConfig(d))),
    ...(state.ejabberd ? [closeEjabberdSessions(state.ejabberd.ctlArgs)] : []),
  ]);
}

export async function measureTruth(state: LabState, options: MeasureOptions): Promise<Measured> {
  const started = performance.now();
  const senders = Object.keys(state.domains).sort();
  const serverless = (state.serverless ?? []).map((d) => d.domain);
  const receivers = [...senders, ...serverless];
  const prosodyDomains = senders.filter((d) => serverKind(state, d) === 'prosody');
  const phases: Record<string, number> = {};
  let mark = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = Math.round(now - mark);
    mark = now;
  };
  const sessions = await loginAll(state, senders);
  phase('logins');
  try {
    await closeAllLinks(state, prosodyDomains);
    phase('close links');
    const logFile = state.ejabberd?.logFile ?? null;
    const logOffset = logFile ? statSync(logFile).size : 0;

    // One job per unordered pair (both directions, in turn), and one per message to a server-less name.
    const jobs: [string, string][] = [];
    for (const [i, a] of senders.entries()) {
      for (const b of senders.slice(i + 1)) jobs.push([a, b]);
      for (const x of serverless) jobs.push([a, x]);
    }
    const fates = new Map<string, Fate>();
    const send = async (from: string, to: string) => {
      const sender = sessions.get(from)!;
      const receiver = sessions.get(to) ?? null;
      const toJid = receiver ? receiver.jid : `nobody@${to}`;
      fates.set(directionKey(from, to), await sendAndObserve(sender, receiver, toJid, options.waitMs));
    };
    await mapLimit(jobs, options.concurrency, async ([a, b]) => {
      await send(a, b);
      if (sessions.has(b)) await send(b, a);
    });
    phase('messages');

    const prosody = new Map<string, ProsodySession[]>();
    await Promise.all(
      prosodyDomains.map(async (d) => prosody.set(d, await readProsodySessions(prosodyConfig(d)))),
    );
    const logText = logFile ? (await readFile(logFile)).subarray(logOffset).toString('utf8') : '';
    const reports: LinkReports = {
      serverOf: (d) => serverKind(state, d),
      prosody,
      ejabberd: parseEjabberdLog(logText),
    };
    phase('link states');
    const directions = new Map<string, DirectionTruth>();
    for (const [key, fate] of fates) {
      const [from, to] = key.split('>') as [string, string];
      const sameServer =
        state.domains[to] !== undefined && state.domains[from]!.address === state.domains[to]!.address;
      directions.set(key, {
        from,
        to,
        fate,
        sameServer,
        link: sameServer ? null : directionLink(from, to, reports),
      });
    }
    return { senders, receivers, directions, phases, ms: performance.now() - started };
  } finally {
    await Promise.all([...sessions.values()].map((s) => s.close()));
  }
}
