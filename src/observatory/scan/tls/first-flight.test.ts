import { describe, expect, it } from 'vitest';
import { uint, vec } from './byte-reader.ts';
import { describeOutcome, FirstFlightReader, type HelloOutcome } from './first-flight.ts';

const handshake = (type: number, body: Buffer) => Buffer.concat([uint(type, 1), vec(3, body)]);
const records = (type: number, payload: Buffer, size = 16384) => {
  const out: Buffer[] = [];
  for (let i = 0; i < payload.length; i += size) {
    const part = payload.subarray(i, i + size);
    out.push(Buffer.concat([uint(type, 1), uint(0x0303, 2), vec(2, part)]));
  }
  return Buffer.concat(out);
};
const serverHello = (suite: number) =>
  handshake(2, Buffer.concat([uint(0x0303, 2), Buffer.alloc(32, 5), vec(1), uint(suite, 2), uint(0, 1)]));
const dhFlight = (primeBytes: number) =>
  Buffer.concat([
    serverHello(0x33),
    handshake(11, vec(3, vec(3, Buffer.alloc(700, 0x30)))),
    handshake(
      12,
      Buffer.concat([
        vec(2, Buffer.alloc(primeBytes, 0xff)),
        vec(2, Buffer.from([2])),
        vec(2, Buffer.alloc(8)),
      ]),
    ),
    handshake(14, Buffer.alloc(0)),
  ]);
const kx = (suite: number) => (suite === 0x33 ? 'dh' : suite === 0xc02f ? 'ecdh' : null);
const reader = (maxBytes = 65536) => new FirstFlightReader({ maxBytes, keyExchangeFor: kx });

function feed(r: FirstFlightReader, wire: Buffer, step: number): HelloOutcome | null {
  for (let i = 0; i < wire.length; i += step) {
    const out = r.push(wire.subarray(i, i + step));
    if (out) return out;
  }
  return null;
}

describe('FirstFlightReader', () => {
  it('reads ServerHello, Certificate and the DH ServerKeyExchange, whatever the fragmentation', () => {
    for (const [recordSize, step] of [
      [16384, 1],
      [7, 3],
      [100, 1000],
    ] as const) {
      const out = feed(reader(), records(22, dhFlight(128), recordSize), step);
      expect(out?.kind).toBe('server-hello');
      if (out?.kind !== 'server-hello') return;
      expect(out.hello.suite).toBe(0x33);
      expect(out.keyExchange).toEqual({ kind: 'dh', primeBits: 1024 });
      expect(out.certificates?.[0]?.length).toBe(700);
    }
  });

  it('stops right after a ServerHello whose suite has no ServerKeyExchange', () => {
    const out = reader().push(records(22, serverHello(0x2f)));
    expect(out).toMatchObject({ kind: 'server-hello', keyExchange: null });
  });

  it('skips warning alerts but ends on a fatal one', () => {
    const r = reader();
    expect(r.push(Buffer.from([21, 3, 3, 0, 2, 1, 112]))).toBeNull();
    const out = r.push(Buffer.from([21, 3, 3, 0, 2, 2, 40]));
    expect(out).toMatchObject({ kind: 'alert', alert: { level: 2, description: 40 } });
    expect(describeOutcome(out!)).toBe('fatal alert handshake_failure');
  });

  it('bounds the bytes read, for a peer that never stops sending warnings', () => {
    const r = reader(4096);
    const warning = Buffer.from([21, 3, 3, 0, 2, 1, 112]);
    let out: HelloOutcome | null = null;
    for (let i = 0; i < 10_000 && !out; i++) out = r.push(warning);
    expect(out).toMatchObject({ kind: 'error' });
    expect(out?.kind === 'error' && out.message).toMatch(/limit 4096/);
    expect(r.bytesRead).toBeLessThanOrEqual(4096 + warning.length);
  });

  it('turns protocol violations into an error outcome, not an exception', () => {
    expect(reader().push(records(23, Buffer.from([1, 2])))).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/content type 23 before the ServerHello/),
    });
    expect(reader().push(records(22, handshake(11, vec(3))))).toMatchObject({
      message: expect.stringMatching(/expected a ServerHello, got handshake message type 11/),
    });
    const sh = serverHello(0x2f);
    sh[38] = 99;
    expect(reader().push(records(22, sh))).toMatchObject({ kind: 'error' });
    expect(reader().push(Buffer.from('<stream:error/>'))).toMatchObject({
      message: expect.stringMatching(/XML/),
    });
  });

  it('tells a silent close, a close mid-message and a timeout apart', () => {
    expect(reader().end()).toEqual({ kind: 'closed', bytesRead: 0 });
    const r = reader();
    r.push(records(22, serverHello(0x2f)).subarray(0, 20));
    expect(r.end()).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/closed after 20 bytes, in the middle/),
    });
    expect(reader().timeout(250)).toMatchObject({
      kind: 'error',
      message: 'no ServerHello within 250 ms (0 bytes received)',
    });
  });

  it('keeps a ServerHello that arrived even when the rest never does', () => {
    const r = reader();
    expect(r.push(records(22, serverHello(0x33)))).toBeNull();
    expect(r.timeout(100)).toMatchObject({ kind: 'server-hello', keyExchange: null });
  });
});
