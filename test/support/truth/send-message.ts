// Sends one real chat message between two logged-in lab users and waits, bounded, for its fate:
// delivered to the receiver's session, or the error bounced to the sender.
import { randomUUID } from 'node:crypto';
import type { Element } from 'ltx';
import { stanzaError, type XmppSession } from '../xmpp.ts';
import type { Fate } from './types.ts';

/** `receiver` is null for names with no server: only a bounce can come back. */
export async function sendAndObserve(
  sender: XmppSession,
  receiver: XmppSession | null,
  to: string,
  waitMs: number,
): Promise<Fate> {
  const body = `truth ${sender.jid} → ${to} ${randomUUID()}`;
  const sentAt = performance.now();
  const ms = () => Math.round(performance.now() - sentAt);
  const id = await sender.sendMessage(to, body);
  const delivered = receiver
    ? receiver
        .waitFor((el) => el.name === 'message' && el.getChildText('body') === body, `message ${id}`, waitMs)
        .then((): Fate => ({ kind: 'delivered', ms: ms() }))
    : null;
  const bounced = sender
    .waitFor((el) => el.attrs.type === 'error' && el.attrs.id === id, `error for ${id}`, waitMs)
    .then((el: Element): Fate => {
      const e = stanzaError(el);
      const by = (el.getChild('error')?.attrs.by as string | undefined) ?? null;
      return {
        kind: 'bounced',
        condition: e?.condition ?? 'undefined-condition',
        text: e?.text ?? null,
        by,
        ms: ms(),
      };
    });
  const lost: Fate = { kind: 'lost', waitedMs: waitMs };
  // Each wait rejects at its own deadline; the first fate wins, and "lost" when both run out.
  return Promise.any([...(delivered ? [delivered] : []), bounced]).catch(() => lost);
}
