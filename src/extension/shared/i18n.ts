// Every user-visible string of the extension comes from `_locales/{lang}/messages.json` through the
// browser's own i18n (`browser.i18n.getMessage`), so the browser picks the language and falls back to
// English (`default_locale`). Substitutions are positional: `$1`…`$9` in the message.
import type en from '../_locales/en/messages.json';

/** A key of our catalogue; the build checks every locale has the same keys and placeholders. */
export type MessageKey = keyof typeof en;

/** `i18n.getMessage`'s contract: the message with `$n` replaced, or '' when the key is unknown. */
export type GetMessage = (key: string, substitutions?: string[]) => string;

interface I18nApi {
  getMessage: GetMessage;
  getUILanguage(): string;
}

let override: I18nApi | null = null;

/** Unit tests (plain Node has no `browser.i18n`) install a catalogue read from messages.json. */
export function setI18nForTests(api: I18nApi | null): void {
  override = api;
}

function api(): I18nApi | null {
  if (override) return override;
  const g = globalThis as { browser?: { i18n?: I18nApi }; chrome?: { i18n?: I18nApi } };
  return g.browser?.i18n ?? g.chrome?.i18n ?? null;
}

/** The message for `key` in the browser's language. An unknown key shows itself, never an empty text. */
export function t(key: MessageKey, ...args: (string | number)[]): string {
  const message = api()?.getMessage(key, args.map(String)) ?? '';
  return message === '' ? key : message;
}

/**
 * The language the pages are shown in, for `lang` attributes and date formats: the catalogue's own tag,
 * since the browser may pick a catalogue other than its UI language (Chromium reports en-US for its UI
 * while it serves the German catalogue to a German user without the German UI installed).
 */
export function uiLanguage(): string {
  const i18n = api();
  return i18n?.getMessage('locale_tag') || i18n?.getUILanguage() || 'en';
}
