// Fuzzing of the domain normaliser every API route, page and the extension runs on what people and
// strangers type: real names changed (case, dots, IDN, full-width forms, A-labels, numbers, ports,
// lengths), odd text and values that are not strings; and of the JID parser built on it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeDomain, parseJid } from '../../src/core/domain.ts';
import { parseDomainOrThrow } from '../../src/observatory/api/parse-domain.ts';
import { ApiError } from '../../src/observatory/http/errors.ts';
import { fuzz, onlyTypedErrors } from './support/harness.ts';
import { oddText } from './support/mutate.ts';

const LDH = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

const change = fc.constantFrom(
  (d: string) => d.toUpperCase(),
  (d: string) => `${d}.`,
  (d: string) => `.${d}`,
  (d: string) => d.replaceAll('.', '\u3002'),
  (d: string) => d.replaceAll('.', '\uFF0E'),
  (d: string) => d.replaceAll('.', '..'),
  (d: string) => `xn--${d}`,
  (d: string) => `bücher.${d}`,
  (d: string) => `\u0130${d}`,
  (d: string) => `${d}:5222`,
  (d: string) => `[${d}]`,
  (d: string) => ` ${d}\t`,
  (d: string) => `${'a'.repeat(64)}.${d}`,
  (d: string) => `${d}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}`,
  (d: string) => `${d}.123`,
  (d: string) => `0x7f.${d}`,
  (d: string) => d.normalize('NFD'),
  (d: string) => `${d}\u200d`,
  (d: string) => `${d}\u00ad`,
);

const domainText = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.domain(), fc.array(change, { maxLength: 3 }))
      .map(([d, cs]) => cs.reduce((x, c) => c(x), d)),
  },
  { weight: 1, arbitrary: fc.domain() },
  { weight: 1, arbitrary: fc.ipV4() },
  { weight: 1, arbitrary: fc.ipV6() },
  { weight: 1, arbitrary: fc.array(oddText, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.')) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 80 }) },
);

const input = fc.oneof({ weight: 9, arbitrary: domainText }, { weight: 1, arbitrary: fc.anything() });

describe('fuzz: domain normaliser', () => {
  it('normalizeDomain: never throws; a result is an idempotent LDH name of at least two labels', () => {
    fuzz('domain.normalize', input, (value) => {
      const r = normalizeDomain(value);
      if (!r.ok) {
        // The message quotes the input: it grows with it, never beyond it plus a sentence.
        const quoted = typeof value === 'string' ? value.length : 0;
        expect(r.error.length).toBeLessThanOrEqual(quoted + 200);
        return;
      }
      const labels = r.domain.split('.');
      expect(labels.length).toBeGreaterThanOrEqual(2);
      for (const label of labels) {
        expect(label, r.domain).toMatch(LDH);
        expect(label.length).toBeLessThanOrEqual(63);
      }
      expect(r.domain.length).toBeLessThanOrEqual(253);
      expect(normalizeDomain(r.domain)).toEqual(r);
    });
  });

  it('parseDomainOrThrow: the domain or an ApiError 400', () => {
    fuzz('domain.api', domainText, (text) => {
      const r = onlyTypedErrors(
        () => parseDomainOrThrow(text),
        (err) => err instanceof ApiError,
      );
      if (!r.ok) {
        expect((r.error as ApiError).statusCode).toBe(400);
        expect((r.error as ApiError).code).toBe('invalid_domain');
      } else expect(parseDomainOrThrow(r.value)).toBe(r.value);
    });
  });

  it('parseJid: never throws; the bare and full JID are made of the parts', () => {
    const jid = fc.oneof(
      fc
        .tuple(fc.option(oddText, { nil: null }), domainText, fc.option(oddText, { nil: null }))
        .map(
          ([local, domain, resource]) =>
            `${local === null ? '' : `${local}@`}${domain}${resource === null ? '' : `/${resource}`}`,
        ),
      fc.anything(),
    );
    fuzz('domain.jid', jid, (value) => {
      const r = parseJid(value);
      if (!r.ok) return;
      const { local, domain, resource, bare, full } = r.jid;
      expect(bare).toBe(local === null ? domain : `${local}@${domain}`);
      expect(full).toBe(resource === null ? bare : `${bare}/${resource}`);
      expect(normalizeDomain(domain)).toEqual({ ok: true, domain });
      const again = parseJid(full);
      expect(again.ok).toBe(true);
      if (again.ok) expect(again.jid.full).toBe(full);
    });
  });
});
