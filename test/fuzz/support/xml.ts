// Generators of XML as XMPP servers send it: element trees with namespaces, attributes and text of every
// kind, and the tokens XMPP forbids or that stress a parser.
import fc from 'fast-check';
import { oddText } from './mutate.ts';

export const escapeXml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/'/g, '&apos;')
    .replace(/"/g, '&quot;');

const name = fc.oneof(
  fc.constantFrom(
    'features',
    'starttls',
    'required',
    'mechanisms',
    'mechanism',
    'dialback',
    'error',
    'text',
    'x',
  ),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,10}(:[a-z][a-z0-9]{0,6})?$/),
);
const ns = fc.constantFrom(
  'jabber:client',
  'http://jabber.org/protocol/httpbind',
  'urn:ietf:params:xml:ns:xmpp-tls',
  'urn:ietf:params:xml:ns:xmpp-sasl',
  'urn:xmpp:features:dialback',
  'urn:ietf:params:xml:ns:xmpp-streams',
  'http://etherx.jabber.org/streams',
  'jabber:client',
);
export const xmlAttrs = fc
  .array(fc.tuple(fc.stringMatching(/^[a-z][a-z:-]{0,8}$/), oddText), { maxLength: 3 })
  .map((list) => list.map(([k, v]) => ` ${k}='${escapeXml(v)}'`).join(''));

// A random element tree, serialised, sometimes in the stream namespace (features, error).
export const xmlElement: fc.Arbitrary<string> = fc.letrec<{ el: string }>((tie) => ({
  el: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(name, xmlAttrs, oddText).map(([n, a, t]) => `<${n}${a}>${escapeXml(t)}</${n}>`),
    fc
      .tuple(name, fc.option(ns), xmlAttrs, fc.array(tie('el'), { maxLength: 4 }))
      .map(([n, x, a, children]) => `<${n}${x ? ` xmlns='${x}'` : ''}${a}>${children.join('')}</${n}>`),
    fc.tuple(name, xmlAttrs).map(([n, a]) => `<${n}${a}/>`),
    fc.constantFrom(
      "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism><mechanism>SCRAM-SHA-1</mechanism></mechanisms></stream:features>",
      "<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>no</text></stream:error>",
      "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
      '<x><![CDATA[ <not> & markup ]]></x>',
    ),
  ),
})).el;

/** What XMPP forbids or what stresses a reader, to insert anywhere: markup declarations, entities, depth, size. */
export const hostileXmlToken = fc.oneof(
  fc.constantFrom(
    '<!-- c -->',
    '<!DOCTYPE x [<!ENTITY a "b">]>',
    '<!ENTITY a "b">',
    '<?pi x?>',
    "<?xml version='1.0'?>",
    '&unknown;',
    '&#0;',
    '&#xD800;',
    '<![CDATA[',
    ']]>',
    '</stream:stream>',
    '</x>',
    '<',
    '<!',
    '<?',
    '\u0016\u0003\u0001',
    'HTTP/1.1 200 OK\r\n',
    '\uFEFF',
  ),
  fc.integer({ min: 1, max: 40 }).map((n) => '<a>'.repeat(n)),
  fc.integer({ min: 1, max: 5000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 1, max: 200 }).map((n) => `<a ${'b="c" '.repeat(n)}/>`),
);
