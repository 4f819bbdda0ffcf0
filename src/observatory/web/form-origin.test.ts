import { describe, expect, it } from 'vitest';
import { isSameOriginPost } from './form-origin.ts';

describe('isSameOriginPost', () => {
  const host = 'observatory.example:8080';

  it('accepts our own pages, and clients that are not browsers', () => {
    expect(isSameOriginPost({ origin: 'http://observatory.example:8080' }, host)).toBe(true);
    expect(
      isSameOriginPost({ origin: 'https://Observatory.example:8080', 'sec-fetch-site': 'same-origin' }, host),
    ).toBe(true);
    expect(isSameOriginPost({}, host)).toBe(true);
    // Chromium sends Origin: null from a page with Referrer-Policy: no-referrer, as ours have.
    expect(isSameOriginPost({ origin: 'null', 'sec-fetch-site': 'same-origin' }, host)).toBe(true);
  });

  it('refuses other sites, sibling subdomains and opaque origins', () => {
    expect(isSameOriginPost({ origin: 'https://evil.example' }, host)).toBe(false);
    expect(isSameOriginPost({ origin: 'http://observatory.example:8081' }, host)).toBe(false);
    expect(isSameOriginPost({ origin: 'null' }, host)).toBe(false);
    expect(isSameOriginPost({ 'sec-fetch-site': 'cross-site' }, host)).toBe(false);
    expect(isSameOriginPost({ 'sec-fetch-site': 'same-site' }, host)).toBe(false);
  });
});
