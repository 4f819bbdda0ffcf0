import { describe, expect, it } from 'vitest';
import { isExtensionOrigin } from './extension-origin.ts';

describe('isExtensionOrigin', () => {
  it('accepts Chrome and Firefox extension origins', () => {
    expect(isExtensionOrigin('chrome-extension://abcdefghijklmnopabcdefghijklmnop')).toBe(true);
    expect(isExtensionOrigin('moz-extension://3f0c3c0e-9d1c-4a5e-8d2b-1f6f2c4b7a10')).toBe(true);
  });

  it('refuses web origins, lookalikes and paths', () => {
    expect(isExtensionOrigin(undefined)).toBe(false);
    expect(isExtensionOrigin('https://evil.example')).toBe(false);
    expect(isExtensionOrigin('chrome-extension://abc/extra')).toBe(false);
    expect(isExtensionOrigin('chrome-extension://abc.evil.example')).toBe(false);
    expect(isExtensionOrigin('https://chrome-extension.example')).toBe(false);
  });
});
