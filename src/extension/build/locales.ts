// The extension's `_locales/{lang}/messages.json`: ours (src/extension/_locales) merged with the path
// model's phrases (src/core/phrases/{lang}.json, keys starting `path_`) when present. Pure checks the
// build and the unit tests both run: every locale has every key with the same `$n` placeholders.
import { type Catalogue, placeholdersOf } from '../shared/i18n-catalogue.ts';

export const LANGUAGES = ['en', 'de', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'en';

/** A messages.json as read: `{key: {message, description?}}`; a phrase file may also map keys to strings. */
export function parseCatalogue(json: unknown, source: string): Catalogue {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error(`${source}: expected a JSON object of messages.`);
  }
  const catalogue: Catalogue = {};
  for (const [key, value] of Object.entries(json)) {
    // Chrome's rule for message names.
    if (!/^[A-Za-z0-9_@]+$/.test(key)) throw new Error(`${source}: "${key}" is not a valid message name.`);
    const message =
      typeof value === 'string'
        ? value
        : typeof value === 'object' &&
            value !== null &&
            typeof (value as { message?: unknown }).message === 'string'
          ? (value as { message: string }).message
          : null;
    if (message === null) throw new Error(`${source}: "${key}" has no "message" string.`);
    const description = (value as { description?: unknown }).description;
    catalogue[key] = typeof description === 'string' ? { message, description } : { message };
  }
  return catalogue;
}

/** Ours and the phrases in one catalogue; a key in both is an error, never a silent override. */
export function mergeCatalogues(ours: Catalogue, phrases: Catalogue | null, lang: string): Catalogue {
  const merged: Catalogue = { ...ours };
  for (const [key, entry] of Object.entries(phrases ?? {})) {
    if (Object.hasOwn(merged, key)) {
      throw new Error(
        `_locales/${lang}: the key "${key}" is both in the extension's messages and the phrases.`,
      );
    }
    merged[key] = entry;
  }
  return merged;
}

/** Every problem across the locales: keys missing in one, `$n` placeholders that differ from English. */
export function localeProblems(
  catalogues: Record<string, Catalogue>,
  reference = DEFAULT_LANGUAGE,
): string[] {
  const problems: string[] = [];
  const base = catalogues[reference];
  if (!base) return [`no ${reference} catalogue`];
  for (const [lang, catalogue] of Object.entries(catalogues)) {
    if (lang === reference) continue;
    for (const key of Object.keys(base)) {
      const entry = catalogue[key];
      if (!entry) {
        problems.push(`${lang}: "${key}" is missing`);
        continue;
      }
      const want = placeholdersOf(base[key]?.message ?? '').join(',');
      const got = placeholdersOf(entry.message).join(',');
      if (want !== got) problems.push(`${lang}: "${key}" uses [${got}], ${reference} uses [${want}]`);
      if (entry.message.trim() === '') problems.push(`${lang}: "${key}" is empty`);
    }
    for (const key of Object.keys(catalogue)) {
      if (!Object.hasOwn(base, key)) problems.push(`${lang}: "${key}" is not in ${reference}`);
    }
  }
  return problems;
}
