// What the user can do about a weakness, chosen by who can fix it: their own server's operator, or
// the contact (who can ask theirs, or move). Pure.
import { type Phrase, phrase } from '../phrase.ts';

/** The todo for a weakness of `domain`'s server, seen by a user of `userDomain`. */
export function fixerTodo(domain: string, userDomain: string): Phrase {
  return domain === userDomain
    ? phrase('path_todo_ask_your_operator', domain)
    : phrase('path_todo_tell_contact', domain);
}
