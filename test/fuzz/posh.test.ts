// Fuzzing of the POSH document parser (RFC 7711), which reads what any domain serves over HTTPS:
// valid documents with fields replaced by any JSON, mutated as bytes, nested deep, and raw text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PoshResult } from '../../src/core/report.ts';
import { matchPosh, PoshError, parsePoshDocument } from '../../src/observatory/scan/posh.ts';
import { fuzz, onlyTypedErrors } from './support/harness.ts';
import { mutated, oddText } from './support/mutate.ts';

const isPoshError = (err: unknown) => err instanceof PoshError;
const MAX_BODY = 64 * 1024;

const digest = (n: number) =>
  fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Buffer.from(b).toString('base64'));
const anyJson = fc.jsonValue({ maxDepth: 3 });

// Valid documents, each field sometimes replaced by any JSON value or odd text.
const document = fc
  .record({
    kind: fc.constantFrom('fingerprints', 'url'),
    entries: fc.array(
      fc.record(
        {
          'sha-256': fc.oneof({ weight: 4, arbitrary: digest(32) }, anyJson, oddText),
          'sha-512': fc.oneof({ weight: 4, arbitrary: digest(64) }, anyJson, oddText),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 80 },
    ),
    url: fc.oneof(
      fc.webUrl().map((u) => u.replace(/^http:/, 'https:')),
      oddText,
      anyJson,
    ),
    expires: fc.oneof(fc.nat(), fc.double(), anyJson),
    extra: fc.dictionary(oddText, anyJson, { maxKeys: 3 }),
  })
  .map((d) =>
    JSON.stringify({
      ...d.extra,
      expires: d.expires,
      ...(d.kind === 'url' ? { url: d.url } : { fingerprints: d.entries }),
    }),
  );

const deep = fc
  .tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom('[', '{"a":'))
  .map(([n, open]) => open.repeat(n));

const text = fc.oneof(
  { weight: 4, arbitrary: document },
  {
    weight: 3,
    arbitrary: mutated(document.map((d) => new TextEncoder().encode(d))).map((b) =>
      new TextDecoder().decode(b),
    ),
  },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
);

describe('fuzz: POSH documents', () => {
  it('parsePoshDocument: only PoshError; fingerprints decode to their digest size; url is https', () => {
    fuzz('posh.document', text, (t) => {
      const r = onlyTypedErrors(() => parsePoshDocument(t.slice(0, MAX_BODY)), isPoshError);
      if (!r.ok) return;
      const doc = r.value;
      expect(Number.isFinite(doc.expires)).toBe(true);
      if (doc.kind === 'url') {
        expect(doc.url).toMatch(/^https:\/\//i);
        return;
      }
      expect(doc.fingerprints.length).toBeGreaterThan(0);
      expect(doc.fingerprints.length).toBeLessThanOrEqual(128);
      for (const f of doc.fingerprints) {
        expect(Buffer.from(f.value, 'base64').length).toBe(f.algorithm === 'sha-256' ? 32 : 64);
      }
      // What the parser accepts, the matcher reads without error.
      const posh: PoshResult = {
        url: 'https://x/',
        found: true,
        fingerprints: doc.fingerprints,
        matches: null,
        error: null,
      };
      expect(typeof matchPosh(posh, [new Uint8Array([1, 2, 3])]).matches).toBe('boolean');
    });
  });
});
