// Pure parts of the lab: Lua output, Prosody storage names, generated configs and zone, ss parsing.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchPosh, parsePoshDocument } from '../src/observatory/scan/posh.ts';
import { dnsmasqConfig, signedZoneText, srvRecords, tlsa311 } from './dns.ts';
import { luaString, toLua } from './lua.ts';
import { opensslDate, xmppSubjectAltName } from './pki.ts';
import { describeConflict, parseSsListeners } from './ports.ts';
import { POSH_EXPIRES_SECONDS, poshDocument, poshFingerprint, writePoshFolder } from './posh.ts';
import {
  accountStore,
  prosodyCommand,
  prosodyConfig,
  prosodyEncode,
  prosodyFiles,
  rosterStore,
} from './prosody.ts';
import { DOMAINS, type DomainSpec, labEndpoints, SPARE_ADDRESS } from './topology.ts';

const spec = (name: string): DomainSpec => {
  const d = DOMAINS.find((x) => x.domain === name);
  if (!d) throw new Error(name);
  return d;
};

// A real self-signed P-256 certificate (CN=a.test), and a second one with another key.
const CERT_A = `-----BEGIN CERTIFICATE-----
MIIBdjCCAR2gAwIBAgIUOdIHN0sSOXcl8ZOqHSHwC5ZEXEMwCgYIKoZIzj0EAwIw
ETEPMA0GA1UEAwwGYS50ZXN0MB4XDTI2MTEyNDE3MzcwNloXDTM2MTEyMTE3Mzcw
NlowETEPMA0GA1UEAwwGYS50ZXN0MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE
AfTg2EpCG+6hV2YHHcOFfK9+v3IGCYjk72H7wNMcaqU/fY+OIvi61YF8jHlbBDGU
OfUNa/k8JyXattVrQvXwgKNTMFEwHQYDVR0OBBYEFIjALkOPu3CTtbBHcdSG/2jC
7jA0MB8GA1UdIwQYMBaAFIjALkOPu3CTtbBHcdSG/2jC7jA0MA8GA1UdEwEB/wQF
MAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgXn+sYOKkyEVyO9WMBbMm4O98L9xYuAGM
FPNu2fGdNdACIDmT8JvtTPjIr2Eb2w/oQJPgWCDxgHDoLX1J5hisIHoD
-----END CERTIFICATE-----`;

