// The observer's IQs (XEP-0199 ping, disco#info, XEP-0092 version) and how to read their answers.
// Pure: builds elements and reads elements.
import xml, { type Element } from '@xmpp/xml';
import type { DiscoIdentity, SoftwareVersion } from '../../../core/observation.ts';

export const NS_PING = 'urn:xmpp:ping';
export const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';
export const NS_VERSION = 'jabber:iq:version';
const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

export type ObserveQuery = 'ping' | 'disco' | 'version';

/** An `iq type='get'` to a bare domain: IQs only, so nothing is ever routed back to the observer. */
export function observeQuery(to: string, query: ObserveQuery): Element {
  const child =
    query === 'ping'
      ? xml('ping', { xmlns: NS_PING })
      : xml('query', { xmlns: query === 'disco' ? NS_DISCO_INFO : NS_VERSION });
  return xml('iq', { type: 'get', to }, child);
}

/** What a stanza error says: its defined condition, its text and which server gave it (`by`). */
export interface StanzaErrorFacts {
  condition: string;
  text: string | null;
  by: string | null;
}

/** Reads an `<error/>` element (RFC 6120 §8.3); null when it names no defined condition. */
export function errorFacts(error: Element): StanzaErrorFacts | null {
  const condition = error
    .getChildElements()
    .find((child) => child.attrs.xmlns === NS_STANZAS && child.name !== 'text');
  if (!condition) return null;
  const text = error.getChildText('text', NS_STANZAS);
  const by = error.attrs.by;
  return {
    condition: condition.name,
    text: text === null || text.trim() === '' ? null : text.trim(),
    by: typeof by === 'string' && by !== '' ? by.toLowerCase() : null,
  };
}

/** disco#info identities of an `iq type='result'`; none when the answer has no query. */
export function identitiesInResult(iq: Element): DiscoIdentity[] {
  const query = iq.getChild('query', NS_DISCO_INFO);
  if (!query) return [];
  return query.getChildren('identity').flatMap((identity): DiscoIdentity[] => {
    const { category, type, name } = identity.attrs;
    if (typeof category !== 'string' || typeof type !== 'string') return [];
    return [{ category, type, name: typeof name === 'string' && name !== '' ? name : null }];
  });
}

/** XEP-0092 name and version of an `iq type='result'`; null when it names no software. */
export function softwareInResult(iq: Element): SoftwareVersion | null {
  const query = iq.getChild('query', NS_VERSION);
  const name = query?.getChildText('name')?.trim();
  if (!name) return null;
  const version = query?.getChildText('version')?.trim();
  return { name, version: version ? version : null };
}
