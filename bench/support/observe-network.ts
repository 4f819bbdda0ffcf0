// A small XMPP network of the observer benchmark's own, beside the lab (never inside it): a dnsmasq
// with its names, the user's server (home.bench.test, WebSocket for the check), one Prosody serving
// 50 contact domains as VirtualHosts, and a dead domain whose s2s port accepts and never speaks.
// Everything lives in a temporary folder and on 127.0.6.x; `stop` ends exactly what `start` started.
import { execFile, execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { toLua } from '../../lab/lua.ts';
import { startDetached, stopProcesses, waitForListener } from '../../lab/processes.ts';
import { accountStore, prosodyCommand, prosodyEncode, rosterStore } from '../../lab/prosody.ts';
import type { LabProcess } from '../../lab/state.ts';
import { type EjabberdHome, startEjabberdHome } from './ejabberd-home.ts';

const DNS = '127.0.6.1';
const HOME_ADDRESS = '127.0.6.2';
const FAR_ADDRESS = '127.0.6.3';
const DEAD_ADDRESS = '127.0.6.4';
const EJABBERD_ADDRESS = '127.0.6.5';
export const HOME = 'home.bench.test';
/** The user's server when it is ejabberd. */
export const EJABBERD_HOME = 'ej.bench.test';
export const DEAD = 'dead.bench.test';
export const PASSWORD = 'bench-pw';

export interface ObserveNetwork {
  domains: string[];
  /** The user's server's domain. */
  home: string;
  websocketUrl: string;
  /** Where the user's server's WebSocket listens, and its path. */
  websocketTarget: { host: string; port: number };
  websocketPath: string;
  /** Closes every s2s link on both servers: the next check sets each up again (a cold check). */
  closeS2s(): Promise<void>;
  stop(): Promise<void>;
}

interface Instance {
  name: string;
  dir: string;
  address: string;
  hosts: string[];
  http: boolean;
}

/** The lab runs Prosody as `prosody`; so do we, with its folders made its own. */
function prosodyUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'prosody'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

function config(instance: Instance, certFile: string, keyFile: string): string {
  const lines = [
    `pidfile = ${toLua(join(instance.dir, 'prosody.pid'))}`,
    `data_path = ${toLua(join(instance.dir, 'data'))}`,
    `log = { ["info"] = ${toLua(join(instance.dir, 'prosody.log'))} }`,
    'use_ipv6 = false',
    `interfaces = { ${toLua(instance.address)} }`,
    'c2s_ports = { 5222 }',
    's2s_ports = { 5269 }',
    `unbound = ${toLua({ resolvconf: false, hoststxt: false, forward: [`${DNS}@53`], options: { 'local-zone': 'test. transparent' } })}`,
    `modules_enabled = ${toLua(['roster', 'saslauth', 'disco', 'ping', 'version', 'pep', 'posix', 'dialback', 'tls', 'admin_shell', ...(instance.http ? ['http', 'websocket'] : [])])}`,
    'authentication = "internal_hashed"',
    'storage = "internal"',
    'c2s_require_encryption = false',
    'allow_unencrypted_plain_auth = true',
    's2s_require_encryption = true',
    's2s_secure_auth = false',
    // Many contacts' OMEMO queries arrive at once: no rate limit on the bench's own servers.
    'limits = { c2s = { rate = "10mb/s" }; s2sin = { rate = "10mb/s" } }',
    `ssl = { certificate = ${toLua(certFile)}; key = ${toLua(keyFile)} }`,
  ];
  if (instance.http) {
    lines.push(
      'http_ports = { 5280 }',
      `http_interfaces = { ${toLua(instance.address)} }`,
      'https_ports = { }',
      'consider_websocket_secure = true',
    );
  }
  lines.push('', ...instance.hosts.map((h) => `VirtualHost ${toLua(h)}`));
  return `${lines.join('\n')}\n`;
}

async function waitForLines(file: string, pattern: RegExp, count: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (text.split('\n').filter((line) => pattern.test(line)).length >= count) return;
    if (Date.now() > deadline)
      throw new Error(`observe bench: ${file} has fewer than ${count} lines matching ${pattern}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Starts the network: `domains` contact domains; users `bench` and `benchdead` with their rosters, and
 * per entry of `rosters` a user of that name with the first N contacts (written into Prosody's storage,
 * not registered: 5,000 roster pushes would take minutes).
 */
export async function startObserveNetwork(options: {
  domains: number;
  contacts: number;
  rosters?: Record<string, number>;
  /** The user's server of the `rosters` users: the Prosody (default) or an ejabberd 23.01 node. */
  home?: 'prosody' | 'ejabberd';
}): Promise<ObserveNetwork> {
  const root = mkdtempSync(join(tmpdir(), 'hoplight-observe-bench-'));
  const owner = prosodyUser();
  const domains = Array.from(
    { length: options.domains },
    (_, i) => `d${String(i + 1).padStart(String(options.domains).length, '0')}.bench.test`,
  );
  const processes: LabProcess[] = [];
  const held: Socket[] = [];
  let dead: Server | null = null;

  const cert = async (name: string, hosts: string[]) => {
    const certFile = join(root, `${name}.crt`);
    const keyFile = join(root, `${name}.key`);
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${hosts[0]}`,
      '-addext',
      `subjectAltName=${hosts.map((h) => `DNS:${h}`).join(',')}`,
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ]);
    chownSync(certFile, owner.uid, owner.gid);
    chownSync(keyFile, owner.uid, owner.gid);
    return { certFile, keyFile };
  };

  const instances: Instance[] = [
    { name: 'home', dir: join(root, 'home'), address: HOME_ADDRESS, hosts: [HOME], http: true },
    { name: 'far', dir: join(root, 'far'), address: FAR_ADDRESS, hosts: domains, http: false },
  ];
  const largest = Math.max(options.contacts, ...Object.values(options.rosters ?? {}));
  const everyone = Array.from({ length: largest }, (_, i) => ({
    jid: `user${i}@${domains[i % domains.length]}`,
    name: `Contact ${i}`,
    groups: [],
  }));
  const contacts = everyone.slice(0, options.contacts);
  const extraRosters = Object.fromEntries(
    Object.entries(options.rosters ?? {}).map(([u, n]) => [u, everyone.slice(0, n)]),
  );
  for (const instance of instances) {
    // An empty certificate folder: Prosody indexes it at start and logs an error when it is missing.
    mkdirSync(join(instance.dir, 'certs'), { recursive: true });
    const { certFile, keyFile } = await cert(instance.name, instance.hosts);
    writeFileSync(join(instance.dir, 'prosody.cfg.lua'), config(instance, certFile, keyFile));
    const host = join(instance.dir, 'data', prosodyEncode(instance.hosts[0] as string));
    for (const sub of ['accounts', 'roster']) mkdirSync(join(host, sub), { recursive: true });
    if (instance.name === 'home') {
      const rosters = {
        bench: contacts,
        benchdead: [...contacts, { jid: `nobody@${DEAD}`, name: 'Dead', groups: [] }],
        ...Object.fromEntries(
          Object.entries(options.rosters ?? {}).map(([u, n]) => [u, everyone.slice(0, n)]),
        ),
      };
      for (const [user, roster] of Object.entries(rosters)) {
        writeFileSync(join(host, 'accounts', `${prosodyEncode(user)}.dat`), accountStore(PASSWORD));
        writeFileSync(join(host, 'roster', `${prosodyEncode(user)}.dat`), rosterStore(roster));
      }
    }
    await promisify(execFile)('chown', ['-R', `${owner.uid}:${owner.gid}`, instance.dir]);
  }
  chownSync(root, owner.uid, owner.gid);

  const dnsConfig = join(root, 'dnsmasq.conf');
  writeFileSync(
    dnsConfig,
    [
      'no-resolv',
      'no-hosts',
      'bind-interfaces',
      `listen-address=${DNS}`,
      'port=53',
      'log-facility=-',
      'log-queries',
      'local=/test/',
      `host-record=${HOME},${HOME_ADDRESS}`,
      `host-record=${DEAD},${DEAD_ADDRESS}`,
      `host-record=${EJABBERD_HOME},${EJABBERD_ADDRESS}`,
      ...domains.map((d) => `host-record=${d},${FAR_ADDRESS}`),
      '',
    ].join('\n'),
  );
  const dnsLog = join(root, 'dnsmasq.log');
  const dns = startDetached(
    'dnsmasq (observe bench)',
    'dnsmasq',
    ['--keep-in-foreground', `--conf-file=${dnsConfig}`, `--pid-file=${join(root, 'dnsmasq.pid')}`],
    dnsLog,
    dnsConfig,
  );
  processes.push(dns.proc);
  await waitForListener(dns, DNS, 53, dnsLog);

  dead = createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => dead?.listen(5269, DEAD_ADDRESS, resolve));

  const running: LabProcess[] = [];
  const startProsodies = async () => {
    for (const instance of instances) {
      const configFile = join(instance.dir, 'prosody.cfg.lua');
      const { cmd, args, wrapper } = prosodyCommand(configFile, true, false);
      const stdout = join(instance.dir, 'stdout.log');
      const started = startDetached(
        `prosody ${instance.name} (observe bench)`,
        cmd,
        args,
        stdout,
        configFile,
      );
      running.push({ ...started.proc, ...(wrapper ? { wrapper } : {}) });
      // s2s is the last service Prosody activates, after a TLS context per host (seconds for 50 hosts).
      const log = join(instance.dir, 'prosody.log');
      // A TLS context per host: allow a second more per host, as a loaded machine needs it at 300 hosts.
      const budget = 60_000 + 1_000 * instance.hosts.length;
      await waitForListener(started, instance.address, 5269, log, budget);
      // Hosts keep activating after the port is open: a check before then measures the start-up.
      await waitForLines(log, /Certificates loaded/, instance.hosts.length, budget);
    }
  };
  // A start that fails half-way stops what it started: nothing is left listening on 127.0.6.x.
  const undo = async (error: unknown): Promise<never> => {
    await stopProcesses(running);
    await stopProcesses(processes);
    await new Promise((resolve) => (dead ? dead.close(resolve) : resolve(undefined)));
    rmSync(root, { recursive: true, force: true });
    throw error;
  };
  await startProsodies().catch(undo);
  let ejabberd: EjabberdHome | null = null;
  if (options.home === 'ejabberd') {
    chmodSync(root, 0o711);
    const { certFile, keyFile } = await cert('ejabberd', [EJABBERD_HOME]);
    ejabberd = await startEjabberdHome({
      dir: root,
      domain: EJABBERD_HOME,
      address: EJABBERD_ADDRESS,
      dns: DNS,
      certFile,
      keyFile,
      password: PASSWORD,
      rosters: extraRosters,
    }).catch(undo);
  }
  const home = ejabberd
    ? { domain: EJABBERD_HOME, host: EJABBERD_ADDRESS, path: '/ws' }
    : { domain: HOME, host: HOME_ADDRESS, path: '/xmpp-websocket' };

  return {
    domains,
    home: home.domain,
    websocketUrl: `ws://${home.host}:5280${home.path}`,
    websocketTarget: { host: home.host, port: 5280 },
    websocketPath: home.path,
    async closeS2s() {
      for (const socket of held.splice(0)) socket.destroy();
      await ejabberd?.closeS2s();
      for (const instance of instances) {
        // It fails with "No sessions to close." when there are none: nothing to do then.
        await promisify(execFile)('prosodyctl', [
          '--config',
          join(instance.dir, 'prosody.cfg.lua'),
          'shell',
          's2s:closeall()',
        ]).catch((error: { stderr?: string }) => {
          if (!/No sessions to close/.test(error.stderr ?? '')) throw error;
        });
      }
      // closeall() only starts closing: wait until neither server lists a session.
      for (const instance of instances) {
        for (;;) {
          const { stdout } = await promisify(execFile)('prosodyctl', [
            '--config',
            join(instance.dir, 'prosody.cfg.lua'),
            'shell',
            "s2s:show(nil, 'id')",
          ]);
          if (/^OK: 0 /m.test(stdout) || !/s2s/.test(stdout)) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    },
    async stop() {
      await ejabberd?.stop();
      await stopProcesses(running);
      await stopProcesses(processes);
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => (dead ? dead.close(resolve) : resolve(undefined)));
      rmSync(root, { recursive: true, force: true });
    },
  };
}
