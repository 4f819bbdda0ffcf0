// Pure parts of the lab: Lua output, Prosody storage names, generated configs and zone, ss parsing.
import { describe, expect, it } from 'vitest';
import { dnsmasqConfig, signedZoneText, srvRecords, tlsa311 } from './dns.ts';
import { luaString, toLua } from './lua.ts';
import { opensslDate, xmppSubjectAltName } from './pki.ts';
import { describeConflict, parseSsListeners } from './ports.ts';
import { accountStore, prosodyConfig, prosodyEncode, prosodyFiles, rosterStore } from './prosody.ts';
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

describe('PKI', () => {
  it('names the domain as DNS-ID, both SRV-IDs and an XmppAddr', () => {
    expect(xmppSubjectAltName('good.test')).toBe(
      'DNS:good.test,otherName:1.3.6.1.5.5.7.8.7;IA5STRING:_xmpp-client.good.test,' +
        'otherName:1.3.6.1.5.5.7.8.7;IA5STRING:_xmpp-server.good.test,otherName:1.3.6.1.5.5.7.8.5;UTF8:good.test',
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
