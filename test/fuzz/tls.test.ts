// Fuzzing of the TLS parsers that read a server's bytes: the record and handshake decoders, ServerHello,
// Certificate, ServerKeyExchange, Alert, the whole first flight as a socket delivers it, and the
// ClientHello parser (round trip with its builder).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TlsParseError, uint, vec } from '../../src/observatory/scan/tls/byte-reader.ts';
import { buildClientHello, parseClientHello } from '../../src/observatory/scan/tls/client-hello.ts';
import { FirstFlightReader, type HelloOutcome } from '../../src/observatory/scan/tls/first-flight.ts';
import {
  ExtensionType,
  HRR_RANDOM,
  MAX_RECORD_LENGTH,
  NAMED_GROUPS,
} from '../../src/observatory/scan/tls/protocol.ts';
import { HandshakeDecoder, parseAlert, RecordDecoder } from '../../src/observatory/scan/tls/records.ts';
import {
  parseCertificate,
  parseServerHello,
  parseServerKeyExchange,
} from '../../src/observatory/scan/tls/server-messages.ts';
import { fuzz, onlyTypedErrors } from './support/harness.ts';
import { chunked, hostileBytes } from './support/mutate.ts';

const isTlsError = (err: unknown) => err instanceof TlsParseError;
const bytes = (max: number) => fc.uint8Array({ maxLength: max });
const u16 = fc.integer({ min: 0, max: 0xffff });

const extension = (type: number, body: Uint8Array) => Buffer.concat([uint(type, 2), vec(2, body)]);

// A valid ServerHello body: TLS 1.2-style or 1.3 with supported_versions and key_share, sometimes an HRR.
const serverHelloBody = fc
  .record({
    legacy: fc.constantFrom(0x0300, 0x0301, 0x0302, 0x0303),
    hrr: fc.boolean(),
    random: bytes(32).map((b) => Buffer.concat([b, Buffer.alloc(32 - b.length)])),
    sessionId: bytes(32),
    suite: u16,
    compression: fc.constantFrom(0, 1),
    tls13: fc.boolean(),
    group: u16,
    share: bytes(140),
    extra: fc.array(fc.tuple(u16, bytes(24)), { maxLength: 4 }),
  })
  .map((h) => {
    const exts: Buffer[] = [];
    if (h.tls13) {
      exts.push(extension(ExtensionType.supportedVersions, uint(0x0304, 2)));
      const share = h.hrr ? uint(h.group, 2) : Buffer.concat([uint(h.group, 2), vec(2, h.share)]);
      exts.push(extension(ExtensionType.keyShare, share));
    }
    const used = new Set([ExtensionType.supportedVersions, ExtensionType.keyShare as number]);
    for (const [type, body] of h.extra) {
      if (used.has(type)) continue;
      used.add(type);
      exts.push(extension(type, body));
    }
    return Buffer.concat([
      uint(h.legacy, 2),
      h.hrr ? HRR_RANDOM : h.random,
      vec(1, h.sessionId),
      uint(h.suite, 2),
      uint(h.compression, 1),
      ...(exts.length > 0 || h.tls13 ? [vec(2, ...exts)] : []),
    ]);
  });

const certificateBody = fc
  .array(bytes(300), { maxLength: 5 })
  .map((certs) => vec(3, ...certs.map((c) => vec(3, c))));

const keyExchangeBody = fc.oneof(
  fc
    .tuple(bytes(300), bytes(4), bytes(300))
    .map(([p, g, y]) => Buffer.concat([vec(2, p), vec(2, g), vec(2, y)])),
  fc
    .tuple(fc.constantFrom(1, 2, 3), u16, bytes(133), bytes(80))
    .map(([curveType, group, pub, sig]) =>
      Buffer.concat([uint(curveType, 1), uint(group, 2), vec(1, pub), vec(2, sig)]),
    ),
);

const handshake = (type: number, body: Uint8Array) => Buffer.concat([uint(type, 1), vec(3, body)]);

