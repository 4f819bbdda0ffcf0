// One round of OMEMO device-list queries for the contacts due: both nodes of a contact leave back to
// back (PubSub asks one node per request), a bounded number of contacts in flight, every stanza paced
// by the caller's byte rate before its own timeout starts.
import StanzaError from '@xmpp/middleware/lib/StanzaError.js';
import type { Element } from '@xmpp/xml';
import { mapWithConcurrency } from './concurrency.ts';
import {
  answerFromError,
  combineAnswers,
  deviceListQuery,
  devicesInResult,
  type OmemoAnswer,
  type OmemoNode,
} from './omemo.ts';

export interface DueContact {
  jid: string;
  domain: string | null;
  /** The roster says the user receives the contact's presence (`to` or `both`). */
  sharesPresence: boolean;
}

export interface OmemoRoundOptions {
  /** Waits until `stanza` may be sent under the byte rate. */
  pace(stanza: Element): Promise<void>;
  /** Sends an IQ, resolves with the result, rejects with a StanzaError for an error answer. */
  request(stanza: Element, timeoutMs: number): Promise<Element>;
  /** Settles when the observer finds the domain's link down: no use waiting for its answers then. */
  linkDown(domain: string): Promise<void>;
  timeoutMs: number;
  /** Contacts in flight at once. */
  concurrency: number;
  onAnswered?(done: number, total: number): void;
}

const NODES: readonly OmemoNode[] = ['legacy', 'v2'];

async function contactAnswer(options: OmemoRoundOptions, contact: DueContact): Promise<OmemoAnswer> {
  const queries = NODES.map((node) => ({ node, stanza: deviceListQuery(contact.jid, node) }));
  for (const { stanza } of queries) await options.pace(stanza);
  const asks = queries.map(async ({ node, stanza }): Promise<OmemoAnswer> => {
    try {
      return devicesInResult(await options.request(stanza, options.timeoutMs), node);
    } catch (error) {
      // A stanza error is the contact's server answering; anything else (timeout, lost link) is unknown.
      return error instanceof StanzaError ? answerFromError(error.condition, contact.sharesPresence) : null;
    }
  });
  const down = contact.domain === null ? new Promise<never>(() => {}) : options.linkDown(contact.domain);
  return Promise.race([
    Promise.all(asks).then(([legacy, v2]) => combineAnswers(legacy ?? null, v2 ?? null)),
    down.then(() => null),
  ]);
}

/** Answers per contact JID, for the contacts given only. */
export async function queryDeviceLists(
  options: OmemoRoundOptions,
  contacts: readonly DueContact[],
): Promise<Map<string, OmemoAnswer>> {
  let done = 0;
  options.onAnswered?.(done, contacts.length);
  const answers = await mapWithConcurrency(contacts, options.concurrency, async (contact) => {
    const answer = await contactAnswer(options, contact);
    done += 1;
    options.onAnswered?.(done, contacts.length);
    return answer;
  });
  return new Map(contacts.map((contact, i) => [contact.jid, answers[i] ?? null]));
}
