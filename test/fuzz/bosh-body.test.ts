// Fuzzing of the extension's reading of BOSH response bodies (XEP-0124/0206) from the user's server:
// valid bodies with random stanzas and session attributes, forbidden and deep XML inserted, mutated
// bytes, raw text; and the round trip of payloads through the body we send.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BoshProtocolError,
  NS_HTTPBIND,
  parseBody,
  payloadBody,
  sessionFromBody,
} from '../../src/extension/background/xmpp/bosh-body.ts';
import { fuzz, onlyTypedErrors } from './support/harness.ts';
import { mutated, oddText } from './support/mutate.ts';
import { escapeXml, hostileXmlToken, xmlElement } from './support/xml.ts';

const isBoshError = (err: unknown) => err instanceof BoshProtocolError;

const attrValue = fc.oneof(fc.nat().map(String), fc.constantFrom('-1', '1e3', '', '9'.repeat(30)), oddText);
const sessionAttrs = fc
  .dictionary(
    fc.constantFrom(
      'sid',
      'wait',
      'hold',
      'requests',
      'inactivity',
      'polling',
      'from',
      'authid',
      'xmpp:version',
      'type',
      'condition',
      'xmlns:stream',
      'xmlns:xmpp',
      '__proto__',
      'constructor',
    ),
    attrValue,
    { maxKeys: 8 },
  )
  .map((d) =>
    Object.entries(d)
      .map(([k, v]) => ` ${k}='${escapeXml(v)}'`)
      .join(''),
  );

const validBody = fc
  .tuple(sessionAttrs, fc.array(xmlElement, { maxLength: 5 }))
  .map(([a, children]) => `<body xmlns='${NS_HTTPBIND}'${a}>${children.join('')}</body>`);

const text = fc.oneof(
  { weight: 3, arbitrary: validBody },
  {
    weight: 2,
    arbitrary: fc
      .tuple(validBody, fc.array(fc.tuple(fc.nat(), hostileXmlToken), { minLength: 1, maxLength: 3 }))
      .map(([s, inserts]) =>
        inserts.reduce((out, [at, token]) => {
          const i = at % (out.length + 1);
          return out.slice(0, i) + token + out.slice(i);
        }, s),
      ),
  },
  {
    weight: 2,
    arbitrary: mutated(validBody.map((s) => new TextEncoder().encode(s))).map((b) =>
      new TextDecoder().decode(b),
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 8000 })
      .map((n) => `<body xmlns='${NS_HTTPBIND}' sid='s'>${'<a>'.repeat(n)}${'</a>'.repeat(n)}</body>`),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
);

describe('fuzz: BOSH bodies', () => {
  it('parseBody and sessionFromBody: only BoshProtocolError; session numbers are sane', () => {
    fuzz('bosh.body', text, (t) => {
      const r = onlyTypedErrors(() => parseBody(t), isBoshError);
      if (!r.ok) {
        expect(r.error.message.length, r.error.message).toBeLessThan(400);
        return;
      }
      const body = r.value;
      expect(body.payloads.length).toBeLessThanOrEqual(t.length);
      const session = onlyTypedErrors(() => sessionFromBody(body, 60, 1), isBoshError);
      if (!session.ok) return;
      const s = session.value;
      // Every time fits a setTimeout in milliseconds (larger delays fire at once).
      for (const n of [s.wait, s.requests, s.hold, s.polling, s.inactivity ?? 0]) {
        expect(Number.isSafeInteger(n), String(n)).toBe(true);
        expect(n).toBeGreaterThanOrEqual(0);
        expect(n * 1000).toBeLessThanOrEqual(2 ** 31 - 1);
      }
      expect(s.wait).toBeLessThanOrEqual(60);
      expect(s.requests).toBeGreaterThanOrEqual(1);
    });
  });

  it('payloads read from a body survive being sent in one and read again', () => {
    fuzz('bosh.body.round-trip', validBody, (t) => {
      const r = onlyTypedErrors(() => parseBody(t), isBoshError);
      if (!r.ok) return;
      const again = parseBody(payloadBody({ rid: 1, sid: 's', payloads: r.value.payloads }));
      expect(again.payloads).toEqual(r.value.payloads);
    });
  });
});

// Bodies that once broke the reader, kept as they were found.
describe('regressions: BOSH bodies', () => {
  const body = (inner: string, attrs = " sid='s'") => `<body xmlns='${NS_HTTPBIND}'${attrs}>${inner}</body>`;

  it('5,000 nested elements are refused, not a stack overflow', () => {
    // ltx serialises each payload recursively: RangeError "Maximum call stack size exceeded".
    expect(() => parseBody(body(`${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}`))).toThrow(
      new BoshProtocolError('the BOSH response nests elements deeper than 64 levels'),
    );
  });

  it('a polling interval beyond what setTimeout counts is ignored, not a poll every millisecond', () => {
    // 3,000,000 s is over 2^31 ms: setTimeout fires such a delay at once, and with hold='0' the
    // extension polled the server in a loop. Likewise absurd counts fall back to their defaults.
    const parsed = parseBody(
      body('', " sid='s' hold='0' polling='3000000' requests='999999999999999999999999999999'"),
    );
    const session = sessionFromBody(parsed, 60, 1);
    expect(session.polling).toBe(0);
    expect(session.requests).toBe(1);
  });

  it('an undeclared entity of thousands of characters is quoted clipped in the error', () => {
    expect(() => parseBody(body(`<x a='&${'y'.repeat(3000)};'/>`))).toThrow(
      /^the BOSH response is not well-formed XML \(Illegal XML entity &y{44}…\)$/,
    );
  });
});