// A first flight: handshake messages in records of a chosen size, sometimes after a warning alert.
const firstFlight = fc
  .record({
    hello: serverHelloBody,
    cert: certificateBody,
    kx: keyExchangeBody,
    recordSize: fc.integer({ min: 1, max: 2 ** 14 }),
    warning: fc.boolean(),
    tail: fc.constantFrom('done', 'alert', 'ccs', 'none'),
  })
  .map((f) => {
    const messages = Buffer.concat([
      handshake(2, f.hello),
      handshake(11, f.cert),
      handshake(12, f.kx),
      ...(f.tail === 'done' ? [handshake(14, Buffer.alloc(0))] : []),
    ]);
    const out: Buffer[] = [];
    if (f.warning) out.push(Buffer.from([21, 3, 3, 0, 2, 1, 112]));
    for (let i = 0; i < messages.length; i += f.recordSize) {
      out.push(Buffer.concat([uint(22, 1), uint(0x0303, 2), vec(2, messages.subarray(i, i + f.recordSize))]));
    }
    if (f.tail === 'alert') out.push(Buffer.from([21, 3, 3, 0, 2, 2, 40]));
    if (f.tail === 'ccs') out.push(Buffer.from([20, 3, 3, 0, 1, 1]));
    return Uint8Array.from(Buffer.concat(out));
  });

const cuts = fc.array(fc.nat(), { maxLength: 8 });

describe('fuzz: TLS records', () => {
  it('RecordDecoder and HandshakeDecoder: only TlsParseError, never more out than in, bounded buffers', () => {
    fuzz('tls.records', fc.tuple(hostileBytes(firstFlight, 2048), cuts), ([wire, at]) => {
      const records = new RecordDecoder();
      const handshakes = new HandshakeDecoder(64 * 1024);
      let fragmentBytes = 0;
      let messageBytes = 0;
      onlyTypedErrors(() => {
        for (const chunk of chunked(wire, at)) {
          for (const r of records.push(Buffer.from(chunk))) {
            expect(r.fragment.length).toBeLessThanOrEqual(MAX_RECORD_LENGTH);
            fragmentBytes += 5 + r.fragment.length;
            if (r.type !== 22) continue;
            for (const m of handshakes.push(r.fragment)) messageBytes += 4 + m.body.length;
          }
          // A decoder holds at most one incomplete record (header and fragment).
          expect(records.buffered).toBeLessThanOrEqual(5 + MAX_RECORD_LENGTH + chunk.length);
        }
      }, isTlsError);
      expect(fragmentBytes + records.buffered).toBeLessThanOrEqual(wire.length);
      expect(messageBytes).toBeLessThanOrEqual(fragmentBytes);
    });
  });

  it('parseAlert: only TlsParseError', () => {
    fuzz('tls.alert', bytes(4), (b) => {
      const r = onlyTypedErrors(() => parseAlert(b), isTlsError);
      if (r.ok) expect([1, 2]).toContain(r.value.level);
    });
  });
});

describe('fuzz: TLS server messages', () => {
  it('parseServerHello: only TlsParseError; what it reads is in range', () => {
    fuzz('tls.server-hello', hostileBytes(serverHelloBody), (body) => {
      const r = onlyTypedErrors(() => parseServerHello(body), isTlsError);
      if (!r.ok) return;
      expect(r.value.sessionId.length).toBeLessThanOrEqual(32);
      expect(r.value.suite).toBeLessThanOrEqual(0xffff);
      expect(r.value.extensions.size).toBeLessThanOrEqual(body.length / 4);
    });
  });

  it('parseServerHello: a valid message reads back what was written', () => {
    fuzz('tls.server-hello.valid', serverHelloBody, (body) => {
      const hello = parseServerHello(body);
      expect(hello.suite).toBe(body.readUInt16BE(35 + body[34]!));
    });
  });

  it('parseCertificate (TLS message): only TlsParseError, certificates within the message', () => {
    fuzz('tls.certificate-message', hostileBytes(certificateBody), (body) => {
      const r = onlyTypedErrors(() => parseCertificate(body), isTlsError);
      if (!r.ok) return;
      expect(r.value.reduce((n, c) => n + 3 + c.length, 3)).toBeLessThanOrEqual(body.length);
    });
  });

  it('parseServerKeyExchange: only TlsParseError, prime size within the message', () => {
    fuzz(
      'tls.server-key-exchange',
      fc.tuple(hostileBytes(keyExchangeBody), fc.constantFrom('dh', 'ecdh' as const)),
      ([body, kind]) => {
        const r = onlyTypedErrors(() => parseServerKeyExchange(body, kind as 'dh' | 'ecdh'), isTlsError);
        if (r.ok && r.value.kind === 'dh') expect(r.value.primeBits).toBeLessThanOrEqual(body.length * 8);
      },
    );
  });
});

