// Fuzzing of the XMPP stream reader (and the feature and stream-error readers behind it): valid streams
// of random elements, mutated as bytes, laced with what RFC 6120 §11.1 forbids, nested deep, decoded
// from UTF-8 in socket-sized pieces as the probe's session does.
import { StringDecoder } from 'node:string_decoder';
import fc from 'fast-check';
import type { Element } from 'ltx';
import { describe, expect, it } from 'vitest';
import { StreamProbeError } from '../../src/observatory/scan/stream/errors.ts';
import { readFeatures, readHeader, streamErrorFrom } from '../../src/observatory/scan/stream/features.ts';
import { type StreamEvent, XmppStreamReader } from '../../src/observatory/scan/stream/xml-reader.ts';
import { fuzz, onlyTypedErrors } from './support/harness.ts';
import { chunked, concat, mutated } from './support/mutate.ts';
import { hostileXmlToken, xmlAttrs, xmlElement } from './support/xml.ts';

const isStreamError = (err: unknown) => err instanceof StreamProbeError;
const LIMITS = { maxElementChars: 4096, maxDepth: 8 };

const header = fc
  .tuple(fc.boolean(), fc.constantFrom('jabber:client', 'jabber:server'), xmlAttrs)
  .map(
    ([decl, xmlns, a]) =>
      `${decl ? "<?xml version='1.0'?>" : ''}<stream:stream xmlns='${xmlns}' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'${a}>`,
  );

const validStream = fc
  .tuple(header, fc.array(xmlElement, { maxLength: 6 }), fc.boolean())
  .map(([h, els, close]) => `${h}${els.join('\n')}${close ? '</stream:stream>' : ''}`);

const hostileStream = fc.oneof(
  { weight: 2, arbitrary: validStream.map((s) => new TextEncoder().encode(s)) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(validStream, fc.array(fc.tuple(fc.nat(), hostileXmlToken), { minLength: 1, maxLength: 3 }))
      .map(([s, inserts]) => {
        let out = s;
        for (const [at, token] of inserts) {
          const i = at % (out.length + 1);
          out = out.slice(0, i) + token + out.slice(i);
        }
        return new TextEncoder().encode(out);
      }),
  },
  { weight: 3, arbitrary: mutated(validStream.map((s) => new TextEncoder().encode(s))) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(header, fc.uint8Array({ maxLength: 256 }))
      .map(([h, tail]) => concat(new TextEncoder().encode(h), tail)),
  },
);

function size(el: Element): number {
  return el.toString().length;
}

describe('fuzz: XMPP stream reader', () => {
  it('only StreamProbeError; elements within the size and depth limits; an error is final', () => {
    fuzz('xmpp-stream', fc.tuple(hostileStream, fc.array(fc.nat(), { maxLength: 8 })), ([bytes, cuts]) => {
      const events: StreamEvent[] = [];
      const reader = new XmppStreamReader((e) => events.push(e), LIMITS);
      const decoder = new StringDecoder('utf8');
      const r = onlyTypedErrors(() => {
        for (const piece of chunked(bytes, cuts)) reader.write(decoder.write(Buffer.from(piece)));
        reader.write(decoder.end());
      }, isStreamError);
      if (!r.ok) {
        expect(r.error.message.length, r.error.message).toBeLessThan(300);
        // Once refused, the stream stays refused with the same error.
        expect(() => reader.write('<x/>')).toThrow(r.error);
      }
      for (const e of events) {
        if (e.type === 'open') {
          expect(events.indexOf(e)).toBe(0);
          const h = readHeader(e.attrs);
          for (const v of [h.from, h.id, h.version]) expect((v ?? '').length).toBeLessThanOrEqual(1024);
        }
        if (e.type !== 'element') continue;
        // Serialised, an element is at most a few times what it took on the wire (escaping, namespaces).
        expect(size(e.element)).toBeLessThanOrEqual(6 * LIMITS.maxElementChars);
        onlyTypedErrors(() => readFeatures(e.element), isStreamError);
        const err = streamErrorFrom(e.element);
        // A clipped condition and at most 200 characters of text, JSON-escaped.
        expect(err.message.length, err.message).toBeLessThan(1400);
        expect((err.condition ?? '').length).toBeLessThanOrEqual(64);
      }
    });
  });

  it('a valid stream read in any pieces gives the same events as read at once', () => {
    fuzz(
      'xmpp-stream.pieces',
      fc.tuple(validStream, fc.array(fc.nat(), { maxLength: 8 })),
      ([written, cuts]) => {
        // What survives UTF-8 (a lone surrogate becomes U+FFFD), as a socket would deliver it.
        const text = new TextDecoder().decode(new TextEncoder().encode(written));
        const whole: string[] = [];
        const pieces: string[] = [];
        const describe = (e: StreamEvent) => (e.type === 'element' ? e.element.toString() : e.type);
        const a = onlyTypedErrors(() => {
          const reader = new XmppStreamReader((e) => whole.push(describe(e)), LIMITS);
          reader.write(text);
        }, isStreamError);
        const b = onlyTypedErrors(() => {
          const reader = new XmppStreamReader((e) => pieces.push(describe(e)), LIMITS);
          const bytes = new TextEncoder().encode(text);
          const decoder = new StringDecoder('utf8');
          for (const piece of chunked(bytes, cuts)) reader.write(decoder.write(Buffer.from(piece)));
        }, isStreamError);
        expect(b.ok).toBe(a.ok);
        if (a.ok) expect(pieces).toEqual(whole);
      },
    );
  });
});

// Inputs that once broke the reader, kept as they were found.
describe('regressions: XMPP stream reader', () => {
  const HEADER =
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";

  it('an XML declaration split between "?" and ">" still lets the stream header through', () => {
    // ltx ends a processing instruction only when "?>" arrives in one write; it swallowed the header.
    const events: StreamEvent[] = [];
    const reader = new XmppStreamReader((e) => events.push(e));
    reader.write("<?xml version='1.0'?");
    reader.write(`>${HEADER}`);
    expect(events.map((e) => e.type)).toEqual(['open']);
  });

  it('an element name of thousands of characters is quoted clipped in the error', () => {
    // The error text goes into the public report; it quoted the whole name (up to maxElementChars).
    const reader = new XmppStreamReader(() => {});
    expect(() => reader.write(`<${'x'.repeat(5000)} a='b'>`)).toThrow(StreamProbeError);
    expect(() => reader.write('')).toThrow(/^the server opened <x{64}…> instead of an XMPP stream$/);
  });

  it('a stream error condition of thousands of characters is clipped', () => {
    const name = 'c'.repeat(3000);
    const events: StreamEvent[] = [];
    const reader = new XmppStreamReader((e) => events.push(e));
    reader.write(
      `${HEADER}<stream:error><${name} xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>`,
    );
    const error = events.find((e) => e.type === 'element');
    if (error?.type !== 'element') throw new Error('no element read');
    expect(streamErrorFrom(error.element).condition).toBe('c'.repeat(64));
  });

  it('an undeclared entity of thousands of characters is quoted clipped in the error', () => {
    // ltx's message quotes everything between "&" and ";".
    const reader = new XmppStreamReader(() => {});
    expect(() => reader.write(`${HEADER}<x a='&${'y'.repeat(3000)};'/>`)).toThrow(
      /^invalid XML from the server: Illegal XML entity &y{44}…$/,
    );
  });
});
