// The roster (RFC 6121 §2) as plain data, read from a `jabber:iq:roster` result.
import jid from '@xmpp/jid';
import xml, { type Element } from '@xmpp/xml';

export const NS_ROSTER = 'jabber:iq:roster';

export type Subscription = 'none' | 'to' | 'from' | 'both';

export interface RosterItem {
  /** Bare JID, as xmpp.js normalises it (lower-case local part and domain). */
  jid: string;
  name: string | null;
  subscription: Subscription;
  /** A subscription request we sent is pending (`ask='subscribe'`). */
  pendingOut: boolean;
  /** A set (RFC 6121 §2.1.2.5): sorted, no duplicates. */
  groups: string[];
}

const SUBSCRIPTIONS: readonly string[] = ['none', 'to', 'from', 'both'];

export function rosterQuery(): Element {
  return xml('query', { xmlns: NS_ROSTER });
}

/**
 * Items of a roster result, skipping what cannot be a contact (no or invalid jid, `remove`) and
 * duplicates; throws when `query` is not a roster at all.
 */
export function parseRoster(query: Element | undefined): RosterItem[] {
  if (query?.name !== 'query' || query.attrs.xmlns !== NS_ROSTER) {
    throw new Error(`the roster result is not a <query xmlns='${NS_ROSTER}'/>`);
  }
  const items = new Map<string, RosterItem>();
  for (const item of query.getChildren('item')) {
    const address = item.attrs.jid;
    if (typeof address !== 'string' || address === '' || item.attrs.subscription === 'remove') continue;
    let bare: string;
    try {
      bare = jid(address).bare().toString();
    } catch {
      continue;
    }
    if (items.has(bare)) continue;
    const subscription = SUBSCRIPTIONS.includes(item.attrs.subscription)
      ? (item.attrs.subscription as Subscription)
      : 'none';
    items.set(bare, {
      jid: bare,
      name: typeof item.attrs.name === 'string' && item.attrs.name !== '' ? item.attrs.name : null,
      subscription,
      pendingOut: item.attrs.ask === 'subscribe',
      groups: item
        .getChildren('group')
        .map((group) => group.text())
        .filter((group, i, all) => group !== '' && all.indexOf(group) === i)
        .sort(),
    });
  }
  return [...items.values()];
}
