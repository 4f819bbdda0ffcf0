// The XMPP test lab: `node lab/lab.ts up|down|status`. Starts dnsmasq, nsd, unbound and one Prosody
// per lab domain on 127.0.2.0/24, writing only under lab/.state/, and records what it started.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dnsmasqConfig, nsdConfig, prepareSignedZone, signedZoneText, unboundConfig } from './dns.ts';
import {
  accountCommands,
  type EjabberdFiles,
  ejabberdConfig,
  ejabberdCtlConfig,
  ejabberdctl,
  ejabberdctlArgs,
  ejabberdFiles,
  ejabberdInetrc,
  ejabberdResolvConf,
  ejabberdStartCommand,
  newCookie,
  rosterCommands,
} from './ejabberd.ts';
import { ensurePki, type Pki } from './pki.ts';
import { assertPortsFree } from './ports.ts';
import { poshDocument, writePoshFolder } from './posh.ts';
import { isOurs, type Started, startDetached, stopProcesses, waitForListener } from './processes.ts';
import { type Owner, prosodyCommand, prosodyFiles, writeProsodyInstance } from './prosody.ts';
import {
  type LabDomainState,
  type LabProcess,
  type LabState,
  readLabState,
  removeLabState,
  STATE_DIR,
  writeLabState,
} from './state.ts';
import {
  C2S_DIRECT_PORT,
  C2S_PORT,
  DNSMASQ,
  DOMAINS,
  type DomainSpec,
  EJABBERD_HTTPS_PORT,
  HTTP_PORT,
  HTTPS_PORT,
  labEndpoints,
  listenPorts,
  NSD,
  POSH_HTTPS_PORT,
  S2S_DIRECT_PORT,
  S2S_PORT,
  SERVERLESS_DOMAINS,
  SIGNED_ZONE,
  serverOf,
  UNBOUND,
} from './topology.ts';

export type { LabDomainState, LabProcess, LabState } from './state.ts';
export { readLabState, STATE_FILE } from './state.ts';

const DEBIAN_PACKAGES = 'prosody ejabberd dnsmasq-base nsd unbound ldnsutils openssl util-linux';
const REQUIRED_COMMANDS = [
  'prosody',
  'ejabberdctl',
  'unshare',
  'dnsmasq',
  'nsd',
  'unbound',
  'ldns-keygen',
  'ldns-signzone',
  'openssl',
  'setpriv',
];
const LOCK_FILE = join(STATE_DIR, 'lock');

function commandExists(cmd: string): boolean {
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin', '/usr/bin']);
  return dirs.some((d) => d && existsSync(join(d, cmd)));
}

function checkPrerequisites(): void {
  const missing = REQUIRED_COMMANDS.filter((c) => !commandExists(c));
  if (missing.length > 0) {
    throw new Error(
      `lab: missing ${missing.join(', ')}. Install with: apt-get install -y --no-install-recommends ${DEBIAN_PACKAGES}`,
    );
  }
  if (process.getuid?.() !== 0) {
    throw new Error(
      'lab: must run as root (it binds port 53 on lab addresses and runs Prosody as the prosody user)',
    );
  }
}

