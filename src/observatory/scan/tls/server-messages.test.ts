import { describe, expect, it } from 'vitest';
import { TlsParseError, uint, vec } from './byte-reader.ts';
import { HRR_RANDOM } from './protocol.ts';
import { parseCertificate, parseServerHello, parseServerKeyExchange } from './server-messages.ts';

const ext = (type: number, data: Buffer) => Buffer.concat([uint(type, 2), vec(2, data)]);

function serverHello(o: {
  version?: number;
  random?: Buffer;
  suite?: number;
  exts?: Buffer[];
  compression?: number;
}) {
  return Buffer.concat([
    uint(o.version ?? 0x0303, 2),
    o.random ?? Buffer.alloc(32, 7),
    vec(1, Buffer.alloc(32, 1)),
    uint(o.suite ?? 0xc02f, 2),
    uint(o.compression ?? 0, 1),
    ...(o.exts ? [vec(2, ...o.exts)] : []),
  ]);
}

describe('parseServerHello', () => {
  it('reads a TLS 1.2 ServerHello with or without extensions', () => {
    expect(parseServerHello(serverHello({}))).toMatchObject({
      version: 0x0303,
      suite: 0xc02f,
      helloRetryRequest: false,
    });
    const withExt = parseServerHello(
      serverHello({ version: 0x0301, suite: 0x2f, exts: [ext(0xff01, Buffer.from([0]))] }),
    );
    expect(withExt).toMatchObject({
      version: 0x0301,
      suite: 0x2f,
      compressionMethod: 0,
      keyShareGroup: null,
    });
  });

  it('takes the version of a TLS 1.3 ServerHello from supported_versions and reads its key share group', () => {
    const hello = parseServerHello(
      serverHello({
        suite: 0x1302,
        exts: [ext(43, uint(0x0304, 2)), ext(51, Buffer.concat([uint(29, 2), vec(2, Buffer.alloc(32))]))],
      }),
    );
    expect(hello).toMatchObject({ legacyVersion: 0x0303, version: 0x0304, suite: 0x1302, keyShareGroup: 29 });
  });

  it('recognises a HelloRetryRequest and its selected group', () => {
    const hrr = parseServerHello(
      serverHello({
        random: HRR_RANDOM,
        suite: 0x1301,
        exts: [ext(43, uint(0x0304, 2)), ext(51, uint(24, 2))],
      }),
    );
    expect(hrr).toMatchObject({ helloRetryRequest: true, keyShareGroup: 24, version: 0x0304 });
  });

  it('names the broken field of a malformed ServerHello', () => {
    const bad = serverHello({});
    bad[34] = 200;
    expect(() => parseServerHello(bad)).toThrow(/session_id of 200 bytes|session_id needs 200 bytes/);
    const stray = Buffer.concat([serverHello({ exts: [] }), Buffer.from([1])]);
    expect(() => parseServerHello(stray)).toThrow(/stray bytes/);
    const badExt = serverHello({ exts: [Buffer.from([0, 43, 0, 9, 3])] });
    expect(() => parseServerHello(badExt)).toThrow(TlsParseError);
    const dup = serverHello({ exts: [ext(43, uint(0x0304, 2)), ext(43, uint(0x0304, 2))] });
    expect(() => parseServerHello(dup)).toThrow(/duplicate extension 43/);
    for (let cut = 0; cut < 38; cut++)
      expect(() => parseServerHello(serverHello({}).subarray(0, cut))).toThrow(TlsParseError);
  });
});

describe('parseServerKeyExchange', () => {
  it('measures the DH prime in bits, ignoring leading zero bytes', () => {
    const p = Buffer.concat([Buffer.from([0, 0x7f]), Buffer.alloc(127, 0xff)]);
    const ske = Buffer.concat([
      vec(2, p),
      vec(2, Buffer.from([2])),
      vec(2, Buffer.alloc(128, 3)),
      Buffer.alloc(20),
    ]);
    expect(parseServerKeyExchange(ske, 'dh')).toEqual({ kind: 'dh', primeBits: 1023 });
  });

  it('reads the named curve of an ECDHE ServerKeyExchange', () => {
    const ske = Buffer.concat([uint(3, 1), uint(23, 2), vec(1, Buffer.alloc(65, 4)), Buffer.alloc(10)]);
    expect(parseServerKeyExchange(ske, 'ecdh')).toEqual({ kind: 'ecdh', group: 23 });
    expect(parseServerKeyExchange(Buffer.from([1, 0]), 'ecdh')).toEqual({ kind: 'ecdh-explicit' });
  });

  it('rejects truncated or empty parameters', () => {
    expect(() => parseServerKeyExchange(Buffer.from([0, 200, 1]), 'dh')).toThrow(/dh_p needs 200 bytes/);
    expect(() => parseServerKeyExchange(Buffer.from([0, 1, 0, 0, 1, 2, 0, 1, 5]), 'dh')).toThrow(
      /empty DH prime/,
    );
    expect(() => parseServerKeyExchange(Buffer.from([9]), 'ecdh')).toThrow(/curve_type 9/);
  });
});

describe('parseCertificate', () => {
  it('lists the DER certificates and checks the nested lengths', () => {
    const body = vec(3, vec(3, Buffer.from([0x30, 1, 2])), vec(3, Buffer.from([0x30, 9])));
    expect(parseCertificate(body).map((c) => [...c])).toEqual([
      [0x30, 1, 2],
      [0x30, 9],
    ]);
    expect(() => parseCertificate(Buffer.from([0, 0, 9, 0, 0, 20, 1]))).toThrow(TlsParseError);
  });
});
