// Bounds-checked reading of TLS structures: every length is checked against what is left, so a bad or
// truncated message becomes a TlsParseError naming the field, never an out-of-range read.

export class TlsParseError extends Error {
  override name = 'TlsParseError';
}

export class ByteReader {
  readonly #buf: Uint8Array;
  #pos = 0;
  readonly #what: string;

  /** `what` names the structure in error messages, e.g. "ServerHello". */
  constructor(buf: Uint8Array, what: string) {
    this.#buf = buf;
    this.#what = what;
  }

  get remaining(): number {
    return this.#buf.length - this.#pos;
  }

  #need(n: number, field: string): void {
    if (n > this.remaining) {
      throw new TlsParseError(`${this.#what}: ${field} needs ${n} bytes but only ${this.remaining} remain`);
    }
  }

  u8(field: string): number {
    this.#need(1, field);
    return this.#buf[this.#pos++]!;
  }

  u16(field: string): number {
    this.#need(2, field);
    const v = (this.#buf[this.#pos]! << 8) | this.#buf[this.#pos + 1]!;
    this.#pos += 2;
    return v;
  }

  u24(field: string): number {
    this.#need(3, field);
    const v = (this.#buf[this.#pos]! << 16) | (this.#buf[this.#pos + 1]! << 8) | this.#buf[this.#pos + 2]!;
    this.#pos += 3;
    return v;
  }

  bytes(n: number, field: string): Uint8Array {
    this.#need(n, field);
    const out = this.#buf.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }

  /** A vector with a length prefix of `lengthBytes` (1, 2 or 3) bytes. */
  vector(lengthBytes: 1 | 2 | 3, field: string): Uint8Array {
    const n = lengthBytes === 1 ? this.u8(field) : lengthBytes === 2 ? this.u16(field) : this.u24(field);
    return this.bytes(n, field);
  }

  /** A sub-reader over a length-prefixed vector. */
  sub(lengthBytes: 1 | 2 | 3, field: string): ByteReader {
    return new ByteReader(this.vector(lengthBytes, field), `${this.#what} ${field}`);
  }

  expectEnd(field: string): void {
    if (this.remaining !== 0)
      throw new TlsParseError(`${this.#what}: ${this.remaining} stray bytes after ${field}`);
  }
}

/** Writes a big-endian unsigned integer of `n` bytes. */
export function uint(value: number, n: 1 | 2 | 3): Buffer {
  const out = Buffer.alloc(n);
  out.writeUIntBE(value, 0, n);
  return out;
}

/** A length-prefixed vector. */
export function vec(lengthBytes: 1 | 2 | 3, ...parts: Uint8Array[]): Buffer {
  const body = Buffer.concat(parts);
  if (body.length >= 2 ** (8 * lengthBytes)) throw new RangeError(`vector of ${body.length} bytes too long`);
  return Buffer.concat([uint(body.length, lengthBytes), body]);
}

/** The optional extensions block that ends a hello: type → data, refusing duplicates (RFC 8446 §4.2). */
export function readExtensions(r: ByteReader, message: string): Map<number, Uint8Array> {
  const extensions = new Map<number, Uint8Array>();
  if (r.remaining > 0) {
    const er = r.sub(2, 'extensions');
    while (er.remaining > 0) {
      const type = er.u16('extension type');
      const data = er.vector(2, `extension ${type}`);
      if (extensions.has(type)) throw new TlsParseError(`${message}: duplicate extension ${type}`);
      extensions.set(type, data);
    }
  }
  r.expectEnd('extensions');
  return extensions;
}