function systemUser(name: 'prosody' | 'ejabberd'): Owner {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(
      `lab: no "${name}" user; install the Debian package: apt-get install -y ${DEBIAN_PACKAGES}`,
    );
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A lock file across processes (and module instances): vitest may run the global setup twice at once. */
async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  mkdirSync(STATE_DIR, { recursive: true });
  const token = `${process.pid} ${randomUUID()}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      writeFileSync(LOCK_FILE, token, { flag: 'wx' });
      break;
    } catch {
      const holder = Number.parseInt(existsSync(LOCK_FILE) ? readFileSync(LOCK_FILE, 'utf8') : '', 10);
      if (!Number.isFinite(holder) || !pidAlive(holder)) rmSync(LOCK_FILE, { force: true });
      else if (Date.now() > deadline) throw new Error(`lab: ${LOCK_FILE} held by pid ${holder} for too long`);
      else await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await fn();
  } finally {
    if (existsSync(LOCK_FILE) && readFileSync(LOCK_FILE, 'utf8') === token)
      rmSync(LOCK_FILE, { force: true });
  }
}

function domainState(d: DomainSpec, pki: Pki): LabDomainState {
  const tls = d.certificate !== 'none';
  const http = d.http;
  if (serverOf(d) === 'ejabberd') {
    const secure = http && tls;
    return {
      server: 'ejabberd',
      address: d.address,
      c2sPort: C2S_PORT,
      s2sPort: S2S_PORT,
      c2sDirectPort: null,
      s2sDirectPort: null,
      httpPort: http ? HTTP_PORT : null,
      httpsPort: secure ? EJABBERD_HTTPS_PORT : null,
      websocketUrl: http ? `ws://${d.address}:${HTTP_PORT}/ws` : null,
      boshUrl: http ? `http://${d.address}:${HTTP_PORT}/bosh` : null,
      websocketSecureUrl: secure ? `wss://${d.domain}:${EJABBERD_HTTPS_PORT}/ws` : null,
      boshSecureUrl: secure ? `https://${d.domain}:${EJABBERD_HTTPS_PORT}/bosh` : null,
      poshPort: null,
      traits: [...d.traits],
      users: d.users.map((u) => ({ jid: `${u.localpart}@${d.domain}`, password: u.password })),
      certFile: pki.domains[d.domain]?.certFile ?? null,
    };
  }
  return {
    server: 'prosody',
    address: d.address,
    c2sPort: C2S_PORT,
    s2sPort: S2S_PORT,
    c2sDirectPort: d.directTls && tls ? C2S_DIRECT_PORT : null,
    s2sDirectPort: d.directTls && tls ? S2S_DIRECT_PORT : null,
    httpPort: http ? HTTP_PORT : null,
    httpsPort: http && tls ? HTTPS_PORT : null,
    // By address, so Node and browsers reach it without lab DNS; the `to` of the stream names the domain.
    websocketUrl: http ? `ws://${d.address}:${HTTP_PORT}/xmpp-websocket` : null,
    boshUrl: http ? `http://${d.address}:${HTTP_PORT}/http-bind` : null,
    websocketSecureUrl: http && tls ? `wss://${d.domain}:${HTTPS_PORT}/xmpp-websocket` : null,
    boshSecureUrl: http && tls ? `https://${d.domain}:${HTTPS_PORT}/http-bind` : null,
    poshPort: d.posh && tls ? POSH_HTTPS_PORT : null,
    traits: [...d.traits],
    users: d.users.map((u) => ({ jid: `${u.localpart}@${d.domain}`, password: u.password })),
    certFile: pki.domains[d.domain]?.certFile ?? null,
  };
}

/** The ejabberd user must traverse to lab/.state; Erlang refuses nothing, so say it plainly. */
function canReach(user: 'prosody' | 'ejabberd', dir: string): boolean {
  try {
    execFileSync('runuser', ['-u', user, '--', 'test', '-x', dir]);
    return true;
  } catch {
    return false;
  }
}

/** Writes the ejabberd node's files afresh: config, ctl settings, resolver files, certificates. */
function writeEjabberdInstance(domains: readonly DomainSpec[], pki: Pki, files: EjabberdFiles): void {
  const owner = systemUser('ejabberd');
  // Every start begins with an empty database (accounts and rosters come from the topology) and log.
  rmSync(files.dir, { recursive: true, force: true });
  for (const dir of [files.dir, files.spoolDir, files.logsDir, files.certDir])
    mkdirSync(dir, { recursive: true });
  const certFiles: string[] = [];
  for (const d of domains) {
    const p = pki.domains[d.domain];
    if (!p) throw new Error(`lab: ${d.domain} (ejabberd) has no certificate`);
    const pem = join(files.certDir, `${d.domain}.pem`);
    writeFileSync(pem, readFileSync(p.keyFile, 'utf8') + readFileSync(p.certFile, 'utf8'), { mode: 0o600 });
    certFiles.push(pem);
  }
  writeFileSync(files.configFile, ejabberdConfig(domains, files, certFiles, pki.caFile));
  writeFileSync(files.ctlConfigFile, ejabberdCtlConfig(domains[0]!.address, files, newCookie()), {
    mode: 0o600,
  });
  writeFileSync(files.inetrcFile, ejabberdInetrc());
  writeFileSync(files.resolvConfFile, ejabberdResolvConf());
  execFileSync('chown', ['-R', `${owner.uid}:${owner.gid}`, files.dir]);
  chmodSync(files.dir, 0o750);
}

