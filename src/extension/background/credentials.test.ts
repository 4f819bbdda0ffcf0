import { describe, expect, it } from 'vitest';
import {
  credentialsState,
  forgetCredentials,
  forgetRefusedSecret,
  readSecret,
  rememberAfterLogin,
  saveCredentials,
} from './credentials.ts';
import { memoryStorage } from './memory-storage.test-support.ts';
import { deriveKeys } from './xmpp/scram.ts';

const JID = 'alice@example.org';

function areas() {
  return { session: memoryStorage(), local: memoryStorage() };
}

describe('credentials', () => {
  it('keeps the password in the session area only, by default', async () => {
    const a = areas();
    await saveCredentials(a, JID, 's3cret', false);
    expect(await readSecret(a, JID)).toEqual({ password: 's3cret', from: 'session' });
    expect(await credentialsState(a, JID)).toBe('session');
    expect(JSON.stringify([...a.local.data])).not.toContain('s3cret');
  });

  it('gives nothing for another account', async () => {
    const a = areas();
    await saveCredentials(a, JID, 's3cret', true);
    expect(await readSecret(a, 'bob@example.org')).toBeNull();
    expect(await credentialsState(a, 'bob@example.org')).toBe('none');
  });

  it('remembers SCRAM keys, never the password, after a SCRAM login', async () => {
    const a = areas();
    await saveCredentials(a, JID, 's3cret', true);
    const keys = await deriveKeys('s3cret', 'QSXCR+Q6sek8bf92', 4096);
    await rememberAfterLogin(a, JID, { scramKeys: keys, password: 's3cret' });
    expect(JSON.stringify([...a.local.data])).not.toContain('s3cret');
    expect(await credentialsState(a, JID)).toBe('remembered');
    // The browser restarts: the session area is empty, the keys remain.
    a.session.data.clear();
    expect(await readSecret(a, JID)).toEqual({ keys, from: 'remembered' });
  });

  it('remembers the password itself only where the server offered no SCRAM', async () => {
    const a = areas();
    await saveCredentials(a, JID, 's3cret', true);
    await rememberAfterLogin(a, JID, { scramKeys: null, password: 's3cret' });
    a.session.data.clear();
    expect(await readSecret(a, JID)).toEqual({ password: 's3cret', from: 'remembered' });
  });

  it('stores nothing in local storage without "remember me"', async () => {
    const a = areas();
    await saveCredentials(a, JID, 's3cret', false);
    await rememberAfterLogin(a, JID, {
      scramKeys: await deriveKeys('s3cret', 'c2FsdA==', 4096),
      password: 's3cret',
    });
    expect([...a.local.data.keys()]).toEqual([]);
  });

  it('a new password drops the keys of the old one', async () => {
    const a = areas();
    await saveCredentials(a, JID, 'old', true);
    await rememberAfterLogin(a, JID, {
      scramKeys: await deriveKeys('old', 'c2FsdA==', 4096),
      password: 'old',
    });
    await saveCredentials(a, JID, 'new', false);
    a.session.data.clear();
    expect(await readSecret(a, JID)).toBeNull();
  });

  it('forgets a refused secret where it came from, and everything on request', async () => {
    const a = areas();
    await saveCredentials(a, JID, 'wrong', false);
    const secret = await readSecret(a, JID);
    if (!secret) throw new Error('no secret');
    await forgetRefusedSecret(a, secret);
    expect(await readSecret(a, JID)).toBeNull();

    await saveCredentials(a, JID, 's3cret', true);
    await rememberAfterLogin(a, JID, { scramKeys: null, password: 's3cret' });
    await forgetCredentials(a);
    expect(a.local.data.size + a.session.data.size).toBe(0);
  });

  it('refuses an empty password', async () => {
    await expect(saveCredentials(areas(), JID, '', false)).rejects.toThrow('The password is empty.');
  });
});
