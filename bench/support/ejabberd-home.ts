// The user's server as ejabberd 23.01 with the shaper settings of its shipped ejabberd.yml (a c2s
// shaper of 3,000 B/s with a 20,000-byte burst for every non-admin user, `fast` for s2s), for the
// extension bench: a node of the bench's own on its own address and distribution port, never the lab's.
// Accounts and rosters go in with `ejabberdctl import_prosody` from Prosody-format files (seconds for
// 5,000 items, where one roster push per item over XMPP takes minutes).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ejabberdctlArgs, ejabberdFiles, newCookie } from '../../lab/ejabberd.ts';
import { startDetached, stopProcesses, waitForListener } from '../../lab/processes.ts';
import { accountStore, prosodyEncode, rosterStore } from '../../lab/prosody.ts';
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
function config(domain: string, address: string, certFile: string, logFile: string): string {
  return `# Written by bench/support/ejabberd-home.ts. Log: ${logFile}\n${JSON.stringify(
    {
      hosts: [domain],
      loglevel: 'info',
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
        { port: 5280, ip: address, module: 'ejabberd_http', request_handlers: { '/ws': 'ejabberd_http_ws' } },
      ],
      modules: {
        mod_admin_extra: {},
        mod_caps: {},
        mod_disco: {},
        mod_offline: {},
        mod_ping: {},
        mod_pubsub: {},
        mod_roster: { versioning: true },
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
  writeFileSync(files.configFile, config(options.domain, options.address, pem, files.logFile));
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
  // Prosody-format data for import_prosody: DIR/<host>/accounts/<user>.dat and roster/<user>.dat.
  const seed = join(files.dir, 'seed');
  const host = join(seed, prosodyEncode(options.domain));
  for (const sub of ['accounts', 'roster']) mkdirSync(join(host, sub), { recursive: true });
  for (const [user, roster] of Object.entries(options.rosters)) {
    writeFileSync(join(host, 'accounts', `${prosodyEncode(user)}.dat`), accountStore(options.password));
    writeFileSync(join(host, 'roster', `${prosodyEncode(user)}.dat`), rosterStore(roster));
  }
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
    await ctl(files, ['import_prosody', seed], 300_000);
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
