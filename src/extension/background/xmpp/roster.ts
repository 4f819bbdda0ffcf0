// The roster (RFC 6121 §2) as plain data, read from a `jabber:iq:roster` result, with roster
// versioning (RFC 6121 §2.6, XEP-0237): a stored version, the server's empty answer when nothing
// changed, and the pushes that change it.
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

export const NS_ROSTER_VERSIONING = 'urn:xmpp:features:rosterver';

/** A roster with the version the server gave it (absent when the server keeps none). */
export interface VersionedRoster {
  version: string | null;
  items: RosterItem[];
}

/** With `version`, asks for the changes since it (RFC 6121 §2.6.2); `''` asks for all with a version. */
export function rosterQuery(version?: string): Element {
  return xml('query', version === undefined ? { xmlns: NS_ROSTER } : { xmlns: NS_ROSTER, ver: version });
}

/** Whether stream features offer roster versioning (`<ver xmlns='urn:xmpp:features:rosterver'/>`). */
export function offersRosterVersioning(features: Element): boolean {
  return features.getChild('ver', NS_ROSTER_VERSIONING) !== undefined;
}

/**
 * A roster get's result: the full roster and its version, or `unchanged` when the server answered a
 * versioned query with an empty result (RFC 6121 §2.6.3: the stored roster holds, pushes may follow).
 */
export function readRosterResult(iq: Element): VersionedRoster | 'unchanged' {
  const query = iq.getChild('query', NS_ROSTER);
  if (!query && iq.children.every((child) => typeof child === 'string')) return 'unchanged';
  const ver = query?.attrs.ver;
  return { version: typeof ver === 'string' ? ver : null, items: parseRoster(query) };
}

/** One roster push: the item's new state (null: removed) and the version it brings. */
export interface RosterPush {
  jid: string;
  item: RosterItem | null;
  version: string | null;
}

/**
 * A roster push (an `iq type='set'` with one item), or null when the stanza is not one or does not come
 * from the user's own account: RFC 6121 §2.1.6 says to ignore pushes from anyone else.
 */
export function readRosterPush(iq: Element, account: string): RosterPush | null {
  if (iq.name !== 'iq' || iq.attrs.type !== 'set') return null;
  const from = iq.attrs.from;
  if (typeof from === 'string' && from !== '') {
    let bare: string;
    try {
      bare = jid(from).bare().toString();
    } catch {
      return null;
    }
    if (bare !== jid(account).bare().toString()) return null;
  }
  const query = iq.getChild('query', NS_ROSTER);
  const items = query?.getChildren('item') ?? [];
  if (!query || items.length !== 1) return null;
  const raw = items[0] as Element;
  const ver = typeof query.attrs.ver === 'string' ? query.attrs.ver : null;
  if (raw.attrs.subscription === 'remove') {
    try {
      return { jid: jid(String(raw.attrs.jid)).bare().toString(), item: null, version: ver };
    } catch {
      return null;
    }
  }
  const [item] = parseRoster(query);
  return item ? { jid: item.jid, item, version: ver } : null;
}

/** Applies pushes in the order received: each replaces, adds or removes its contact. */
export function applyRosterPushes(roster: VersionedRoster, pushes: readonly RosterPush[]): VersionedRoster {
  const items = new Map(roster.items.map((item) => [item.jid, item]));
  let version = roster.version;
  for (const push of pushes) {
    if (push.item) items.set(push.jid, push.item);
    else items.delete(push.jid);
    if (push.version !== null) version = push.version;
  }
  return { version, items: [...items.values()] };
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
