import { describe, expect, it } from 'vitest';
import { TlsParseError } from './byte-reader.ts';
import { buildClientHello, parseClientHello } from './client-hello.ts';
import { ExtensionType, RENEGOTIATION_SCSV } from './protocol.ts';

/** Strips the record and handshake headers, checking both. */
function body(record: Buffer): Buffer {
  expect(record[0]).toBe(22);
  expect(record.readUInt16BE(3)).toBe(record.length - 5);
  expect(record[5]).toBe(1);
  expect(record.readUIntBE(6, 3)).toBe(record.length - 9);
  return record.subarray(9);
}

describe('buildClientHello', () => {
  it('writes a TLS 1.2 hello with SNI, groups, signature algorithms and the suites in order', () => {
    const record = buildClientHello({
      version: 'TLSv1.2',
      suites: [0xc02f, 0x000a],
      serverName: 'example.org.',
      groups: [29, 23],
    });
    expect(record.readUInt16BE(1)).toBe(0x0301);
    const hello = parseClientHello(body(record));
    expect(hello.legacyVersion).toBe(0x0303);
    expect(hello.suites).toEqual([0xc02f, 0x000a]);
    expect(hello.serverName).toBe('example.org');
    expect(hello.groups).toEqual([29, 23]);
    expect(hello.compressionMethods).toEqual([0]);
    expect(hello.supportedVersions).toBeNull();
    expect(hello.extensions.has(ExtensionType.signatureAlgorithms)).toBe(true);
    expect(hello.extensions.has(ExtensionType.renegotiationInfo)).toBe(true);
  });

  it('writes a TLS 1.3 hello with supported_versions and a real x25519 share, or none on request', () => {
    const spec = { version: 'TLSv1.3' as const, suites: [0x1301], serverName: 'a.test', groups: [29, 23] };
    const withShare = parseClientHello(body(buildClientHello(spec)));
    expect(withShare.supportedVersions).toEqual([0x0304]);
    expect(withShare.legacyVersion).toBe(0x0303);
    expect(withShare.keyShareGroups).toEqual([29]);
    const ks = withShare.extensions.get(ExtensionType.keyShare)!;
    expect(ks.length).toBe(2 + 2 + 2 + 32);
    const noShare = parseClientHello(body(buildClientHello({ ...spec, keyShare: 'none' })));
    expect(noShare.keyShareGroups).toEqual([]);
  });

  it('writes an SSLv3 hello without extensions, signalling renegotiation with the SCSV', () => {
    const record = buildClientHello({
      version: 'SSLv3',
      suites: [0x0005],
      serverName: 'a.test',
      groups: [23],
    });
    expect(record.readUInt16BE(1)).toBe(0x0300);
    const hello = parseClientHello(body(record));
    expect(hello.legacyVersion).toBe(0x0300);
    expect(hello.suites).toEqual([0x0005, RENEGOTIATION_SCSV]);
    expect(hello.extensions.size).toBe(0);
  });

  it('offers DEFLATE before null for the compression probe and leaves SNI out for IP literals', () => {
    const hello = parseClientHello(
      body(
        buildClientHello({
          version: 'TLSv1.0',
          suites: [0x2f],
          serverName: '127.0.0.1',
          groups: [],
          compression: true,
        }),
      ),
    );
    expect(hello.compressionMethods).toEqual([1, 0]);
    expect(hello.serverName).toBeNull();
    expect(hello.groups).toEqual([]);
  });

  it('pads hellos out of the 256–511 byte range some middleboxes hang on', () => {
    for (let n = 1; n < 200; n += 7) {
      const suites = Array.from({ length: n }, (_, i) => i + 1);
      const record = buildClientHello({ version: 'TLSv1.2', suites, serverName: 'a.test', groups: [29] });
      const size = record.length - 5;
      expect(size < 256 || size >= 512).toBe(true);
    }
  });

  it('offers ALPN names when asked (direct TLS), and none otherwise', () => {
    const spec = { version: 'TLSv1.3' as const, suites: [0x1301], serverName: 'a.test', groups: [29] };
    expect(parseClientHello(body(buildClientHello({ ...spec, alpn: ['xmpp-server'] }))).alpn).toEqual([
      'xmpp-server',
    ]);
    const plain = parseClientHello(body(buildClientHello(spec)));
    expect(plain.alpn).toEqual([]);
    expect(plain.extensions.has(ExtensionType.alpn)).toBe(false);
  });

  it('refuses an empty suite list', () => {
    expect(() => buildClientHello({ version: 'TLSv1.2', suites: [], serverName: 'a', groups: [] })).toThrow(
      RangeError,
    );
  });
});

describe('parseClientHello', () => {
  it('names the field when a ClientHello is cut short', () => {
    const full = body(
      buildClientHello({ version: 'TLSv1.2', suites: [1, 2, 3], serverName: 'a.test', groups: [29] }),
    );
    for (const cut of [0, 1, 20, 36, 40, full.length - 1]) {
      expect(() => parseClientHello(full.subarray(0, cut))).toThrow(TlsParseError);
    }
    expect(() => parseClientHello(full.subarray(0, 34))).toThrow(/ClientHello: session_id/);
    expect(() => parseClientHello(full.subarray(0, 36))).toThrow(/ClientHello: cipher_suites needs 2 bytes/);
  });
});
