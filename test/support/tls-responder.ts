// A scripted TLS "server" on 127.0.0.1 speaking raw records, for probing tests: it answers each ClientHello
// with a first flight chosen from its configuration (or misbehaves on purpose) and never completes a handshake.
// It builds its messages itself, apart from the prober's parsers, so that both sides are checked.
import { randomBytes } from 'node:crypto';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { lookupSuite } from '../../src/core/cipher-suites.ts';
import type { TlsVersion } from '../../src/core/report.ts';
import { type ParsedClientHello, parseClientHello } from '../../src/observatory/scan/tls/client-hello.ts';
import { NAMED_GROUPS } from '../../src/observatory/scan/tls/protocol.ts';
import { HandshakeDecoder, RecordDecoder } from '../../src/observatory/scan/tls/records.ts';
import type { Connector } from '../../src/observatory/scan/types.ts';

export type Misbehaviour =
  | { kind: 'silent' }
  | { kind: 'drip'; intervalMs: number }
  | { kind: 'malformed-server-hello' }
  | { kind: 'truncated-server-hello' }
  | { kind: 'close-mid-handshake' }
  | { kind: 'garbage' }
  | { kind: 'endless-records' };

export interface ResponderConfig {
  versions: TlsVersion[];
  /** Accepted suite codes, in the server's preference order. */
  suites: number[];
  /** Whose order decides (default server). */
  preference?: 'server' | 'client';
  compression?: boolean;
  /** Size of the DH prime sent for DHE suites (default 2048). */
  dhBits?: number;
  /** Named groups accepted, in preference order (default x25519, secp256r1). */
  groups?: string[];
  /** Leaf certificate (DER); without one an empty Certificate message is sent. */
  certificate?: Uint8Array;
  /** Largest record fragment written; each record then goes out in its own write (default 16384). */
  fragment?: number;
  misbehaviour?: Misbehaviour;
}

export interface TlsResponder {
  port: number;
  /** Opens a fresh connection to the responder, as the scanner's connectors do. */
  connector: Connector;
  /** Every ClientHello received, in order. */
  hellos: ParsedClientHello[];
  bytesSent: number;
  /** Most connections that were open at once. */
  peakConnections: number;
  close(): Promise<void>;
}

const VERSION: Record<string, number> = {
  SSLv3: 0x0300,
  'TLSv1.0': 0x0301,
  'TLSv1.1': 0x0302,
  'TLSv1.2': 0x0303,
  'TLSv1.3': 0x0304,
};
const HRR_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');

const u8 = (v: number) => Buffer.from([v]);
const u16 = (v: number) => Buffer.from([v >> 8, v & 0xff]);
const u24 = (v: number) => Buffer.from([v >> 16, (v >> 8) & 0xff, v & 0xff]);
const v1 = (b: Uint8Array) => Buffer.concat([u8(b.length), b]);
const v2 = (b: Uint8Array) => Buffer.concat([u16(b.length), b]);
const v3 = (b: Uint8Array) => Buffer.concat([u24(b.length), b]);
const handshake = (type: number, body: Uint8Array) => Buffer.concat([u8(type), v3(body)]);
const ext = (type: number, body: Uint8Array) => Buffer.concat([u16(type), v2(body)]);

function records(type: number, version: number, payload: Buffer, fragment: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < payload.length; i += fragment) {
    const part = payload.subarray(i, i + fragment);
    out.push(Buffer.concat([u8(type), u16(version), u16(part.length), part]));
  }
  return out;
}

const alert = (version: number, description: number) =>
  records(21, version, Buffer.from([2, description]), 5);

/** A random odd number of exactly `bits` bits: looks like a DH prime on the wire. */
function fakePrime(bits: number): Buffer {
  const p = randomBytes(Math.ceil(bits / 8));
  const top = bits % 8 === 0 ? 8 : bits % 8;
  p[0] = (p[0]! & ((1 << top) - 1)) | (1 << (top - 1));
  p[p.length - 1]! |= 1;
  return p;
}

const groupCode = (name: string) => {
  const g = NAMED_GROUPS.find((x) => x.name === name);
  if (!g) throw new Error(`responder: unknown group ${name}`);
  return g;
};

