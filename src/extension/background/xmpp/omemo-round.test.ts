import StanzaError from '@xmpp/middleware/lib/StanzaError.js';
import xml, { type Element } from '@xmpp/xml';
import { describe, expect, it } from 'vitest';
import { queryDeviceLists } from './omemo-round.ts';

const node = (stanza: Element) => stanza.getChild('pubsub')?.getChild('items')?.attrs.node as string;

/** Answers as a server would, after the test lets it: records the order of paces, sends and answers. */
function server(answer: (to: string, node: string) => Element | StanzaError) {
  const events: string[] = [];
  const pending: (() => void)[] = [];
  return {
    events,
    release: () => {
      for (const go of pending.splice(0)) go();
    },
    pace: async (stanza: Element) => {
      events.push(`pace ${stanza.attrs.to} ${node(stanza)}`);
    },
    request: (stanza: Element) =>
      new Promise<Element>((resolve, reject) => {
        events.push(`send ${stanza.attrs.to} ${node(stanza)}`);
        pending.push(() => {
          const reply = answer(stanza.attrs.to, node(stanza));
          if (reply instanceof StanzaError) reject(reply);
          else resolve(reply);
        });
      }),
  };
}

/** A real error answer, read the way xmpp.js reads it. */
const stanzaError = (condition: string) =>
  StanzaError.fromElement(
    xml('error', { type: 'auth' }, xml(condition, { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' })) as never,
  );

const empty = () =>
  xml('iq', { type: 'result' }, xml('pubsub', { xmlns: 'http://jabber.org/protocol/pubsub' }));

describe('queryDeviceLists', () => {
  it('paces then sends both nodes of a contact before any answer comes back', async () => {
    const s = server(() => stanzaError('item-not-found'));
    const round = queryDeviceLists(
      { ...s, linkDown: () => new Promise(() => {}), timeoutMs: 1000, concurrency: 1 },
      [{ jid: 'a@x', domain: 'x', sharesPresence: false }],
    );
    await new Promise((r) => setTimeout(r, 0));
    expect(s.events).toEqual([
      'pace a@x eu.siacs.conversations.axolotl.devicelist',
      'pace a@x urn:xmpp:omemo:2:devices',
      'send a@x eu.siacs.conversations.axolotl.devicelist',
      'send a@x urn:xmpp:omemo:2:devices',
    ]);
    s.release();
    expect(Object.fromEntries(await round)).toEqual({ 'a@x': false });
  });

  it('reads a refusal by whether the contact shares presence', async () => {
    const s = server(() => stanzaError('forbidden'));
    const round = queryDeviceLists(
      { ...s, linkDown: () => new Promise(() => {}), timeoutMs: 1000, concurrency: 4 },
      [
        { jid: 'friend@x', domain: 'x', sharesPresence: true },
        { jid: 'stranger@x', domain: 'x', sharesPresence: false },
      ],
    );
    await new Promise((r) => setTimeout(r, 0));
    s.release();
    expect(Object.fromEntries(await round)).toEqual({ 'friend@x': false, 'stranger@x': null });
  });

  it('stops waiting for a contact whose domain the observer finds down: unknown', async () => {
    const s = server(empty);
    let down = () => {};
    const round = queryDeviceLists(
      {
        ...s,
        linkDown: () =>
          new Promise<void>((r) => {
            down = r;
          }),
        timeoutMs: 1000,
        concurrency: 1,
      },
      [{ jid: 'a@dead.test', domain: 'dead.test', sharesPresence: true }],
    );
    await new Promise((r) => setTimeout(r, 0));
    down();
    expect(Object.fromEntries(await round)).toEqual({ 'a@dead.test': null });
  });
});
