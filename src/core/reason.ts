// A reason is why a light is what it is, for a person: one plain sentence first, what they can do
// about it (on every red and yellow reason), the jargon apart, and the domain it is about so a view
// can link to that domain's report. Pure.
import type { Phrase } from './phrase.ts';

export interface Reason {
  /** One plain sentence a non-expert understands. */
  says: Phrase;
  /** One line of what the user can do, chosen by who can fix it. */
  todo?: Phrase;
  /** The expert's words: grades, protocol and suite names, the server's own error text. */
  detail?: Phrase;
  /** The domain the reason is about (its report page on the observatory explains more). */
  about?: string;
}

export function reason(says: Phrase, more: Omit<Reason, 'says'> = {}): Reason {
  const out: Reason = { says };
  if (more.todo) out.todo = more.todo;
  if (more.detail) out.detail = more.detail;
  if (more.about) out.about = more.about;
  return out;
}

/** Two reasons say the same when every part is the same: the key for removing duplicates. */
export function reasonKey(r: Reason): string {
  return JSON.stringify([r.says, r.todo ?? null, r.detail ?? null, r.about ?? null]);
}
