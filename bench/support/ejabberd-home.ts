// The user's server as ejabberd 23.01 with the shaper settings of its shipped ejabberd.yml (a c2s
// shaper of 3,000 B/s with a 20,000-byte burst for every non-admin user, `fast` for s2s), for the
// extension bench: a node of the bench's own on its own address and distribution port, never the lab's.
// Accounts and rosters go in through the admin HTTP API (mod_http_api, loopback only), many requests
// at a time, with roster versioning switched on only afterwards (see the config): seconds for 5,000
// items, where registering and pushing them over XMPP takes minutes.
// (Debian's ejabberd lacks luerl, so `import_prosody` fails with "nofile"; one ejabberdctl call per
// item starts an Erlang VM each.)
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ejabberdctlArgs, ejabberdFiles, newCookie } from '../../lab/ejabberd.ts';
import { startDetached, stopProcesses, waitForListener } from '../../lab/processes.ts';
import type { LabProcess } from '../../lab/state.ts';

const run = promisify(execFile);
const DIST_PORT = 5211;

export interface EjabberdHome {
  processes: LabProcess[];
  /** Closes every s2s connection of the node (the next check sets each up again). */
  closeS2s(): Promise<void>;
  stop(): Promise<void>;
}

type Roster = { jid: string; name: string; groups: string[] }[];

/** ejabberd.yml (JSON is YAML): the shipped file's shapers and access, our address, files and modules. */
function config(
  domain: string,
  address: string,
  certFile: string,
  logFile: string,
  rosterVersioning: boolean,
): string {
  return `# Written by bench/support/ejabberd-home.ts. Log: ${logFile}\n${JSON.stringify(
    {
      hosts: [domain],
      // Not info: it logs each of the seeding's thousands of API calls in full, which slows them.
      loglevel: 'warning',
      log_rotate_count: 0,
      certfiles: [certFile],
      s2s_use_starttls: 'required',
      auth_method: 'internal',
      // As shipped with ejabberd 23.01 (/etc/ejabberd/ejabberd.yml): the limits a real server has.
      shaper: { normal: { rate: 3000, burst_size: 20000 }, fast: 100000 },
      shaper_rules: {
        max_user_sessions: 10,
        max_user_offline_messages: { 5000: 'admin', 100: 'all' },
        c2s_shaper: { none: 'admin', normal: 'all' },
        s2s_shaper: 'fast',
      },
      // The bench's seeding only: from loopback, every admin command.
      api_permissions: { 'bench seeding': { who: { ip: '127.0.0.0/8' }, what: ['*'] } },
      acl: { admin: { user: [`admin@${domain}`] }, local: { user_regexp: '' } },
      access_rules: {
        local: { allow: 'local' },
        c2s: { deny: 'blocked', allow: 'all' },
        s2s: { allow: 'all' },
      },
      listen: [
        {
          port: 5222,
          ip: address,
          module: 'ejabberd_c2s',
          max_stanza_size: 262144,
          shaper: 'c2s_shaper',
          access: 'c2s',
          starttls_required: true,
        },
        { port: 5269, ip: address, module: 'ejabberd_s2s_in', max_stanza_size: 524288, shaper: 's2s_shaper' },
        {
          port: 5280,
          ip: address,
          module: 'ejabberd_http',
          request_handlers: { '/ws': 'ejabberd_http_ws', '/api': 'mod_http_api' },
        },
      ],
      modules: {
        mod_admin_extra: {},
        mod_caps: {},
        mod_disco: {},
        mod_http_api: {},
        mod_offline: {},
        mod_ping: {},
        mod_pubsub: {},
        // As shipped, once seeded: with versioning on, each added item re-hashes the whole roster for
        // its push (12.5 min for 6,000 items), so the seeding runs without it and the config is reloaded.
        mod_roster: { versioning: rosterVersioning },
        mod_s2s_dialback: {},
        mod_stream_mgmt: {},
        mod_version: { show_os: false },
      },
    },
    null,
    2,
  )}\n`;
}

