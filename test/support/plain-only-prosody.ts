// A Prosody of a test's own that offers only SASL PLAIN (no SCRAM) over BOSH and WebSocket on a
// loopback address: the kind of server "remember me" must be refused for. Runs as the prosody user,
// from a temporary folder it owns; stop() ends it and removes the folder.
import { type ChildProcess, spawn } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prosodyEncode } from '../../lab/prosody.ts';

export interface PlainOnlyProsody {
  domain: string;
  jid: string;
  password: string;
  boshUrl: string;
  websocketUrl: string;
  /** What its log says, for a failing test. */
  log(): string;
  stop(): Promise<void>;
}

const PROSODY_UID = 104;

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startPlainOnlyProsody(
  options: { address?: string; port?: number; domain?: string } = {},
): Promise<PlainOnlyProsody> {
  const address = options.address ?? '127.0.2.31';
  const port = options.port ?? 5280;
  const domain = options.domain ?? 'plainonly.test';
  const password = 'plain-only-pw';
  const dir = mkdtempSync(join(tmpdir(), 'hoplight-plain-only-'));
  const data = join(dir, 'data');
  const accounts = join(data, prosodyEncode(domain), 'accounts');
  mkdirSync(accounts, { recursive: true });
  // internal_plain keeps the password as it is; Prosody would still derive SCRAM from it, so SCRAM is disabled.
  writeFileSync(join(accounts, 'pat.dat'), `return { ["password"] = "${password}" };\n`);
  const config = join(dir, 'prosody.cfg.lua');
  writeFileSync(
    config,
    `pidfile = "${dir}/prosody.pid"
data_path = "${data}"
log = { info = "${dir}/prosody.log" }
use_ipv6 = false
interfaces = { "${address}" }
c2s_ports = {}
s2s_ports = {}
http_ports = { ${port} }
http_interfaces = { "${address}" }
https_ports = {}
modules_enabled = { "roster", "saslauth", "disco", "ping", "http", "bosh", "websocket" }
modules_disabled = { "s2s", "tls" }
authentication = "internal_plain"
disable_sasl_mechanisms = { "SCRAM-SHA-1", "SCRAM-SHA-256", "DIGEST-MD5" }
allow_unencrypted_plain_auth = true
c2s_require_encryption = false
consider_bosh_secure = true
consider_websocket_secure = true
allow_registration = false
VirtualHost "${domain}"
  http_host = "${address}"
`,
  );
  for (const path of [
    dir,
    data,
    join(data, prosodyEncode(domain)),
    accounts,
    join(accounts, 'pat.dat'),
    config,
  ]) {
    chownSync(path, PROSODY_UID, PROSODY_UID);
  }
  const child: ChildProcess = spawn('runuser', ['-u', 'prosody', '--', 'prosody', '-F', '--config', config], {
    stdio: 'ignore',
  });
  const log = () => {
    try {
      return readFileSync(join(dir, 'prosody.log'), 'utf8');
    } catch {
      return '';
    }
  };
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  while (!(await portOpen(address, port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const text = log();
      await stop();
      throw new Error(`the PLAIN-only Prosody did not start on ${address}:${port}: ${text.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    domain,
    jid: `pat@${domain}`,
    password,
    boshUrl: `http://${address}:${port}/http-bind`,
    websocketUrl: `ws://${address}:${port}/xmpp-websocket`,
    log,
    stop,
  };
}
