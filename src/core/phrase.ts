// A phrase is words not yet put into a language: a message name from the catalogues
// (src/core/phrases/*.json, Chrome's messages.json format) and the values for its $1…$9. The path
// model speaks in phrases; the extension renders them with browser.i18n, the observatory with the
// English catalogue. Pure.

export interface Phrase {
  /** A message name valid in Chrome's and Firefox's `_locales`: `[A-Za-z0-9_]`. */
  key: string;
  /** Fill `$1`…`$9` of the message; a Phrase argument is rendered first. */
  args?: readonly (string | Phrase)[];
}

/** Looks a message up and fills its `$1`…`$9` with the already rendered arguments. */
export type PhraseLookup = (key: string, substitutions: string[]) => string;

/** One message of a `messages.json` catalogue. */
export interface CatalogueEntry {
  message: string;
  description?: string;
}

export type Catalogue = Readonly<Record<string, CatalogueEntry>>;

const KEY = /^[A-Za-z0-9_]+$/;

export class PhraseError extends Error {
  override name = 'PhraseError';
}

export function phrase(key: string, ...args: (string | Phrase)[]): Phrase {
  if (!KEY.test(key)) throw new PhraseError(`"${key}" is not a message name: use only A-Z, a-z, 0-9 and _.`);
  if (args.length > 9)
    throw new PhraseError(`${key}: a message takes at most 9 arguments, not ${args.length}.`);
  return args.length > 0 ? { key, args } : { key };
}

export function renderPhrase(p: Phrase, lookup: PhraseLookup): string {
  return lookup(
    p.key,
    (p.args ?? []).map((arg) => (typeof arg === 'string' ? arg : renderPhrase(arg, lookup))),
  );
}

/**
 * The lookup for a catalogue outside a browser, with the browsers' rules: `$1`…`$9` are the
 * substitutions (one pass: a value's own `$1` stays as it is), `$$` is a dollar sign.
 */
export function catalogueLookup(catalogue: Catalogue): PhraseLookup {
  return (key, substitutions) => {
    const entry = Object.hasOwn(catalogue, key) ? catalogue[key] : undefined;
    if (entry === undefined) throw new PhraseError(`No message "${key}" in the catalogue.`);
    return entry.message.replace(/\$(\$|[1-9])/g, (_, what: string) =>
      what === '$' ? '$' : (substitutions[Number(what) - 1] ?? ''),
    );
  };
}

/** The `$n` a message uses, sorted: catalogues must agree on them. */
export function placeholdersOf(message: string): number[] {
  const found = new Set<number>();
  for (const m of message.replaceAll('$$', '').matchAll(/\$([1-9])/g)) found.add(Number(m[1]));
  return [...found].sort((a, b) => a - b);
}

/** Every key a phrase uses, nested arguments included. */
export function keysOf(p: Phrase): string[] {
  return [p.key, ...(p.args ?? []).flatMap((arg) => (typeof arg === 'string' ? [] : keysOf(arg)))];
}
