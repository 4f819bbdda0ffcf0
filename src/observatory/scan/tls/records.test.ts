import { describe, expect, it } from 'vitest';
import { TlsParseError } from './byte-reader.ts';
import { HandshakeDecoder, parseAlert, RecordDecoder } from './records.ts';

const record = (type: number, payload: number[] | Buffer) =>
  Buffer.concat([
    Buffer.from([type, 3, 3, payload.length >> 8, payload.length & 0xff]),
    Buffer.from(payload),
  ]);

describe('RecordDecoder', () => {
  it('reassembles records fed one byte at a time', () => {
    const wire = Buffer.concat([record(22, [1, 2, 3]), record(21, [2, 40])]);
    const decoder = new RecordDecoder();
    const out = [];
    for (const byte of wire) out.push(...decoder.push(Buffer.from([byte])));
    expect(out.map((r) => [r.type, [...r.fragment]])).toEqual([
      [22, [1, 2, 3]],
      [21, [2, 40]],
    ]);
    expect(decoder.buffered).toBe(0);
  });

  it('says what a non-TLS peer sent', () => {
    expect(() => new RecordDecoder().push(Buffer.from("<?xml version='1.0'?><stream:stream"))).toThrow(/XML/);
    expect(() => new RecordDecoder().push(Buffer.from('HTTP/1.1 400 Bad Request\r\n'))).toThrow(/HTTP/);
    expect(() => new RecordDecoder().push(Buffer.from([0x16, 0x02, 0x00, 0, 1, 0]))).toThrow(TlsParseError);
  });

  it('rejects records longer than TLS allows before buffering them', () => {
    const decoder = new RecordDecoder();
    expect(() => decoder.push(Buffer.from([22, 3, 3, 0xff, 0xff]))).toThrow(/exceeds the TLS maximum/);
  });

  it('rejects empty handshake records', () => {
    expect(() => new RecordDecoder().push(Buffer.from([22, 3, 3, 0, 0]))).toThrow(/empty record/);
  });
});

describe('HandshakeDecoder', () => {
  it('joins a message split over fragments and splits several in one', () => {
    const decoder = new HandshakeDecoder(1000);
    expect(decoder.push(Buffer.from([2, 0, 0, 3, 9]))).toEqual([]);
    const out = decoder.push(Buffer.from([8, 7, 14, 0, 0, 0]));
    expect(out.map((m) => [m.type, [...m.body]])).toEqual([
      [2, [9, 8, 7]],
      [14, []],
    ]);
  });

  it('refuses a message announcing more than the limit, without waiting for it', () => {
    expect(() => new HandshakeDecoder(100).push(Buffer.from([11, 0, 1, 0]))).toThrow(
      /256 bytes, over the 100-byte limit/,
    );
  });
});

describe('parseAlert', () => {
  it('reads level and description, and rejects bad ones', () => {
    expect(parseAlert(Buffer.from([2, 40]))).toEqual({ level: 2, description: 40 });
    expect(() => parseAlert(Buffer.from([7, 40]))).toThrow(/level 7/);
    expect(() => parseAlert(Buffer.from([2]))).toThrow(/description needs 1 bytes/);
  });
});