export async function startEjabberdHome(options: {
  dir: string;
  domain: string;
  address: string;
  dns: string;
  certFile: string;
  keyFile: string;
  password: string;
  rosters: Record<string, Roster>;
}): Promise<EjabberdHome> {
  const files = ejabberdFiles(options.dir);
  for (const dir of [files.dir, files.spoolDir, files.logsDir, files.certDir])
    mkdirSync(dir, { recursive: true });
  const pem = join(files.certDir, `${options.domain}.pem`);
  writeFileSync(pem, readFileSync(options.keyFile, 'utf8') + readFileSync(options.certFile, 'utf8'), {
    mode: 0o600,
  });
  const writeConfig = (rosterVersioning: boolean) =>
    writeFileSync(
      files.configFile,
      config(options.domain, options.address, pem, files.logFile, rosterVersioning),
    );
  writeConfig(false);
  writeFileSync(
    files.ctlConfigFile,
    [
      `ERLANG_NODE=ejbench@${options.address}`,
      `INET_DIST_INTERFACE=${options.address}`,
      `ERL_DIST_PORT=${DIST_PORT}`,
      `ERL_OPTIONS="-setcookie ${newCookie()}"`,
      `EJABBERD_PID_PATH=${files.pidFile}`,
      'EJABBERD_BYPASS_WARNINGS=true',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const ip = options.dns.split('.').join(',');
  writeFileSync(
    files.inetrcFile,
    `{nameserver, {${ip}}, 53}.\n{resolv_conf, ""}.\n{hosts_file, ""}.\n{lookup, [file, dns]}.\n`,
  );
  writeFileSync(files.resolvConfFile, `nameserver ${options.dns}\n`);
  await run('chown', ['-R', 'ejabberd:ejabberd', files.dir]);

  const quoted = ['ejabberdctl', ...ejabberdctlArgs(files), 'foreground'].map((a) => `'${a}'`).join(' ');
  const started = startDetached(
    'ejabberd (extension bench)',
    'unshare',
    ['-m', 'sh', '-c', `mount --bind '${files.resolvConfFile}' /etc/resolv.conf && exec ${quoted}`],
    join(files.dir, 'console.log'),
    files.dir,
  );
  started.proc.wrapper = true;
  const processes: LabProcess[] = [started.proc];
  try {
    for (const port of [5222, 5269, 5280])
      await waitForListener(started, options.address, port, files.logFile, 90_000);
    const deadline = Date.now() + 10_000;
    while (!existsSync(files.pidFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const pid = Number.parseInt(readFileSync(files.pidFile, 'utf8'), 10);
    if (Number.isFinite(pid) && pid > 0)
      processes.push({ name: 'ejabberd (extension bench, VM)', pid, marker: files.dir });
    await seedOverApi(
      `http://${options.address}:5280/api`,
      options.domain,
      options.password,
      options.rosters,
    );
    writeConfig(true);
    await ctl(files, ['reload_config']);
  } catch (error) {
    await stopProcesses(processes);
    throw error;
  }
  return {
    processes,
    async closeS2s() {
      // There is no "close all" command: stopping and starting s2s drops every connection.
      await ctl(files, ['stop_s2s_connections']);
    },
    async stop() {
      await ctl(files, ['stop'], 30_000).catch(() => '');
      await stopProcesses(processes);
    },
  };
}

async function ctl(
  files: ReturnType<typeof ejabberdFiles>,
  args: string[],
  timeout = 60_000,
): Promise<string> {
  try {
    return (await run('ejabberdctl', [...ejabberdctlArgs(files), ...args], { timeout })).stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `bench: ejabberdctl ${args.join(' ')} failed: ${(e.stdout || e.stderr || e.message).trim()}`,
    );
  }
}

/** Accounts, then their roster items, through mod_http_api; `CONCURRENCY` requests in flight. */
async function seedOverApi(
  api: string,
  domain: string,
  password: string,
  rosters: Record<string, Roster>,
): Promise<void> {
  const call = async (command: string, body: Record<string, string>) => {
    const response = await fetch(`${api}/${command}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`bench: ejabberd API ${command} answered ${response.status}: ${text}`);
  };
  for (const user of Object.keys(rosters)) await call('register', { user, host: domain, password });
  const items = Object.entries(rosters).flatMap(([user, roster]) => roster.map((item) => ({ user, item })));
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const { user, item } = items[next++] as (typeof items)[number];
      const at = item.jid.indexOf('@');
      await call('add_rosteritem', {
        localuser: user,
        localhost: domain,
        user: item.jid.slice(0, at),
        host: item.jid.slice(at + 1),
        nick: item.name,
        group: '',
        subs: 'both',
      });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

const CONCURRENCY = 16;
