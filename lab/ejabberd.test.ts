// The ejabberd node's generated files: config (JSON, read as YAML), ejabberdctl settings, resolver
// files, the start command and the account and roster commands.
import { describe, expect, it } from 'vitest';
import {
  accountCommands,
  ejabberdConfig,
  ejabberdCtlConfig,
  ejabberdFiles,
  ejabberdInetrc,
  ejabberdStartCommand,
  rosterCommands,
} from './ejabberd.ts';
import { DOMAINS, serverOf } from './topology.ts';

const ej = DOMAINS.filter((d) => serverOf(d) === 'ejabberd');
const files = ejabberdFiles('/state');

describe('ejabberd lab node', () => {
  it('serves ejabberd.test and ejabberd2.test from one address', () => {
    expect(ej.map((d) => [d.domain, d.address])).toEqual([
      ['ejabberd.test', '127.0.2.20'],
      ['ejabberd2.test', '127.0.2.20'],
    ]);
  });

  it('requires STARTTLS, keeps dialback as Debian does, and stores SCRAM on one vhost, plain on the other', () => {
    const text = ejabberdConfig(ej, files, ['/state/ejabberd/certs/a.pem'], '/ca.crt');
    const config = JSON.parse(text.slice(text.indexOf('\n') + 1));
    expect(config.hosts).toEqual(['ejabberd.test', 'ejabberd2.test']);
    expect(config.s2s_use_starttls).toBe('required');
    expect(config.host_config).toEqual({
      'ejabberd.test': { auth_password_format: 'scram' },
      'ejabberd2.test': { auth_password_format: 'plain' },
    });
    expect(config.modules).toHaveProperty('mod_s2s_dialback');
    expect(config.modules).toHaveProperty('mod_admin_extra');
    expect(config.modules.mod_host_meta.websocket_url).toBe('wss://@HOST@:5443/ws');
    const c2s = config.listen.find((l: { module: string }) => l.module === 'ejabberd_c2s');
    expect(c2s).toEqual({ port: 5222, ip: '127.0.2.20', module: 'ejabberd_c2s', starttls_required: true });
    const https = config.listen.find((l: { port: number }) => l.port === 5443);
    expect(https.tls).toBe(true);
    expect(https.request_handlers['/.well-known/host-meta']).toBe('mod_host_meta');
  });

  it('refuses domains on different addresses, and none at all', () => {
    const other = { ...ej[1]!, address: '127.0.2.21' };
    expect(() => ejabberdConfig([ej[0]!, other], files, [], '/ca')).toThrow(/must share one address/);
    expect(() => ejabberdConfig([], files, [], '/ca')).toThrow(/at least one domain/);
  });

  it('names the node on the lab address with a fixed distribution port and its own pidfile', () => {
    const cfg = ejabberdCtlConfig('127.0.2.20', files, 'c00kie');
    expect(cfg).toContain('ERLANG_NODE=ejabberd@127.0.2.20\n');
    expect(cfg).toContain('ERL_DIST_PORT=5210\n');
    expect(cfg).toContain('ERL_OPTIONS="-setcookie c00kie"\n');
    expect(cfg).toContain('EJABBERD_PID_PATH=/state/ejabberd/ejabberd.pid\n');
  });

  it('resolves through the lab’s dnsmasq only, in a private mount namespace', () => {
    expect(ejabberdInetrc()).toContain('{nameserver, {127,0,2,1}, 53}.');
    const start = ejabberdStartCommand(files);
    expect(start.cmd).toBe('unshare');
    expect(start.args[3]).toMatch(
      /^mount --bind '\/state\/ejabberd\/resolv.conf' \/etc\/resolv.conf && exec 'ejabberdctl' '--config-dir' '\/state\/ejabberd'/,
    );
    expect(start.args[3]).toMatch(/'foreground'$/);
  });

  it('registers every user and adds roster items with mod_admin_extra', () => {
    expect(accountCommands(ej)).toContainEqual(['register', 'eve', 'ejabberd.test', 'eve-ejabberd-pw']);
    expect(accountCommands(ej)).toContainEqual(['register', 'zoe', 'ejabberd2.test', 'zoe-ejabberd2-pw']);
    expect(rosterCommands(ej)).toContainEqual([
      'add_rosteritem',
      'eve',
      'ejabberd.test',
      'alice',
      'good.test',
      'Alice',
      'Friends',
      'both',
    ]);
  });
});
