import { parse } from 'ltx';
import { describe, expect, it } from 'vitest';
import {
  BoshProtocolError,
  classifyOutgoing,
  closeFrame,
  createSessionBody,
  initialRid,
  openFrame,
  parseBody,
  payloadBody,
  restartBody,
  sessionFromBody,
  terminateBody,
} from './bosh-body.ts';

describe('request bodies', () => {
  it('session creation carries what XEP-0124 §7.1 and XEP-0206 §5 ask for', () => {
    const body = parse(createSessionBody({ rid: 42, to: 'good.test', lang: 'en', wait: 20, hold: 1 }));
    expect(body.attrs).toEqual({
      content: 'text/xml; charset=utf-8',
      hold: '1',
      rid: '42',
      to: 'good.test',
      ver: '1.11',
      wait: '20',
      'xml:lang': 'en',
      'xmpp:version': '1.0',
      xmlns: 'http://jabber.org/protocol/httpbind',
      'xmlns:xmpp': 'urn:xmpp:xbosh',
    });
  });

  it('escapes attribute values', () => {
    expect(createSessionBody({ rid: 1, to: "a'b<c", wait: 1, hold: 1 })).toContain("to='a&apos;b&lt;c'");
  });

  it('restart, payload and terminate bodies', () => {
    expect(parse(restartBody({ rid: 7, sid: 's', to: 'd' })).attrs).toMatchObject({
      rid: '7',
      sid: 's',
      to: 'd',
      'xmpp:restart': 'true',
    });
    expect(payloadBody({ rid: 8, sid: 's', payloads: [] })).toBe(
      "<body rid='8' sid='s' xmlns='http://jabber.org/protocol/httpbind'/>",
    );
    const full = parse(payloadBody({ rid: 9, sid: 's', payloads: ['<iq id="a"/>', '<message/>'] }));
    expect(full.children.map((c) => (typeof c === 'string' ? c : c.name))).toEqual(['iq', 'message']);
    expect(parse(terminateBody({ rid: 10, sid: 's' })).attrs).toMatchObject({ type: 'terminate', rid: '10' });
  });

  it('first rids are random, positive and leave room under 2^53', () => {
    const rids = Array.from({ length: 50 }, initialRid);
    expect(new Set(rids).size).toBeGreaterThan(45);
    for (const rid of rids) {
      expect(Number.isSafeInteger(rid)).toBe(true);
      expect(rid).toBeGreaterThan(0);
      expect(rid).toBeLessThanOrEqual(2 ** 53 - 1 - 2 ** 32);
    }
  });
});

describe('parseBody', () => {
  it('gives each child the namespaces it relied on', () => {
    const parsed = parseBody(
      "<body xmlns='http://jabber.org/protocol/httpbind' xmlns:stream='http://etherx.jabber.org/streams' sid='x'>" +
        "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>" +
        "<message from='a@b'><body>hi</body></message></body>",
    );
    const [features, message] = parsed.payloads.map((p) => parse(p));
    expect(features?.getNS()).toBe('http://etherx.jabber.org/streams');
    expect(message?.attrs.xmlns).toBe('jabber:client');
    expect(parsed.type).toBeNull();
    expect(parsed.attrs.sid).toBe('x');
  });

  it('keeps an explicit namespace', () => {
    const parsed = parseBody(
      "<body xmlns='http://jabber.org/protocol/httpbind'><success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>dj0x</success></body>",
    );
    expect(parse(parsed.payloads[0] ?? '').attrs.xmlns).toBe('urn:ietf:params:xml:ns:xmpp-sasl');
  });

  it('reads terminate conditions', () => {
    const parsed = parseBody(
      "<body type='terminate' condition='item-not-found' xmlns='http://jabber.org/protocol/httpbind'/>",
    );
    expect(parsed).toMatchObject({ type: 'terminate', condition: 'item-not-found', payloads: [] });
  });

  it.each([
    ['', /not well-formed/],
    ['not xml', /not well-formed/],
    ['<body xmlns="http://jabber.org/protocol/httpbind"><a></body>', /not well-formed/],
    ['<html><body/></html>', /is <html>, not <body/],
    ['<body/>', /not <body xmlns/],
  ])('rejects %j clearly', (text, message) => {
    expect(() => parseBody(text)).toThrow(BoshProtocolError);
    expect(() => parseBody(text)).toThrow(message);
  });
});

describe('sessionFromBody', () => {
  const body = (attrs: string) => parseBody(`<body xmlns='http://jabber.org/protocol/httpbind' ${attrs}/>`);

  it('reads the session parameters', () => {
    expect(
      sessionFromBody(
        body(
          "sid='abc' wait='10' requests='3' hold='2' inactivity='60' polling='5' from='good.test' authid='id1' xmpp:version='1.0' xmlns:xmpp='urn:xmpp:xbosh'",
        ),
        20,
        1,
      ),
    ).toEqual({
      sid: 'abc',
      wait: 10,
      requests: 3,
      hold: 2,
      inactivity: 60,
      polling: 5,
      from: 'good.test',
      streamId: 'id1',
      version: '1.0',
    });
  });

  it('defaults requests to hold + 1 and never waits longer than asked', () => {
    expect(sessionFromBody(body("sid='a' wait='600' hold='1'"), 20, 1)).toMatchObject({
      wait: 20,
      requests: 2,
    });
    expect(sessionFromBody(body("sid='a' requests='junk'"), 20, 1)).toMatchObject({
      wait: 20,
      requests: 2,
      hold: 1,
    });
  });

  it('needs a sid', () => {
    expect(() => sessionFromBody(body(''), 20, 1)).toThrow(/no sid/);
  });
});

describe('framing between xmpp.js and the socket', () => {
  it('tells the stream header and footer from payloads', () => {
    expect(
      classifyOutgoing(
        '<open version="1.0" xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="good.test" xml:lang="en"/>',
      ),
    ).toEqual({ kind: 'open', to: 'good.test', lang: 'en', from: undefined });
    expect(classifyOutgoing('<close xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>')).toEqual({
      kind: 'close',
    });
    expect(classifyOutgoing('<iq type="get"/>')).toEqual({ kind: 'payload', data: '<iq type="get"/>' });
    // An <open/> of another namespace is a payload (e.g. a nonza someone invents).
    expect(classifyOutgoing('<open xmlns="urn:example"/>').kind).toBe('payload');
  });

  it('refuses a stream header without a domain', () => {
    expect(() => classifyOutgoing('<open xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>')).toThrow(
      /no `to` domain/,
    );
  });

  it('builds the frames FramedParser expects', () => {
    expect(parse(openFrame({ from: 'good.test', id: 'sid1', lang: 'en' })).attrs).toEqual({
      from: 'good.test',
      id: 'sid1',
      version: '1.0',
      'xml:lang': 'en',
      xmlns: 'urn:ietf:params:xml:ns:xmpp-framing',
    });
    expect(parse(closeFrame()).name).toBe('close');
  });
});