describe('toLua', () => {
  it('writes strings, numbers, booleans, arrays and tables', () => {
    expect(toLua({ a: [1, 'x'], b: true, 'c-d': { e: false } })).toBe(
      '{ ["a"] = { 1; "x" }; ["b"] = true; ["c-d"] = { ["e"] = false } }',
    );
    expect(toLua([])).toBe('{  }');
  });

  it('escapes quotes, backslashes and bytes outside printable ASCII', () => {
    expect(luaString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(luaString('é\n')).toBe('"\\195\\169\\010"');
  });

  it('refuses values Lua has no literal for, with a clear error', () => {
    expect(() => toLua(Number.NaN)).toThrow(/NaN has no Lua literal/);
    expect(() => toLua(null)).toThrow(/cannot write null/);
    expect(() => toLua(undefined)).toThrow(/cannot write undefined/);
    expect(() => toLua(new Date())).toThrow(/cannot write object/);
    expect(() => toLua({ f: () => 1 })).toThrow(/cannot write function/);
  });
});

describe('Prosody files', () => {
  it("encodes names as Prosody's datamanager does", () => {
    expect(prosodyEncode('good.test')).toBe('good%2etest');
    expect(prosodyEncode('dane.sec.test')).toBe('dane%2esec%2etest');
    expect(prosodyEncode('a_b-c')).toBe('a%5fb%2dc');
  });

  it('writes rosters with metadata, names and groups', () => {
    const text = rosterStore([
      { jid: 'bob@weak.test', name: 'Bob', groups: ['Friends', 'Weak'] },
      { jid: 'carol@good.test', groups: [] },
    ]);
    expect(text).toContain('[false] = { ["version"] = 1; ["pending"] = {} };');
    expect(text).toContain(
      '["bob@weak.test"] = { ["subscription"] = "both"; ["groups"] = { ["Friends"] = true; ["Weak"] = true }; ["name"] = "Bob" };',
    );
    expect(text).toContain('["carol@good.test"] = { ["subscription"] = "both"; ["groups"] = {  } };');
    expect(text.startsWith('return {')).toBe(true);
    expect(accountStore('p"w')).toBe('return { ["password"] = "p\\"w" };\n');
  });

  it('configures good.test with TLS, direct TLS, WebSocket and BOSH', () => {
    const files = prosodyFiles('/s', 'good.test');
    const cfg = prosodyConfig(spec('good.test'), files, {
      certFile: '/c.crt',
      keyFile: '/c.key',
      caFile: '/ca',
    });
    expect(cfg).toContain('interfaces = { "127.0.2.2" }');
    expect(cfg).toContain('c2s_direct_tls_ports = { 5223 }');
    expect(cfg).toContain('s2s_direct_tls_ports = { 5270 }');
    expect(cfg).toContain('https_ports = { 5281 }');
    expect(cfg).toContain('ssl = { ["certificate"] = "/c.crt"; ["key"] = "/c.key"; ["cafile"] = "/ca" }');
    expect(cfg).toContain('c2s_require_encryption = true');
    expect(cfg).toContain('consider_websocket_secure = true');
    expect(cfg).toContain('"websocket"; "bosh"');
    expect(cfg).toContain('["forward"] = { "127.0.2.1@53" }');
    expect(cfg).not.toContain('verify');
    expect(cfg).toContain('pidfile = "/s/prosody/good.test/prosody.pid"');
    expect(cfg.trimEnd().endsWith('VirtualHost "good.test"')).toBe(true);
  });

  it('gives weak.test TLS 1.0+ with every cipher, and plain.test no TLS at all', () => {
    const weak = prosodyConfig(spec('weak.test'), prosodyFiles('/s', 'weak.test'), {
      certFile: '/w.crt',
      keyFile: '/w.key',
      caFile: '/ca',
    });
    expect(weak).toContain('["protocol"] = "tlsv1+"; ["ciphers"] = "ALL:@SECLEVEL=0"');
    expect(weak).toContain('s2s_require_encryption = false');
    const plain = prosodyConfig(spec('plain.test'), prosodyFiles('/s', 'plain.test'), null);
    expect(plain).not.toContain('ssl =');
    expect(plain).not.toContain('"tls"');
    expect(plain).toContain('allow_unencrypted_plain_auth = true');
    expect(plain).toContain('c2s_direct_tls_ports = {  }');
    expect(plain).toContain('https_ports = {  }');
  });

  it('serves POSH for posh.test on 443 with the web certificate, keeping the XMPP one for c2s/s2s', () => {
    const files = prosodyFiles('/s', 'posh.test');
    const cfg = prosodyConfig(spec('posh.test'), files, {
      certFile: '/x.crt',
      keyFile: '/x.key',
      caFile: '/ca',
      web: { certFile: '/w.crt', keyFile: '/w.key' },
    });
    expect(cfg).toContain('interfaces = { "127.0.2.14" }');
    expect(cfg).toContain('https_ports = { 443 }');
    expect(cfg).toContain('https_interfaces = { "127.0.2.14" }');
    expect(cfg).toContain('http_ports = {  }');
    expect(cfg).toContain('ssl = { ["certificate"] = "/x.crt"; ["key"] = "/x.key"; ["cafile"] = "/ca" }');
    expect(cfg).toContain('https_ssl = { ["certificate"] = "/w.crt"; ["key"] = "/w.key" }');
    expect(cfg).toContain('"http_files" }');
    expect(cfg).toContain('http_files_dir = "/s/prosody/posh.test/posh"');
    expect(cfg).toContain('http_paths = { ["files"] = "/.well-known/posh" }');
    expect(cfg).toContain('c2s_require_encryption = true');
    expect(cfg).toContain('s2s_require_encryption = true');
    expect(cfg).not.toContain('websocket');
    expect(files.poshDir).toBe('/s/prosody/posh.test/posh');
  });

  it('refuses a POSH domain without an HTTPS certificate, and leaves others without HTTPS', () => {
    const files = prosodyFiles('/s', 'posh.test');
    expect(() =>
      prosodyConfig(spec('posh.test'), files, { certFile: '/x.crt', keyFile: '/x.key', caFile: '/ca' }),
    ).toThrow('lab: posh.test publishes POSH but has no HTTPS certificate');
    expect(() => prosodyConfig(spec('badposh.test'), files, null)).toThrow(/badposh.test publishes POSH/);
    const dane = prosodyConfig(spec('dane.sec.test'), prosodyFiles('/s', 'dane.sec.test'), {
      certFile: '/d.crt',
      keyFile: '/d.key',
      caFile: '/ca',
    });
    expect(dane).toContain('https_ports = {  }');
    expect(dane).not.toContain('https_ssl');
    expect(dane).not.toContain('http_files');
  });

  it('starts Prosody as its user: runuser, setpriv with only CAP_NET_BIND_SERVICE for 443, or as root', () => {
    expect(prosodyCommand('/c.lua', true, false)).toEqual({
      cmd: 'runuser',
      args: ['-u', 'prosody', '--', 'prosody', '-F', '--config', '/c.lua'],
      wrapper: true,
    });
    const bind = prosodyCommand('/c.lua', true, true);
    expect(bind.cmd).toBe('setpriv');
    expect(bind.args).toEqual(
      expect.arrayContaining(['--reuid=prosody', '--regid=prosody', '--ambient-caps=+net_bind_service']),
    );
    expect(bind.args.slice(-5)).toEqual(['--', 'prosody', '-F', '--config', '/c.lua']);
    expect(bind.wrapper).toBe(false);
    expect(prosodyCommand('/c.lua', false, true)).toEqual({
      cmd: 'prosody',
      args: ['-F', '--config', '/c.lua'],
      wrapper: false,
    });
  });

  it('enables the admin shell, so the s2s link state can be read', () => {
    const cfg = prosodyConfig(spec('good.test'), prosodyFiles('/s', 'good.test'), null);
    expect(cfg).toMatch(/modules_enabled = \{[^}]*"admin_shell"/);
  });

  it('makes tls13.test offer TLS 1.3 only', () => {
    const tls = { certFile: '/c', keyFile: '/k', caFile: '/ca' };
    const cfg = prosodyConfig(spec('tls13.test'), prosodyFiles('/s', 'tls13.test'), tls);
    expect(cfg).toContain('["protocol"] = "tlsv1_3"');
  });

  it('turns on s2s_secure_auth for other.test only', () => {
    const on = DOMAINS.filter((d) => d.s2sSecureAuth).map((d) => d.domain);
    expect(on).toEqual(['other.test']);
  });
});

describe('DNS', () => {
  it('gives XEP-0368 SRV records only where there is direct TLS, none where SRV is off', () => {
    expect(srvRecords(spec('good.test')).map((r) => `${r.name}:${r.port}`)).toEqual([
      '_xmpp-client._tcp.good.test:5222',
      '_xmpp-server._tcp.good.test:5269',
      '_xmpps-client._tcp.good.test:5223',
      '_xmpps-server._tcp.good.test:5270',
    ]);
    expect(srvRecords(spec('weak.test'))).toHaveLength(2);
    expect(srvRecords(spec('plain.test'))).toEqual([]);
  });

  it('lets dnsmasq answer test. itself, send sec.test to nsd, and forward nothing else', () => {
    const cfg = dnsmasqConfig(DOMAINS);
    expect(cfg).toContain('no-resolv\n');
    expect(cfg).toContain('local=/test/\n');
    expect(cfg).toContain('server=/sec.test/127.0.2.7#53\n');
    expect(cfg).toContain('host-record=good.test,127.0.2.2\n');
    expect(cfg).toContain('srv-host=_xmpps-server._tcp.good.test,good.test,5270,0,5\n');
    expect(cfg).toContain('host-record=plain.test,127.0.2.4\n');
    expect(cfg).not.toContain('dane.sec.test');
    expect(cfg.split('\n').filter((l) => l.startsWith('server='))).toHaveLength(1);
  });

  it('gives dead.test an address and SRV records, and nxdomain.test nothing at all', () => {
    const cfg = dnsmasqConfig(DOMAINS);
    expect(cfg).toContain('host-record=dead.test,127.0.2.17\n');
    expect(cfg).toContain('srv-host=_xmpp-server._tcp.dead.test,dead.test,5269,0,5\n');
    expect(cfg).not.toContain('nxdomain.test');
    expect(cfg).toContain('host-record=ejabberd.test,127.0.2.20\n');
    expect(cfg).toContain('host-record=ejabberd2.test,127.0.2.20\n');
  });

  it('puts a matching TLSA for dane.sec.test and another key’s hash for badtlsa.sec.test', () => {
    const other = otherCert();
    const zone = signedZoneText(DOMAINS, { 'dane.sec.test': CERT_A, 'badtlsa.sec.test': CERT_A }, other, 7);
    expect(zone).toContain('@ IN SOA ns.sec.test. hostmaster.sec.test. 7 ');
    expect(zone).toContain(`_5222._tcp.dane.sec.test. IN TLSA 3 1 1 ${tlsa311(CERT_A)}`);
    expect(zone).toContain(`_5269._tcp.badtlsa.sec.test. IN TLSA 3 1 1 ${tlsa311(other)}`);
    expect(tlsa311(other)).not.toBe(tlsa311(CERT_A));
    expect(zone).toContain('_xmpp-server._tcp.dane.sec.test. IN SRV 0 5 5269 dane.sec.test.');
    expect(zone).not.toContain('good.test');
  });

  it('refuses a TLSA domain without a certificate', () => {
    expect(() => signedZoneText(DOMAINS, {}, CERT_A, 1)).toThrow(
      /dane.sec.test has a TLSA record but no certificate/,
    );
  });
});

/** A second real certificate, with another key. */
function otherCert(): string {
  return `-----BEGIN CERTIFICATE-----
MIIBeDCCAR2gAwIBAgIUCL4AV4Hl6kV+UbMom/lFsC1D3JwwCgYIKoZIzj0EAwIw
ETEPMA0GA1UEAwwGYi50ZXN0MB4XDTI2MTEyNDE3MzcwNloXDTM2MTEyMTE3Mzcw
NlowETEPMA0GA1UEAwwGYi50ZXN0MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE
0io8c7Ilmcg325pvVgfRZGVIgjdPjRoQkLHeoEkpTdiDe7Ubm38muSmRitbT5UEd
ml29uh2/YbOg/IJ7TAypzaNTMFEwHQYDVR0OBBYEFMRH2rTK+/VOOEs/GTWpIFGx
TLurMB8GA1UdIwQYMBaAFMRH2rTK+/VOOEs/GTWpIFGxTLurMA8GA1UdEwEB/wQF
MAMBAf8wCgYIKoZIzj0EAwIDSQAwRgIhAMIrfrG7fElIMUm2sQUCAkZkaBorSpK1
Y9Q6nftm7pe5AiEA/zcVLq8Dc8BxwDaw5I4unKdAxHvHAUx8o6v9tCYegtw=
-----END CERTIFICATE-----`;
}

describe('POSH', () => {
  /** The DER bytes of a PEM certificate, decoded here without node:crypto's X509 parser. */
  const der = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');

  it('fingerprints the DER certificate with SHA-256 in base64', () => {
    const expected = createHash('sha256').update(der(CERT_A)).digest('base64');
    expect(poshFingerprint(CERT_A)).toBe(expected);
    expect(poshFingerprint(Buffer.from(CERT_A))).toBe(expected);
    expect(Buffer.from(poshFingerprint(CERT_A), 'base64')).toHaveLength(32);
  });

  it('writes RFC 7711 documents the scanner accepts: matching for match, not for mismatch', () => {
    const other = otherCert();
    const good = poshDocument('match', CERT_A, other);
    expect(JSON.parse(good)).toEqual({
      fingerprints: [{ 'sha-256': poshFingerprint(CERT_A) }],
      expires: POSH_EXPIRES_SECONDS,
    });
    const bad = poshDocument('mismatch', CERT_A, other);
    expect(JSON.parse(bad).fingerprints).toEqual([{ 'sha-256': poshFingerprint(other) }]);
    for (const [text, matches] of [
      [good, true],
      [bad, false],
    ] as const) {
      const parsed = parsePoshDocument(text);
      if (parsed.kind !== 'fingerprints') throw new Error('expected fingerprints');
      const result = { url: 'u', found: true, fingerprints: parsed.fingerprints, matches: null, error: null };
      expect(matchPosh(result, [der(CERT_A)]).matches).toBe(matches);
    }
  });

  it('says clearly when a certificate cannot be read', () => {
    expect(() => poshFingerprint('not a certificate')).toThrow(/^lab: cannot read a certificate for POSH/);
    expect(() => poshDocument('match', '', CERT_A)).toThrow(/cannot read a certificate for POSH/);
  });

  it('replaces the POSH folder with exactly the client and server documents', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'hoplight-posh-')), 'posh');
    try {
      writePoshFolder(dir, 'old');
      writeFileSync(join(dir, 'stale.json'), '{}');
      writePoshFolder(dir, 'new\n');
      expect(readdirSync(dir).sort()).toEqual(['xmpp-client.json', 'xmpp-server.json']);
      expect(readFileSync(join(dir, 'xmpp-server.json'), 'utf8')).toBe('new\n');
      expect(statSync(join(dir, 'xmpp-client.json')).mode & 0o777).toBe(0o644);
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });

  it('gives posh.test and badposh.test their own addresses, SRV records and a POSH trait', () => {
    const cfg = dnsmasqConfig(DOMAINS);
    expect(cfg).toContain('host-record=posh.test,127.0.2.14\n');
    expect(cfg).toContain('host-record=badposh.test,127.0.2.15\n');
    expect(cfg).toContain('srv-host=_xmpp-server._tcp.posh.test,posh.test,5269,0,5\n');
    expect(spec('posh.test').traits).toContain('posh:valid');
    expect(spec('badposh.test').traits).toContain('posh:mismatch');
    expect(DOMAINS.filter((d) => d.posh !== null).every((d) => d.certificate === 'self-signed')).toBe(true);
  });
});

