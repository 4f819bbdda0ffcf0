import { describe, expect, it } from 'vitest';
import {
  credentialsState,
  dropRememberedPassword,
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
    expect(await credentialsState(a, JID)).toBe('remember-pending');
    const keys = await deriveKeys('SCRAM-SHA-256', 's3cret', 'QSXCR+Q6sek8bf92', 4096);
    await rememberAfterLogin(a, JID, { mechanism: 'SCRAM-SHA-256', scramKeys: keys, withPassword: true });
    expect(JSON.stringify([...a.local.data])).not.toContain('s3cret');
    expect(await credentialsState(a, JID)).toBe('remembered');
    // The browser restarts: the session area is empty, the keys remain, with their mechanism.
    a.session.data.clear();
    expect(await readSecret(a, JID)).toEqual({ keys, from: 'remembered' });
    expect(await credentialsState(a, JID)).toBe('remembered');
  });

  it('refuses to remember where the server offered only PLAIN: the password stays in the session', async () => {
    const a = areas();
    await saveCredentials(a, JID, 's3cret', true);
    await rememberAfterLogin(a, JID, { mechanism: 'PLAIN', scramKeys: null, withPassword: true });
    expect(JSON.stringify([...a.local.data])).not.toContain('s3cret');
    expect(await credentialsState(a, JID)).toBe('session-plain-only');
    expect(await readSecret(a, JID)).toEqual({ password: 's3cret', from: 'session' });
    a.session.data.clear();
    expect(await readSecret(a, JID)).toBeNull();
    expect(await credentialsState(a, JID)).toBe('none');
  });

  it('a server that sends another salt at the next login cannot be remembered; the password stays in the session', async () => {
    const a = areas();
    await saveCredentials(a, JID, 's3cret', true);
    const first = await deriveKeys('SCRAM-SHA-1', 's3cret', 'c2FsdDE=', 4096);
    await rememberAfterLogin(a, JID, { mechanism: 'SCRAM-SHA-1', scramKeys: first, withPassword: true });
    expect(await credentialsState(a, JID)).toBe('remembered');
    const second = await deriveKeys('SCRAM-SHA-1', 's3cret', 'c2FsdDI=', 4096);
    await rememberAfterLogin(a, JID, { mechanism: 'SCRAM-SHA-1', scramKeys: second, withPassword: true });
    expect(await credentialsState(a, JID)).toBe('session-salt-changes');
    expect(await readSecret(a, JID)).toEqual({ password: 's3cret', from: 'session' });
    // Later logins store nothing; saving the password again keeps what is known of the server.
    await rememberAfterLogin(a, JID, { mechanism: 'SCRAM-SHA-1', scramKeys: first, withPassword: true });
    await saveCredentials(a, JID, 's3cret', true);
    expect(await credentialsState(a, JID)).toBe('session-salt-changes');
    expect(JSON.stringify([...a.local.data])).not.toContain('clientKey');
  });

  it('keys of another mechanism replace the stored ones without a salt verdict', async () => {
    const a = areas();
    await saveCredentials(a, JID, 's3cret', true);
    const sha1 = await deriveKeys('SCRAM-SHA-1', 's3cret', 'c2FsdDE=', 4096);
    const sha512 = await deriveKeys('SCRAM-SHA-512', 's3cret', 'c2FsdDI=', 4096);
    await rememberAfterLogin(a, JID, { mechanism: 'SCRAM-SHA-1', scramKeys: sha1, withPassword: true });
    await rememberAfterLogin(a, JID, { mechanism: 'SCRAM-SHA-512', scramKeys: sha512, withPassword: true });
    a.session.data.clear();
    expect(await readSecret(a, JID)).toEqual({ keys: sha512, from: 'remembered' });
  });

  it('stores nothing in local storage without "remember me"', async () => {
    const a = areas();
    await saveCredentials(a, JID, 's3cret', false);
    await rememberAfterLogin(a, JID, {
      mechanism: 'SCRAM-SHA-1',
      scramKeys: await deriveKeys('SCRAM-SHA-1', 's3cret', 'c2FsdA==', 4096),
      withPassword: true,
    });
    expect([...a.local.data.keys()]).toEqual([]);
  });

  it('ignores stored keys of a shape it does not know (no mechanism, unknown mechanism)', async () => {
    const a = areas();
    const keys = await deriveKeys('SCRAM-SHA-1', 's3cret', 'c2FsdA==', 4096);
    await a.local.set({
      rememberMe: JID,
      rememberedCredentials: { jid: JID, keys: { ...keys, mechanism: 'MD5' } },
    });
    expect(await readSecret(a, JID)).toBeNull();
    await a.local.set({ rememberedCredentials: { jid: JID, password: 's3cret' } });
    expect(await readSecret(a, JID)).toBeNull();
    expect(await credentialsState(a, JID)).toBe('none');
  });

  it('removes a password an earlier version remembered, and nothing else', async () => {
    const a = areas();
    const keys = await deriveKeys('SCRAM-SHA-1', 's3cret', 'c2FsdA==', 4096);
    await a.local.set({ rememberedCredentials: { jid: JID, keys } });
    await dropRememberedPassword(a.local);
    expect(a.local.data.has('rememberedCredentials')).toBe(true);
    await a.local.set({ rememberMe: JID, rememberedCredentials: { jid: JID, password: 's3cret' } });
    await dropRememberedPassword(a.local);
    expect(JSON.stringify([...a.local.data])).not.toContain('s3cret');
    expect(a.local.data.get('rememberMe')).toBe(JID);
  });

  it('a new password drops the keys of the old one', async () => {
    const a = areas();
    await saveCredentials(a, JID, 'old', true);
    await rememberAfterLogin(a, JID, {
      mechanism: 'SCRAM-SHA-1',
      scramKeys: await deriveKeys('SCRAM-SHA-1', 'old', 'c2FsdA==', 4096),
      withPassword: true,
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
    await rememberAfterLogin(a, JID, { mechanism: 'PLAIN', scramKeys: null, withPassword: true });
    await forgetCredentials(a);
    expect(a.local.data.size + a.session.data.size).toBe(0);
  });

  it('refuses an empty password', async () => {
    await expect(saveCredentials(areas(), JID, '', false)).rejects.toThrow('The password is empty.');
  });
});