describe('fuzz: TLS first flight', () => {
  const keyExchangeFor = (suite: number) => (suite % 3 === 0 ? 'dh' : suite % 3 === 1 ? 'ecdh' : null);

  it('FirstFlightReader: never throws, always ends with an outcome, reads no more than its limit', () => {
    fuzz(
      'tls.first-flight',
      fc.tuple(hostileBytes(firstFlight, 2048), cuts, fc.integer({ min: 64, max: 64 * 1024 }), fc.boolean()),
      ([wire, at, maxBytes, timeout]) => {
        const reader = new FirstFlightReader({ maxBytes, keyExchangeFor });
        let outcome: HelloOutcome | null = null;
        for (const chunk of chunked(wire, at)) {
          outcome = reader.push(Buffer.from(chunk));
          expect(reader.buffered).toBeLessThanOrEqual(2 * (maxBytes + 5));
          if (outcome) break;
        }
        outcome ??= timeout ? reader.timeout(100) : reader.end();
        expect(['server-hello', 'alert', 'closed', 'error']).toContain(outcome.kind);
        expect(outcome.bytesRead).toBeLessThanOrEqual(wire.length);
        if (outcome.kind === 'error') expect(outcome.message.length).toBeLessThan(400);
        // Once decided, the outcome does not change.
        expect(reader.push(Buffer.from([22]))).toBe(outcome);
        expect(reader.end()).toBe(outcome);
      },
    );
  });
});

describe('fuzz: ClientHello', () => {
  const spec = fc.record({
    version: fc.constantFrom('SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3' as const),
    suites: fc.array(u16, { minLength: 1, maxLength: 200 }),
    serverName: fc.oneof(fc.domain(), fc.constantFrom('127.0.0.1', '::1', '', 'example.org.')),
    groups: fc.subarray(NAMED_GROUPS.map((g) => g.code)),
    keyShare: fc.constantFrom('x25519', 'none' as const),
    compression: fc.boolean(),
  });
  const helloBody = (record: Buffer) => Uint8Array.from(record.subarray(9));

  it('buildClientHello → parseClientHello round-trips suites, groups and the server name', () => {
    fuzz('tls.client-hello.round-trip', spec, (s) => {
      const parsed = parseClientHello(helloBody(buildClientHello(s)));
      const sslv3 = s.version === 'SSLv3';
      expect(parsed.suites.slice(0, s.suites.length)).toEqual(s.suites);
      if (sslv3) return;
      expect(parsed.groups).toEqual(s.groups);
      const name = s.serverName.replace(/\.$/, '');
      const sent = name !== '' && !name.includes(':') && !/^[0-9.]+$/.test(name);
      expect(parsed.serverName).toBe(sent ? name : null);
    });
  });

  it('parseClientHello: only TlsParseError on mutated hellos', () => {
    const valid = spec.map((s) => helloBody(buildClientHello({ ...s, keyShare: 'none' })));
    fuzz('tls.client-hello', hostileBytes(valid), (body) => {
      onlyTypedErrors(() => parseClientHello(body), isTlsError);
    });
  });
});