describe('PKI', () => {
  it('names the domain as DNS-ID and both SRV-IDs, without the XmppAddr ejabberd 23.01 crashes on', () => {
    expect(xmppSubjectAltName('good.test')).toBe(
      'DNS:good.test,otherName:1.3.6.1.5.5.7.8.7;IA5STRING:_xmpp-client.good.test,' +
        'otherName:1.3.6.1.5.5.7.8.7;IA5STRING:_xmpp-server.good.test',
    );
  });

  it('writes dates as openssl ca wants them', () => {
    expect(opensslDate(new Date('2025-01-02T03:04:05.678Z'))).toBe('20250102030405Z');
  });
});

describe('ports', () => {
  it('lists every lab endpoint once, inside 127.0.2.0/24, leaving the spare address free', () => {
    const eps = labEndpoints();
    const keys = eps.map((e) => `${e.host}:${e.port}/${e.protocol}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const e of eps) expect(e.host.startsWith('127.0.2.')).toBe(true);
    expect(eps.some((e) => e.host === SPARE_ADDRESS)).toBe(false);
    expect(keys).toContain('127.0.2.6:53/udp');
    expect(keys).toContain('127.0.2.2:5281/tcp');
    expect(keys).not.toContain('127.0.2.4:5281/tcp');
    expect(keys).toContain('127.0.2.14:443/tcp');
    expect(keys).toContain('127.0.2.15:443/tcp');
    expect(keys.filter((k) => k.endsWith(':443/tcp'))).toHaveLength(2);
    // One ejabberd node for both ejabberd domains: its listeners once, HTTPS on 5443, Erlang's port.
    expect(eps.filter((e) => e.host === '127.0.2.20').map((e) => `${e.port} ${e.owner}`)).toEqual([
      '5222 ejabberd',
      '5269 ejabberd',
      '5280 ejabberd',
      '5443 ejabberd',
      '5210 ejabberd',
    ]);
    // Nothing listens for dead.test, on purpose.
    expect(eps.some((e) => e.host === '127.0.2.17')).toBe(false);
  });

  it('reads listeners and their programs out of ss output', () => {
    const ss = [
      'udp   UNCONN 0      0        127.0.2.1:53        0.0.0.0:*    users:(("dnsmasq",pid=999999901,fd=4))',
      'tcp   LISTEN 0      128        0.0.0.0:5222      0.0.0.0:*    users:(("someserver",pid=999999902,fd=7))',
      'tcp   LISTEN 0      128           [::]:5269         [::]:*',
      'garbage',
    ].join('\n');
    const m = parseSsListeners(ss);
    expect(m.get('127.0.2.1:53/udp')).toBe('dnsmasq (pid 999999901)');
    expect(m.get('0.0.0.0:5222/tcp')).toBe('someserver (pid 999999902)');
    expect(m.get('0.0.0.0:5269/tcp')).toBe('another process');
    expect(m.size).toBe(3);
  });

  it('says what is wrong in words', () => {
    const endpoint = { owner: 'unbound', host: '127.0.2.6', port: 53, protocol: 'udp' as const };
    expect(describeConflict({ endpoint, code: 'EACCES', holder: null })).toBe(
      '  127.0.2.6:53/udp needed by unbound: needs root to bind',
    );
    expect(describeConflict({ endpoint, code: 'EADDRINUSE', holder: null })).toBe(
      '  127.0.2.6:53/udp needed by unbound: already in use (holder unknown)',
    );
  });
});