function kxOf(code: number): 'dh' | 'ecdh' | 'other' {
  const s = lookupSuite(code);
  if (!s) return 'other';
  if (s.keyExchange === 'DHE' || (s.keyExchange === 'DH' && s.anonymous)) return 'dh';
  if (s.keyExchange === 'ECDHE' || (s.keyExchange === 'ECDH' && s.anonymous)) return 'ecdh';
  return 'other';
}

interface Answer {
  version: number;
  /** The whole first flight, as records. */
  records: Buffer[];
  /** The ServerHello message alone (for the misbehaviours that break it). */
  serverHello: Buffer;
}

function chooseVersion(config: ResponderConfig, hello: ParsedClientHello): number | null {
  const ours = config.versions.map((v) => VERSION[v]!).filter(Boolean);
  if (hello.supportedVersions?.includes(0x0304) && ours.includes(0x0304)) return 0x0304;
  const legacy = ours.filter((v) => v <= Math.min(hello.legacyVersion, 0x0303));
  return legacy.length > 0 ? Math.max(...legacy) : null;
}

function answer(
  config: ResponderConfig,
  hello: ParsedClientHello,
): Answer | { refuse: number; version: number } {
  const version = chooseVersion(config, hello);
  if (version === null) return { refuse: 70, version: Math.min(hello.legacyVersion, 0x0303) };
  const recordVersion = Math.min(version, 0x0303);
  const groups = (config.groups ?? ['x25519', 'secp256r1']).map(groupCode);
  const common = groups.filter((g) => hello.groups.includes(g.code));
  const commonEc =
    hello.groups.length === 0 ? groups.filter((g) => g.kind === 'ec') : common.filter((g) => g.kind === 'ec');
  const versionName = Object.keys(VERSION).find((k) => VERSION[k] === version) as TlsVersion;
  const usable = (code: number) => {
    const s = lookupSuite(code);
    if (s && !s.versions.includes(versionName)) return false;
    if (!s && version === 0x0304) return false;
    if (version !== 0x0304 && kxOf(code) === 'ecdh' && commonEc.length === 0) return false;
    return true;
  };
  const ordered =
    config.preference === 'client'
      ? hello.suites.filter((c) => config.suites.includes(c))
      : config.suites.filter((c) => hello.suites.includes(c));
  const suite = ordered.find(usable);
  if (suite === undefined) return { refuse: 40, version: recordVersion };
  const fragment = config.fragment ?? 16384;
  const sessionId = randomBytes(32);

  if (version === 0x0304) {
    if (common.length === 0) return { refuse: 40, version: recordVersion };
    const shared = common.find((g) => hello.keyShareGroups.includes(g.code));
    const group = shared ?? common[0]!;
    const keyShare = shared
      ? Buffer.concat([u16(group.code), v2(randomBytes(group.shareLength))])
      : u16(group.code);
    const body = Buffer.concat([
      u16(0x0303),
      shared ? randomBytes(32) : HRR_RANDOM,
      v1(sessionId),
      u16(suite),
      u8(0),
      v2(Buffer.concat([ext(43, u16(0x0304)), ext(51, keyShare)])),
    ]);
    const serverHello = handshake(2, body);
    return {
      version: recordVersion,
      serverHello,
      records: records(22, recordVersion, serverHello, fragment),
    };
  }

  const kx = kxOf(suite);
  const compression = config.compression && hello.compressionMethods.includes(1) ? 1 : 0;
  const exts: Buffer[] = [ext(0xff01, v1(Buffer.alloc(0)))];
  if (kx === 'ecdh') exts.push(ext(11, v1(Buffer.from([0]))));
  const serverHello = handshake(
    2,
    Buffer.concat([
      u16(version),
      randomBytes(32),
      v1(sessionId),
      u16(suite),
      u8(compression),
      v2(Buffer.concat(exts)),
    ]),
  );
  const messages = [serverHello];
  const anonymous = lookupSuite(suite)?.anonymous ?? false;
  if (!anonymous) {
    const chain = config.certificate ? v3(config.certificate) : Buffer.alloc(0);
    messages.push(handshake(11, v3(chain)));
  }
  const signature = anonymous
    ? Buffer.alloc(0)
    : Buffer.concat([version === 0x0303 ? u16(0x0401) : Buffer.alloc(0), v2(randomBytes(256))]);
  if (kx === 'dh') {
    const p = fakePrime(config.dhBits ?? 2048);
    messages.push(handshake(12, Buffer.concat([v2(p), v2(u8(2)), v2(randomBytes(p.length)), signature])));
  } else if (kx === 'ecdh') {
    const group = commonEc[0]!;
    const point = Buffer.concat([u8(4), randomBytes(group.shareLength - 1)]);
    messages.push(handshake(12, Buffer.concat([u8(3), u16(group.code), v1(point), signature])));
  }
  messages.push(handshake(14, Buffer.alloc(0)));
  return { version, serverHello, records: records(22, version, Buffer.concat(messages), fragment) };
}

