import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StreamProbeError } from './errors.ts';
import { readFeatures, streamErrorFrom } from './features.ts';
import { stepDeadline, XmppSession } from './session.ts';
import { type StreamEvent, XmppStreamReader } from './xml-reader.ts';

const HEADER =
  "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='a.test' version='1.0'>";

function read(...pieces: string[]): StreamEvent[] {
  const events: StreamEvent[] = [];
  const r = new XmppStreamReader((e) => events.push(e));
  for (const p of pieces) r.write(p);
  return events;
}

function refusal(...pieces: string[]): StreamProbeError {
  try {
    read(...pieces);
  } catch (err) {
    expect(err).toBeInstanceOf(StreamProbeError);
    return err as StreamProbeError;
  }
  throw new Error('expected a refusal');
}

describe('XmppStreamReader', () => {
  it('reads the header and top-level elements with their namespaces', () => {
    const events = read(
      "<?xml version='1.0'?>",
      HEADER,
      "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>",
      "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>",
      ' ',
      '</stream:stream>',
    );
    expect(events.map((e) => e.type)).toEqual(['open', 'element', 'close']);
    const open = events[0] as Extract<StreamEvent, { type: 'open' }>;
    expect(open.attrs.from).toBe('a.test');
    const features = (events[1] as Extract<StreamEvent, { type: 'element' }>).element;
    expect(readFeatures(features)).toEqual({ starttls: 'required', mechanisms: ['PLAIN'], dialback: false });
  });

  it('accepts CDATA and predefined entities; any prefix bound to the streams namespace', () => {
    const events = read(
      "<s:stream xmlns:s='http://etherx.jabber.org/streams' version='1.0'>",
      '<s:error><text>a &amp; b <![CDATA[<x>]]></text></s:error>',
    );
    const el = (events[1] as Extract<StreamEvent, { type: 'element' }>).element;
    expect(el.getChild('text')?.getText()).toBe('a & b <x>');
  });

  it('refuses what XMPP forbids, also when split across pieces', () => {
    expect(refusal('<!DOCTYPE x>').message).toMatch(/DOCTYPE/);
    expect(refusal('<!', 'DOC', 'TYPE x>').message).toMatch(/DOCTYPE/);
    expect(refusal('<', '!ENTITY x "y">').message).toMatch(/entity declaration/);
    expect(refusal(HEADER, '<!-', '- c -->').message).toMatch(/comment/);
    expect(refusal(HEADER, '<?php ?>').message).toMatch(/processing instruction/);
    expect(refusal(HEADER, '<!FOO bar>').message).toMatch(/markup declaration/);
    expect(refusal(HEADER, '<a>&foo;</a>').code).toBe('restricted-xml');
  });

  it('refuses garbage, non-XMPP XML, stray text and mismatched tags', () => {
    expect(refusal('garbage').code).toBe('not-xml');
    expect(refusal('  \n<foo/>').code).toBe('not-xmpp');
    expect(refusal("<stream:stream xmlns:stream='urn:wrong'>").code).toBe('not-xmpp');
    expect(refusal(HEADER, 'hello <a/>').message).toBe('the server sent text outside any element');
    expect(refusal(HEADER, '<a><b></a>').message).toBe('mismatched </a> from the server');
  });

  it('keeps refusing after an error', () => {
    const r = new XmppStreamReader(() => {});
    expect(() => r.write('nope')).toThrow(StreamProbeError);
    expect(() => r.write(HEADER)).toThrow(/non-XML/);
  });

  it('bounds depth and element size', () => {
    const r = new XmppStreamReader(() => {}, { maxDepth: 3, maxElementChars: 1000 });
    r.write(HEADER);
    expect(() => r.write('<a><b><c><d>')).toThrow(/deeper than 3/);
    const s = new XmppStreamReader(() => {}, { maxDepth: 3, maxElementChars: 150 });
    s.write(HEADER);
    s.write('<a>');
    expect(() => s.write('x'.repeat(200))).toThrow(/exceeds 150 characters/);
  });

  it('reads a stream error condition', () => {
    const events = read(
      HEADER,
      "<stream:error><see-other-host xmlns='urn:ietf:params:xml:ns:xmpp-streams'>b.test</see-other-host></stream:error>",
    );
    const err = streamErrorFrom((events[1] as Extract<StreamEvent, { type: 'element' }>).element);
    expect(err.condition).toBe('see-other-host');
  });
});

describe('XmppSession', () => {
  it('decodes UTF-8 split across chunks and leaves bytes after an element unread', async () => {
    const socket = new PassThrough();
    const session = new XmppSession(socket);
    const text = Buffer.from(`${HEADER}<stream:features><x>h\u00e9llo \u{1F600}</x></stream:features>TAIL`);
    const cut = text.indexOf(Buffer.from('\u{1F600}')) + 2;
    socket.write(text.subarray(0, cut));
    socket.write(text.subarray(cut));
    const deadline = stepDeadline('test', 1000);
    expect((await session.next(deadline)).type).toBe('open');
    const e = await session.next(deadline);
    expect(e.type === 'element' && e.element.getChildText('x')).toBe('h\u00e9llo \u{1F600}');
    const raw = session.detach();
    const rest = await new Promise<string>((r) => raw.once('data', (d: Buffer) => r(d.toString())));
    expect(rest).toBe('TAIL');
  });

  it('reports a close only after what arrived before it', async () => {
    const socket = new PassThrough();
    const session = new XmppSession(socket);
    socket.end(`${HEADER}<stream:features/>`);
    const deadline = stepDeadline('test', 1000);
    expect((await session.next(deadline)).type).toBe('open');
    expect((await session.next(deadline)).type).toBe('element');
    await expect(session.next(deadline)).rejects.toMatchObject({ code: 'closed' });
  });
});
