// Streaming decoders for the record layer and for handshake messages spread over records. Each keeps at most
// one incomplete unit buffered and checks every header before trusting its length.
import { ByteReader, TlsParseError } from './byte-reader.ts';
import { ContentType, MAX_RECORD_LENGTH } from './protocol.ts';

export interface TlsRecord {
  type: number;
  version: number;
  fragment: Buffer;
}

export interface HandshakeMessage {
  type: number;
  body: Buffer;
}

const RECORD_TYPES = new Set<number>(Object.values(ContentType));

/** Says what a peer that does not speak TLS seems to speak, for the error message. */
export function describeNonTls(head: Buffer): string {
  const text = head.subarray(0, 24).toString('latin1');
  if (text.startsWith('<') || text.startsWith('<?xml')) return 'XML (an XMPP stream, not TLS)';
  if (/^HTTP\/|^[A-Z]+ \//.test(text)) return 'HTTP, not TLS';
  if (/^(\+OK|\* OK|220 )/.test(text)) return 'a plaintext protocol greeting, not TLS';
  if (head[0] !== undefined && (head[0] & 0x80) !== 0) return 'an SSLv2-style or unknown record header';
  return `bytes that are not a TLS record (starting ${head.subarray(0, 8).toString('hex')})`;
}

export class RecordDecoder {
  #buf: Buffer = Buffer.alloc(0);

  /** Bytes held while waiting for the rest of a record. */
  get buffered(): number {
    return this.#buf.length;
  }

  /** Adds bytes from the wire and returns every record they complete. */
  push(chunk: Buffer): TlsRecord[] {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    const out: TlsRecord[] = [];
    while (this.#buf.length >= 5) {
      const type = this.#buf[0]!;
      const version = this.#buf.readUInt16BE(1);
      const length = this.#buf.readUInt16BE(3);
      if (!RECORD_TYPES.has(type) || version >> 8 !== 3 || (version & 0xff) > 4) {
        throw new TlsParseError(`server sent ${describeNonTls(this.#buf)}`);
      }
      if (length > MAX_RECORD_LENGTH) {
        throw new TlsParseError(`record of ${length} bytes exceeds the TLS maximum of ${MAX_RECORD_LENGTH}`);
      }
      if (length === 0 && type !== ContentType.applicationData) {
        throw new TlsParseError(`empty record of content type ${type}`);
      }
      if (this.#buf.length < 5 + length) break;
      out.push({ type, version, fragment: this.#buf.subarray(5, 5 + length) });
      this.#buf = this.#buf.subarray(5 + length);
    }
    return out;
  }
}

export class HandshakeDecoder {
  #buf: Buffer = Buffer.alloc(0);
  readonly #maxMessage: number;

  /** `maxMessage`: largest handshake message body accepted, in bytes. */
  constructor(maxMessage: number) {
    this.#maxMessage = maxMessage;
  }

  get buffered(): number {
    return this.#buf.length;
  }

  /** Adds a handshake record's fragment and returns every message it completes. */
  push(fragment: Buffer): HandshakeMessage[] {
    this.#buf = this.#buf.length === 0 ? fragment : Buffer.concat([this.#buf, fragment]);
    const out: HandshakeMessage[] = [];
    while (this.#buf.length >= 4) {
      const type = this.#buf[0]!;
      const length = this.#buf.readUIntBE(1, 3);
      if (length > this.#maxMessage) {
        throw new TlsParseError(
          `handshake message of type ${type} announces ${length} bytes, over the ${this.#maxMessage}-byte limit`,
        );
      }
      if (this.#buf.length < 4 + length) break;
      out.push({ type, body: this.#buf.subarray(4, 4 + length) });
      this.#buf = this.#buf.subarray(4 + length);
    }
    return out;
  }
}

export interface Alert {
  level: number;
  description: number;
}

export function parseAlert(fragment: Uint8Array): Alert {
  const r = new ByteReader(fragment, 'Alert');
  const level = r.u8('level');
  const description = r.u8('description');
  if (level !== 1 && level !== 2)
    throw new TlsParseError(`Alert: level ${level} is neither warning nor fatal`);
  return { level, description };
}
