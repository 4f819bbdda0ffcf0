// Whether a contact publishes OMEMO devices: PEP items of the legacy (Conversations, Converse) and the
// XEP-0384 v0.8+ device-list nodes. Pure: builds the queries and reads the answers.
import xml, { type Element } from '@xmpp/xml';

export const NS_PUBSUB = 'http://jabber.org/protocol/pubsub';
export const OMEMO_NODES = {
  legacy: {
    node: 'eu.siacs.conversations.axolotl.devicelist',
    list: 'list',
    xmlns: 'eu.siacs.conversations.axolotl',
  },
  v2: { node: 'urn:xmpp:omemo:2:devices', list: 'devices', xmlns: 'urn:xmpp:omemo:2' },
} as const;
export type OmemoNode = keyof typeof OMEMO_NODES;

/** true: devices listed; false: no node or nothing in it; null: could not tell (error, timeout). */
export type OmemoAnswer = boolean | null;

export function deviceListQuery(to: string, node: OmemoNode): Element {
  return xml(
    'iq',
    { type: 'get', to },
    xml('pubsub', { xmlns: NS_PUBSUB }, xml('items', { node: OMEMO_NODES[node].node, max_items: '1' })),
  );
}

/** Reads an `iq type='result'` to a device-list query. */
export function devicesInResult(iq: Element, node: OmemoNode): boolean {
  const { list, xmlns } = OMEMO_NODES[node];
  const items = iq.getChild('pubsub', NS_PUBSUB)?.getChild('items');
  if (!items) return false;
  return items
    .getChildren('item')
    .some((item) =>
      (item.getChild(list, xmlns)?.getChildren('device') ?? []).some((d) => typeof d.attrs.id === 'string'),
    );
}

/**
 * Reads a stanza error condition. `item-not-found` (XEP-0060; ejabberd 23.01 for a missing node or user)
 * means "publishes nothing". Prosody 0.12 says `forbidden` for a missing node, an unknown user *and* a
 * node the asker may not read; ejabberd says `not-authorized` (with `presence-subscription-required`)
 * for the last. PEP's default access model hinges on presence, so a refusal from a contact who does not
 * share presence with the user tells nothing: unknown. Checked against the lab, 2026-12.
 */
export function answerFromError(condition: string, sharesPresence: boolean): OmemoAnswer {
  if (condition === 'item-not-found') return false;
  if (condition === 'forbidden') return sharesPresence ? false : null;
  return null;
}

/** Either node listing a device counts; both definitely empty is false; anything else unknown. */
export function combineAnswers(a: OmemoAnswer, b: OmemoAnswer): OmemoAnswer {
  if (a === true || b === true) return true;
  if (a === false && b === false) return false;
  return null;
}
