// Unit tests run in plain Node, which has no `browser.i18n`: this installs a locale's messages.json
// behind `t()`, read from the real file, so the tests see the words users see.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setI18nForTests } from './i18n.ts';
import { type Catalogue, getMessageFrom } from './i18n-catalogue.ts';

export function readCatalogue(lang: string): Catalogue {
  const file = join(import.meta.dirname, '..', '_locales', lang, 'messages.json');
  return JSON.parse(readFileSync(file, 'utf8')) as Catalogue;
}

export function useLocale(lang = 'en'): void {
  const getMessage = getMessageFrom(readCatalogue(lang));
  setI18nForTests({ getMessage, getUILanguage: () => lang });
}
