// Generators that turn valid messages into hostile ones: truncations, flipped and overwritten bytes
// (which is how length fields lie), inserted and duplicated runs, and raw bytes with no structure at all.
import fc from 'fast-check';

export type Mutation = (input: Uint8Array) => Uint8Array;

const truncate = fc.nat().map(
  (n): Mutation =>
    (b) =>
      b.subarray(0, b.length === 0 ? 0 : n % b.length),
);

const flip = fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(
  ([at, mask]): Mutation =>
    (b) => {
      if (b.length === 0) return b;
      const out = Uint8Array.from(b);
      out[at % out.length]! ^= mask;
      return out;
    },
);

// 0x00 and 0xff runs are what turn a length field into "nothing" or "far too much".
const overwrite = fc
  .tuple(fc.nat(), fc.constantFrom(0x00, 0xff, 0x7f, 0x80), fc.integer({ min: 1, max: 4 }))
  .map(
    ([at, value, run]): Mutation =>
      (b) => {
        if (b.length === 0) return b;
        const out = Uint8Array.from(b);
        const from = at % out.length;
        out.fill(value, from, Math.min(out.length, from + run));
        return out;
      },
  );

const insert = fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 16 })).map(
  ([at, bytes]): Mutation =>
    (b) => {
      const i = b.length === 0 ? 0 : at % (b.length + 1);
      return concat(b.subarray(0, i), bytes, b.subarray(i));
    },
);

const duplicate = fc.tuple(fc.nat(), fc.integer({ min: 1, max: 64 })).map(
  ([at, len]): Mutation =>
    (b) => {
      if (b.length === 0) return b;
      const from = at % b.length;
      const run = b.subarray(from, from + len);
      return concat(b.subarray(0, from), run, run, b.subarray(from));
    },
);

const remove = fc.tuple(fc.nat(), fc.integer({ min: 1, max: 16 })).map(
  ([at, len]): Mutation =>
    (b) => {
      if (b.length === 0) return b;
      const from = at % b.length;
      return concat(b.subarray(0, from), b.subarray(from + len));
    },
);

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Up to four mutations as one function, for messages only known when a query arrives. */
export const mutations: fc.Arbitrary<Mutation> = fc
  .array(fc.oneof(truncate, flip, overwrite, insert, duplicate, remove), { maxLength: 4 })
  .map((ms) => (bytes: Uint8Array) => ms.reduce((b, m) => m(b), bytes));

/** Up to four mutations of a valid message (none at all about one time in five). */
export function mutated(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.tuple(valid, mutations).map(([bytes, mutate]) => mutate(bytes));
}

/** Valid messages mutated, and raw bytes: the two halves of every byte-level target. */
export function hostileBytes(valid: fc.Arbitrary<Uint8Array>, maxRaw = 512): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 4, arbitrary: mutated(valid) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: maxRaw }) },
  );
}

/** Splits bytes into the chunks a socket might deliver them in. */
export function chunked(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % bytes.length)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const c of at) {
    if (c > from) out.push(bytes.subarray(from, c));
    from = Math.max(from, c);
  }
  out.push(bytes.subarray(from));
  return out;
}

/** Strings that stress text parsers: markup and JSON tokens, odd Unicode, prototype keys. */
export const oddText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 32 }),
  fc.string({ unit: 'binary', maxLength: 32 }),
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    '\u0000',
    '\uFEFF',
    '\uD800',
    '\u202E',
    '%d',
    '%25',
    '%',
    '&amp;',
    '&#0;',
    '&#x110000;',
    '&unknown;',
    ']]>',
    '<',
    '>',
    '"',
    "'",
    'xn--',
    'xn--a',
    '\u3002',
    '\uFF0E',
  ),
);