/** Prosody must read keys and traverse the state folders; keys stay unreadable to others. */
function shareWithProsody(pki: Pki, owner: Owner | null): void {
  for (const dir of [STATE_DIR, pki.dir]) chmodSync(dir, 0o755);
  chmodSync(pki.caFile, 0o644);
  for (const p of Object.values(pki.domains)) {
    for (const f of p.web ? [p, p.web] : [p]) {
      chmodSync(f.certFile, 0o644);
      if (owner) chownSync(f.keyFile, owner.uid, owner.gid);
      chmodSync(f.keyFile, 0o600);
    }
  }
}

/** Prosody runs as its own user when every folder above lab/.state lets it through. */
function prosodyCanReach(dir: string): boolean {
  return canReach('prosody', dir);
}

async function readPidFile(file: string, started: Started, timeoutMs = 5_000): Promise<number | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && started.exited() === null) {
    if (existsSync(file)) {
      const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (Number.isFinite(pid) && pid > 0) return pid;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return null;
}

async function startAll(): Promise<LabState> {
  checkPrerequisites();
  await assertPortsFree(labEndpoints());
  const prosodyUser = systemUser('prosody');
  mkdirSync(STATE_DIR, { recursive: true });
  // A checkout under a private folder (e.g. /root) is closed to the prosody user: then Prosody runs as
  // root with `run_as_root`, rather than the lab writing outside the project.
  const owner = prosodyCanReach(STATE_DIR) ? prosodyUser : null;
  const pki = await ensurePki(join(STATE_DIR, 'pki'), DOMAINS);
  shareWithProsody(pki, owner);

  const dnsDir = join(STATE_DIR, 'dns');
  mkdirSync(dnsDir, { recursive: true });
  const certs: Record<string, string> = {};
  for (const [domain, p] of Object.entries(pki.domains)) certs[domain] = readFileSync(p.certFile, 'utf8');
  const zoneText = signedZoneText(
    DOMAINS,
    certs,
    readFileSync(pki.caFile, 'utf8'),
    Math.floor(Date.now() / 1000),
  );
  const zone = await prepareSignedZone(dnsDir, zoneText);
  const files = {
    dnsmasq: join(dnsDir, 'dnsmasq.conf'),
    nsd: join(dnsDir, 'nsd.conf'),
    unbound: join(dnsDir, 'unbound.conf'),
  };
  writeFileSync(files.dnsmasq, dnsmasqConfig(DOMAINS));
  writeFileSync(files.nsd, nsdConfig(dnsDir, zone.zoneFile));
  writeFileSync(files.unbound, unboundConfig(dnsDir, zone.trustAnchorFile));

  const ejabberdDomains = DOMAINS.filter((d) => serverOf(d) === 'ejabberd');
  const prosodyDomains = DOMAINS.filter((d) => serverOf(d) === 'prosody');
  const ej = ejabberdFiles(STATE_DIR);
  if (ejabberdDomains.length > 0) {
    if (!canReach('ejabberd', STATE_DIR))
      throw new Error(`lab: the ejabberd user cannot reach ${STATE_DIR}; put the checkout where it can`);
    writeEjabberdInstance(ejabberdDomains, pki, ej);
  }
  for (const d of prosodyDomains) {
    const p = pki.domains[d.domain];
    const tls = p ? { certFile: p.certFile, keyFile: p.keyFile, caFile: pki.caFile, web: p.web } : null;
    const pf = prosodyFiles(STATE_DIR, d.domain);
    rmSync(pf.pidFile, { force: true });
    writeProsodyInstance(d, pf, tls, owner);
    // The CA certificate is the "other" certificate a mismatching document names: real, never served.
    if (d.posh && p)
      writePoshFolder(pf.poshDir, poshDocument(d.posh, certs[d.domain]!, readFileSync(pki.caFile)));
  }

  const started: Started[] = [];
  try {
    const log = (name: string) => join(dnsDir, `${name}.log`);
    const nsd = startDetached('nsd', 'nsd', ['-d', '-c', files.nsd], log('nsd'), files.nsd);
    started.push(nsd);
    const dnsmasq = startDetached(
      'dnsmasq',
      'dnsmasq',
      ['--keep-in-foreground', `--conf-file=${files.dnsmasq}`, '--pid-file='],
      log('dnsmasq'),
      files.dnsmasq,
    );
    started.push(dnsmasq);
    const unbound = startDetached(
      'unbound',
      'unbound',
      ['-d', '-c', files.unbound],
      log('unbound'),
      files.unbound,
    );
    started.push(unbound);
    const waits: Promise<void>[] = [
      waitForListener(nsd, NSD.host, NSD.port, log('nsd')),
      waitForListener(dnsmasq, DNSMASQ.host, DNSMASQ.port, log('dnsmasq')),
      waitForListener(unbound, UNBOUND.host, UNBOUND.port, log('unbound')),
    ];
    const prosodies: { started: Started; pidFile: string; domain: string }[] = [];
    let ejabberd: Started | null = null;
    if (ejabberdDomains.length > 0) {
      const how = ejabberdStartCommand(ej);
      ejabberd = startDetached('ejabberd', how.cmd, how.args, join(ej.dir, 'console.log'), ej.dir);
      // The ejabberdctl script waits for the Erlang VM (through su): stopped after the VM itself.
      ejabberd.proc.wrapper = true;
      started.push(ejabberd);
      // Erlang and ejabberd's start take about 3 s here; the listeners open last.
      for (const port of listenPorts(ejabberdDomains[0]!))
        waits.push(waitForListener(ejabberd, ejabberdDomains[0]!.address, port, ej.logFile, 60_000));
    }
    for (const d of prosodyDomains) {
      const pf = prosodyFiles(STATE_DIR, d.domain);
      const how = prosodyCommand(
        pf.configFile,
        owner !== null,
        listenPorts(d).some((port) => port < 1024),
      );
      const s = startDetached(
        `prosody ${d.domain}`,
        how.cmd,
        how.args,
        join(pf.dir, 'console.log'),
        pf.configFile,
      );
      s.proc.wrapper = how.wrapper || undefined;
      started.push(s);
      prosodies.push({ started: s, pidFile: pf.pidFile, domain: d.domain });
      for (const port of listenPorts(d)) waits.push(waitForListener(s, d.address, port, pf.logFile));
    }
    await Promise.all(waits);
    const processes: LabProcess[] = started.map((s) => s.proc);
    // runuser forwards SIGTERM to Prosody; Prosody's own pid is recorded too, so `down` can check it went.
    for (const p of prosodies) {
      const pid = await readPidFile(p.pidFile, p.started);
      if (pid !== null && pid !== p.started.proc.pid)
        processes.push({ name: `prosody ${p.domain} (server)`, pid, marker: p.started.proc.marker });
    }
    if (ejabberd) {
      const pid = await readPidFile(ej.pidFile, ejabberd);
      if (pid === null) throw new Error(`lab: ejabberd listens but wrote no pidfile ${ej.pidFile}`);
      processes.push({ name: 'ejabberd (server)', pid, marker: ej.dir });
      // Registration before rosters: mod_admin_extra adds items only to existing accounts.
      await Promise.all(accountCommands(ejabberdDomains).map((args) => ejabberdctl(ej, args)));
      await Promise.all(rosterCommands(ejabberdDomains).map((args) => ejabberdctl(ej, args)));
    }
    const state: LabState = {
      resolver: { host: UNBOUND.host, port: UNBOUND.port },
      plainResolver: { host: DNSMASQ.host, port: DNSMASQ.port },
      caFile: pki.caFile,
      signedZone: { name: SIGNED_ZONE, ds: zone.ds },
      domains: Object.fromEntries(DOMAINS.map((d) => [d.domain, domainState(d, pki)])),
      serverless: SERVERLESS_DOMAINS.map((d) => ({ ...d })),
      ejabberd:
        ejabberdDomains.length > 0
          ? {
              ctlArgs: ejabberdctlArgs(ej),
              logFile: ej.logFile,
              domains: ejabberdDomains.map((d) => d.domain),
            }
          : null,
      processes,
      startedAt: new Date().toISOString(),
    };
    writeLabState(state);
    return state;
  } catch (err) {
    await stopProcesses(started.map((s) => s.proc));
    throw err;
  }
}

/** A running lab whose every recorded process is still alive, or null. */
export function runningLab(): LabState | null {
  const state = readLabState();
  if (!state || state.processes.length === 0) return null;
  return state.processes.every(isOurs) ? state : null;
}

/** Starts the lab, or returns the running one untouched. `started` says which. */
export async function ensureLab(): Promise<{ state: LabState; started: boolean }> {
  return withLock(async () => {
    const running = runningLab();
    if (running) return { state: running, started: false };
    // A half-dead lab (a crash, a killed daemon): stop what is left of it, then start afresh.
    const stale = readLabState();
    if (stale) await stopProcesses(stale.processes);
    removeLabState();
    return { state: await startAll(), started: true };
  });
}

export async function labUp(): Promise<LabState> {
  return (await ensureLab()).state;
}

/** Stops exactly the processes recorded in the state (those still ours) and removes the state. */
export async function labDown(): Promise<void> {
  await withLock(async () => {
    const state = readLabState();
    if (!state) return;
    await stopProcesses(state.processes);
    removeLabState();
  });
}

/** How to reach each domain, for people. */
export function describeLab(state: LabState): string {
  const lines = [
    `resolver (validating): ${state.resolver.host}:${state.resolver.port}   plain: ${state.plainResolver.host}:${state.plainResolver.port}`,
    `lab CA: ${state.caFile}`,
    `signed zone ${state.signedZone.name}: ${state.signedZone.ds}`,
  ];
  for (const [domain, d] of Object.entries(state.domains)) {
    const ports = [`c2s ${d.address}:${d.c2sPort}`, `s2s ${d.s2sPort}`];
    if (d.c2sDirectPort) ports.push(`direct TLS ${d.c2sDirectPort}/${d.s2sDirectPort}`);
    if (d.websocketUrl) ports.push(`ws ${d.websocketUrl}`);
    if (d.boshUrl) ports.push(`bosh ${d.boshUrl}`);
    if (d.poshPort) ports.push(`POSH https://${domain}/.well-known/posh/ on ${d.address}:${d.poshPort}`);
    lines.push(`${domain.padEnd(18)} ${ports.join('  ')}`);
    lines.push(`${''.padEnd(18)} traits: ${d.traits.join(', ')}`);
    lines.push(`${''.padEnd(18)} users: ${d.users.map((u) => `${u.jid} / ${u.password}`).join(', ')}`);
  }
  for (const d of state.serverless ?? [])
    lines.push(
      `${d.domain.padEnd(18)} no server: ${d.address ? `A ${d.address} and SRV, nothing listening` : 'no DNS record (NXDOMAIN)'}`,
    );
  if (state.ejabberd)
    lines.push(
      `ejabberd: ejabberdctl ${state.ejabberd.ctlArgs.join(' ')} status   log ${state.ejabberd.logFile}`,
    );
  lines.push(
    'Names resolve only through the lab resolvers, e.g. dig @127.0.2.6 _xmpp-client._tcp.good.test SRV',
  );
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const cmd = argv[0];
  if (cmd === 'up') {
    const t = performance.now();
    const { state, started } = await ensureLab();
    const ms = Math.round(performance.now() - t);
    console.log(started ? `lab started in ${ms} ms` : 'lab already running (left as it was)');
    console.log(describeLab(state));
    return 0;
  }
  if (cmd === 'down') {
    const t = performance.now();
    const had = readLabState() !== null;
    await labDown();
    console.log(had ? `lab stopped in ${Math.round(performance.now() - t)} ms` : 'lab was not running');
    return 0;
  }
  if (cmd === 'status') {
    const state = readLabState();
    if (!state) {
      console.log('lab: not running (no state file)');
      return 1;
    }
    for (const p of state.processes) console.log(`${isOurs(p) ? 'running' : 'DEAD   '}  ${p.pid}  ${p.name}`);
    console.log(describeLab(state));
    return state.processes.every(isOurs) ? 0 : 1;
  }
  console.error('usage: node lab/lab.ts up|down|status');
  return 2;
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
}
