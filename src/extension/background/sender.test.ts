import { describe, expect, it } from 'vitest';
import { isOwnExtensionPage } from './sender.ts';

const ID = 'abcdefghijklmnopabcdefghijklmnop';
const BASE = `chrome-extension://${ID}/`;

describe('isOwnExtensionPage', () => {
  it('accepts our popup and options pages', () => {
    expect(isOwnExtensionPage({ id: ID, url: `${BASE}popup.html` }, ID, BASE)).toBe(true);
    expect(isOwnExtensionPage({ id: ID, url: `${BASE}options.html#x` }, ID, BASE)).toBe(true);
  });
  it('accepts Firefox moz-extension pages the same way', () => {
    const base = 'moz-extension://0b5e3c1e-0000-4000-8000-000000000000/';
    expect(isOwnExtensionPage({ id: 'hoplight@x', url: `${base}popup.html` }, 'hoplight@x', base)).toBe(true);
  });
  it.each([
    ['another extension', { id: 'other', url: `${BASE}popup.html` }],
    ['a content script on a web page', { id: ID, url: 'https://evil.example/' }],
    ['a sender without a URL', { id: ID }],
    ['a sender without an id', { url: `${BASE}popup.html` }],
    ['a look-alike origin', { id: ID, url: `chrome-extension://${ID}.evil/popup.html` }],
    ['a malformed URL', { id: ID, url: 'not a url' }],
  ])('refuses %s', (_what, sender) => {
    expect(isOwnExtensionPage(sender, ID, BASE)).toBe(false);
  });
});
