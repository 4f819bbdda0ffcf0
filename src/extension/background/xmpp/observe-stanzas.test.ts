import { parse } from 'ltx';
import { describe, expect, it } from 'vitest';
import { errorFacts, identitiesInResult, observeQuery, softwareInResult } from './observe-stanzas.ts';

const el = (text: string) => parse(text) as never;

describe('observeQuery', () => {
  it('builds IQ gets to the bare domain', () => {
    expect(observeQuery('weak.test', 'ping').toString()).toBe(
      '<iq type="get" to="weak.test"><ping xmlns="urn:xmpp:ping"/></iq>',
    );
    expect(observeQuery('weak.test', 'disco').toString()).toBe(
      '<iq type="get" to="weak.test"><query xmlns="http://jabber.org/protocol/disco#info"/></iq>',
    );
    expect(observeQuery('weak.test', 'version').toString()).toBe(
      '<iq type="get" to="weak.test"><query xmlns="jabber:iq:version"/></iq>',
    );
  });
});

describe('errorFacts', () => {
  it('reads condition, text and by as Prosody sends them', () => {
    expect(
      errorFacts(
        el(
          `<error type="cancel" by="Good.test"><remote-server-not-found xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/><text xmlns="urn:ietf:params:xml:ns:xmpp-stanzas">Server-to-server connection failed: NXDomain in A lookup</text></error>`,
        ),
      ),
    ).toEqual({
      condition: 'remote-server-not-found',
      text: 'Server-to-server connection failed: NXDomain in A lookup',
      by: 'good.test',
    });
  });

  it('gives null text and by when absent, and null without a defined condition', () => {
    expect(
      errorFacts(
        el(`<error type="cancel"><service-unavailable xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error>`),
      ),
    ).toEqual({ condition: 'service-unavailable', text: null, by: null });
    expect(errorFacts(el(`<error type="cancel"><oops xmlns="urn:example"/></error>`))).toBeNull();
  });
});

describe('identitiesInResult and softwareInResult', () => {
  it('reads disco identities, skipping incomplete ones', () => {
    expect(
      identitiesInResult(
        el(
          `<iq type="result"><query xmlns="http://jabber.org/protocol/disco#info"><identity category="server" type="im" name="Prosody"/><identity category="conference" type="text"/><identity type="broken"/><feature var="urn:xmpp:ping"/></query></iq>`,
        ),
      ),
    ).toEqual([
      { category: 'server', type: 'im', name: 'Prosody' },
      { category: 'conference', type: 'text', name: null },
    ]);
    expect(identitiesInResult(el('<iq type="result"/>'))).toEqual([]);
  });

  it('reads XEP-0092 name and version', () => {
    expect(
      softwareInResult(
        el(
          `<iq type="result"><query xmlns="jabber:iq:version"><name>Prosody</name><version>0.12.3</version><os>Linux</os></query></iq>`,
        ),
      ),
    ).toEqual({ name: 'Prosody', version: '0.12.3' });
    expect(
      softwareInResult(
        el(`<iq type="result"><query xmlns="jabber:iq:version"><name>ejabberd</name></query></iq>`),
      ),
    ).toEqual({ name: 'ejabberd', version: null });
    expect(softwareInResult(el(`<iq type="result"><query xmlns="jabber:iq:version"/></iq>`))).toBeNull();
  });
});
