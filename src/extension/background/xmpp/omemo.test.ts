import { parse } from 'ltx';
import { describe, expect, it } from 'vitest';
import { answerFromError, combineAnswers, deviceListQuery, devicesInResult } from './omemo.ts';

describe('device-list queries', () => {
  it('asks PEP for the newest item of each node', () => {
    const legacy = deviceListQuery('bob@good.test', 'legacy');
    expect(legacy.attrs).toMatchObject({ type: 'get', to: 'bob@good.test' });
    expect(legacy.getChild('pubsub', 'http://jabber.org/protocol/pubsub')?.getChild('items')?.attrs).toEqual({
      node: 'eu.siacs.conversations.axolotl.devicelist',
      max_items: '1',
    });
    expect(deviceListQuery('b@c', 'v2').getChild('pubsub')?.getChild('items')?.attrs.node).toBe(
      'urn:xmpp:omemo:2:devices',
    );
  });
});

describe('reading answers', () => {
  const result = (inner: string) =>
    parse(`<iq type='result'><pubsub xmlns='http://jabber.org/protocol/pubsub'>${inner}</pubsub></iq>`);

  it('a legacy list with a device is true', () => {
    const iq = result(
      "<items node='eu.siacs.conversations.axolotl.devicelist'><item id='current'><list xmlns='eu.siacs.conversations.axolotl'><device id='1'/></list></item></items>",
    );
    expect(devicesInResult(iq, 'legacy')).toBe(true);
  });

  it('an OMEMO 2 list with a device is true', () => {
    const iq = result(
      "<items node='urn:xmpp:omemo:2:devices'><item id='current'><devices xmlns='urn:xmpp:omemo:2'><device id='7' label='x'/></devices></item></items>",
    );
    expect(devicesInResult(iq, 'v2')).toBe(true);
    // The other node's payload does not count for this one.
    expect(devicesInResult(iq, 'legacy')).toBe(false);
  });

  it('an empty list, an empty node or no pubsub at all is false', () => {
    expect(
      devicesInResult(
        result("<items node='n'><item><list xmlns='eu.siacs.conversations.axolotl'/></item></items>"),
        'legacy',
      ),
    ).toBe(false);
    expect(devicesInResult(result("<items node='n'/>"), 'legacy')).toBe(false);
    expect(devicesInResult(parse("<iq type='result'/>"), 'v2')).toBe(false);
  });

  it('a missing node means none; a refusal means none only from a contact who shares presence', () => {
    expect(answerFromError('item-not-found', false)).toBe(false);
    expect(answerFromError('item-not-found', true)).toBe(false);
    // Prosody's answer for a missing node, but also for a node the user may not read.
    expect(answerFromError('forbidden', true)).toBe(false);
    expect(answerFromError('forbidden', false)).toBeNull();
    // ejabberd's refusal of a presence-model node: says nothing about the node.
    expect(answerFromError('not-authorized', true)).toBeNull();
    expect(answerFromError('not-authorized', false)).toBeNull();
    expect(answerFromError('subscription-required', false)).toBeNull();
    expect(answerFromError('remote-server-not-found', true)).toBeNull();
    expect(answerFromError('service-unavailable', true)).toBeNull();
  });

  it('combines the two nodes', () => {
    expect(combineAnswers(true, null)).toBe(true);
    expect(combineAnswers(false, true)).toBe(true);
    expect(combineAnswers(false, false)).toBe(false);
    expect(combineAnswers(false, null)).toBeNull();
    expect(combineAnswers(null, null)).toBeNull();
  });
});
