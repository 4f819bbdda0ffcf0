// Every user-visible string of popup, options and the background's notifications and toolbar comes
// from `_locales`, complete and with the same placeholders in English, German and French.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findHardCodedStrings } from '../../test/support/hard-coded-strings.ts';
import { LANGUAGES, localeProblems, mergeCatalogues, parseCatalogue } from './build/locales.ts';
import { readCatalogue } from './shared/i18n.test-support.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const here = (dir: string) =>
  readdirSync(join(import.meta.dirname, dir))
    .filter((f) => /\.tsx?$/.test(f) && !/\.test(-support)?\.tsx?$/.test(f))
    .map((f) => join(import.meta.dirname, dir, f));
const SHOWN = [
  ...here('popup'),
  ...here('options'),
  ...['index', 'badge', 'toolbar', 'notify', 'failure'].map((f) =>
    join(import.meta.dirname, 'background', `${f}.ts`),
  ),
  join(import.meta.dirname, 'shared', 'settings.ts'),
];

// A file with one of each mistake, so the finder is shown to find them.
const fixtureDir = mkdtempSync(join(tmpdir(), 'hoplight-fixture-'));
const fixture = join(fixtureDir, 'Bad.tsx');
writeFileSync(
  fixture,
  `export function Bad({ busy, t }: { busy: boolean; t: (k: string) => string }) {
  return (
    <div class="row" id="x" title="Tooltip words">
      Hello there
      <input placeholder="Type here" aria-label={busy ? 'Busy now' : t('ok')} />
      <img alt="A picture" src="icons/grey.svg" />
      {busy ? 'Saving…' : t('save')}
      {busy && <span class={busy ? 'on' : 'off'}>{t('fine')}</span>}
      {\`\${busy}: \${t('fine')}\`}
    </div>
  );
}
`,
);
afterAll(() => rmSync(fixtureDir, { recursive: true, force: true }));

describe('hard-coded strings', () => {
  it('are found by the check (JSX text, read attributes, rendered literals), and nothing else', () => {
    const found = findHardCodedStrings(fixtureDir, [fixture]).map((f) => `${f.where} ${f.text}`);
    expect(found.sort()).toEqual(
      [
        'title= Tooltip words',
        'JSX text Hello there',
        'placeholder= Type here',
        'aria-label= Busy now',
        'alt= A picture',
        'JSX child Saving…',
      ].sort(),
    );
  });

  it('are none in the popup, the options, the notifications and the toolbar', () => {
    expect(SHOWN.length).toBeGreaterThan(10);
    expect(findHardCodedStrings(ROOT, SHOWN)).toEqual([]);
  }, 60_000);
});

describe('the locales', () => {
  const catalogues = Object.fromEntries(LANGUAGES.map((lang) => [lang, readCatalogue(lang)]));

  it('have every key in every language, with the same $n placeholders', () => {
    expect(localeProblems(catalogues)).toEqual([]);
    expect(Object.keys(catalogues.en ?? {}).length).toBeGreaterThan(100);
  });

  it('are told apart when one lacks a key or a placeholder', () => {
    const en = { a: { message: 'Hello $1' }, b: { message: 'Bye' } };
    expect(localeProblems({ en, de: { a: { message: 'Hallo' } } })).toEqual([
      'de: "a" uses [], en uses [$1]',
      'de: "b" is missing',
    ]);
    expect(localeProblems({ en, fr: { ...en, c: { message: 'x' } } })).toEqual(['fr: "c" is not in en']);
  });

  it('merge with the path phrases and refuse a key both define', () => {
    const ours = parseCatalogue({ popup_x: { message: 'X' } }, 'ours');
    const phrases = parseCatalogue({ path_y: 'Y' }, 'phrases');
    expect(mergeCatalogues(ours, phrases, 'en')).toEqual({
      popup_x: { message: 'X' },
      path_y: { message: 'Y' },
    });
    expect(() => mergeCatalogues(ours, { popup_x: { message: 'Z' } }, 'de')).toThrow(
      /"popup_x" is both in the extension's messages and the phrases/,
    );
    expect(() => parseCatalogue({ 'bad key': 'x' }, 'f.json')).toThrow(/not a valid message name/);
    expect(() => parseCatalogue({ k: { text: 'x' } }, 'f.json')).toThrow(/no "message" string/);
    expect(() => parseCatalogue([], 'f.json')).toThrow(/JSON object/);
  });

  it('are real translations: German and French differ from English where English has words', () => {
    const en = catalogues.en ?? {};
    const same = (lang: string) =>
      Object.entries(en)
        .filter(
          ([key, e]) => e.message.split(/\s+/).length > 3 && catalogues[lang]?.[key]?.message === e.message,
        )
        .map(([key]) => key);
    expect(same('de')).toEqual([]);
    expect(same('fr')).toEqual([]);
  });
});
