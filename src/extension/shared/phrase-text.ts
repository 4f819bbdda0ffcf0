// Phrases in the browser's language: i18n.getMessage looks the message up in the extension's
// `_locales` and fills its $1…$9. A message it lacks (a build without `_locales`, or a unit test
// outside a browser) falls back to the English catalogue, so a reason is never blank.
import type { I18n } from 'webextension-polyfill';
import { ENGLISH } from '../../core/english.ts';
import { catalogueLookup, type Phrase, type PhraseLookup, renderPhrase } from '../../core/phrase.ts';

const english = catalogueLookup(ENGLISH);

type GetMessage = I18n.Static['getMessage'];

// getMessage is synchronous and the same in both browsers, so it is read from the global (Firefox's
// `browser`, Chrome's `chrome`) rather than through the polyfill, whose import throws outside one.
function browserGetMessage(): GetMessage | null {
  const g = globalThis as { browser?: { i18n?: I18n.Static }; chrome?: { i18n?: I18n.Static } };
  const i18n = g.browser?.i18n ?? g.chrome?.i18n;
  return i18n ? (key, substitutions) => i18n.getMessage(key, substitutions) : null;
}

export function phraseLookup(getMessage: GetMessage | null = browserGetMessage()): PhraseLookup {
  return (key, substitutions) =>
    (getMessage ? getMessage(key, substitutions) : '') || english(key, substitutions);
}

let lookup: PhraseLookup | null = null;

export function phraseText(p: Phrase): string {
  lookup ??= phraseLookup();
  return renderPhrase(p, lookup);
}
