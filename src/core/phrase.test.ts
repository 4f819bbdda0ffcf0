import { describe, expect, it } from 'vitest';
import { catalogueLookup, keysOf, PhraseError, phrase, placeholdersOf, renderPhrase } from './phrase.ts';

const catalogue = {
  age: { message: '$1 hours' },
  old: { message: 'The scan of $1 is $2 old.' },
  price: { message: 'Costs $$5 for $1.' },
  twice: { message: '$1 and $1 again' },
};

describe('renderPhrase', () => {
  const lookup = catalogueLookup(catalogue);

  it('renders a Phrase argument first, then fills $1…$9', () => {
    expect(renderPhrase(phrase('old', 'a.test', phrase('age', '3')), lookup)).toBe(
      'The scan of a.test is 3 hours old.',
    );
    expect(renderPhrase(phrase('twice', 'x'), lookup)).toBe('x and x again');
  });

  it('reads $$ as a dollar sign and never substitutes inside a value', () => {
    expect(renderPhrase(phrase('price', 'b.test'), lookup)).toBe('Costs $5 for b.test.');
    expect(renderPhrase(phrase('old', '$2', 'x'), lookup)).toBe('The scan of $2 is x old.');
  });

  it('passes the rendered arguments to any lookup (browser.i18n takes them as substitutions)', () => {
    const calls: [string, string[]][] = [];
    renderPhrase(phrase('old', 'a.test', phrase('age', '2')), (key, subs) => {
      calls.push([key, subs]);
      return `<${key}>`;
    });
    expect(calls).toEqual([
      ['age', ['2']],
      ['old', ['a.test', '<age>']],
    ]);
  });

  it('refuses an unknown key, a key no browser accepts and too many arguments, saying which', () => {
    expect(() => renderPhrase(phrase('nope'), lookup)).toThrow(
      new PhraseError('No message "nope" in the catalogue.'),
    );
    expect(() => renderPhrase(phrase('__proto__'), lookup)).toThrow(PhraseError);
    expect(() => phrase('path-bad')).toThrow(/"path-bad" is not a message name/);
    expect(() => phrase('k', ...Array.from({ length: 10 }, () => 'x'))).toThrow(/at most 9 arguments/);
  });
});

describe('placeholdersOf and keysOf', () => {
  it('lists the $n a message uses, without $$', () => {
    expect(placeholdersOf('$2 then $1, $1; $$3')).toEqual([1, 2]);
  });

  it('lists nested keys', () => {
    expect(keysOf(phrase('old', 'a', phrase('age', '1')))).toEqual(['old', 'age']);
  });
});