export async function startTlsResponder(config: ResponderConfig): Promise<TlsResponder> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const state: TlsResponder = {
    port: 0,
    hellos: [],
    bytesSent: 0,
    peakConnections: 0,
    connector: (signal) => connectTo(state.port, signal),
    close: () => {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };

  const send = (socket: Socket, data: Buffer) => {
    if (socket.destroyed) return false;
    state.bytesSent += data.length;
    return socket.write(data);
  };

  const respond = (socket: Socket, hello: ParsedClientHello) => {
    const result = answer(config, hello);
    if ('refuse' in result) {
      for (const r of alert(result.version, result.refuse)) send(socket, r);
      socket.end();
      return;
    }
    const mis = config.misbehaviour;
    const shRecord = Buffer.concat(records(22, Math.min(result.version, 0x0303), result.serverHello, 16384));
    switch (mis?.kind) {
      case undefined:
        for (const r of result.records) send(socket, r);
        return;
      case 'silent':
        return;
      case 'drip': {
        const bytes = Buffer.concat(result.records);
        let i = 0;
        const timer = setInterval(() => {
          if (i >= bytes.length || socket.destroyed) {
            clearInterval(timer);
            timers.delete(timer);
            return;
          }
          send(socket, bytes.subarray(i, ++i));
        }, mis.intervalMs);
        timers.add(timer);
        return;
      }
      case 'malformed-server-hello': {
        // The session_id claims 200 bytes inside a message that has far fewer.
        const body = Buffer.from(result.serverHello.subarray(4));
        body[34] = 200;
        for (const r of records(22, 0x0303, handshake(2, body), 16384)) send(socket, r);
        return;
      }
      case 'truncated-server-hello':
        send(socket, shRecord.subarray(0, Math.floor(shRecord.length / 2)));
        socket.end();
        return;
      case 'close-mid-handshake': {
        // Whole records, but the ServerHello message is cut after its first record.
        const parts = records(22, 0x0303, result.serverHello, Math.ceil(result.serverHello.length / 2));
        send(socket, parts[0]!);
        socket.end();
        return;
      }
      case 'garbage':
        send(socket, Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
        return;
      case 'endless-records': {
        // Warning alerts (unrecognized_name) are legal before a ServerHello, so only a byte bound stops them.
        const batch = Buffer.concat(Array.from({ length: 512 }, () => Buffer.from([21, 3, 3, 0, 2, 1, 112])));
        const pump = () => {
          while (!socket.destroyed && send(socket, batch)) {
            if (state.bytesSent > 64 * 1024 * 1024) return;
          }
        };
        socket.on('drain', pump);
        pump();
        return;
      }
    }
  };

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    state.peakConnections = Math.max(state.peakConnections, sockets.size);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const recordDecoder = new RecordDecoder();
    const handshakeDecoder = new HandshakeDecoder(1 << 16);
    let answered = false;
    socket.on('data', (chunk: Buffer) => {
      if (answered) return;
      try {
        for (const record of recordDecoder.push(chunk)) {
          if (record.type !== 22) throw new Error(`client sent record type ${record.type}`);
          for (const msg of handshakeDecoder.push(record.fragment)) {
            if (msg.type !== 1) throw new Error(`client sent handshake type ${msg.type}`);
            const hello = parseClientHello(msg.body);
            state.hellos.push(hello);
            answered = true;
            respond(socket, hello);
            return;
          }
        }
      } catch {
        answered = true;
        for (const r of alert(0x0303, 50)) send(socket, r);
        socket.end();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  state.port = (server.address() as AddressInfo).port;
  return state;
}

/** A Connector to 127.0.0.1:port that honours the abort signal. */
export function connectTo(port: number, signal?: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, signal });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}
