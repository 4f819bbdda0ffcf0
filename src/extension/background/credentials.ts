// The account's secret (DESIGN §5): the password lives in storage.session (gone when the browser
// closes); with "remember me" the check cycle swaps it for SCRAM keys in storage.local after the next
// login, or keeps the password there only where the server offers no SCRAM. Never storage.sync,
// never in results, never logged.
import type { CredentialsState } from '../shared/messages.ts';
import type { StorageArea } from './storage.ts';
import type { ScramKeys } from './xmpp/scram.ts';

/** The two areas secrets may live in. */
export interface SecretAreas {
  session: StorageArea;
  local: StorageArea;
}

/** What a check logs in with, and where it came from (a wrong one is forgotten from there). */
export type Secret =
  | { password: string; from: 'session' | 'remembered' }
  | { keys: ScramKeys; from: 'remembered' };

const SESSION_KEY = 'credentials';
const REMEMBERED_KEY = 'rememberedCredentials';
const REMEMBER_KEY = 'rememberMe';

interface SessionEntry {
  jid: string;
  password: string;
}
interface RememberedEntry {
  jid: string;
  keys?: ScramKeys;
  password?: string;
}

export async function saveCredentials(
  areas: SecretAreas,
  jid: string,
  password: string,
  remember: boolean,
): Promise<void> {
  if (password === '') throw new Error('The password is empty.');
  await areas.session.set({ [SESSION_KEY]: { jid, password } satisfies SessionEntry });
  // A new password makes remembered keys of the old one useless; they are replaced after the next login.
  await areas.local.remove([REMEMBERED_KEY]);
  if (remember) await areas.local.set({ [REMEMBER_KEY]: jid });
  else await areas.local.remove([REMEMBER_KEY]);
}

export async function forgetCredentials(areas: SecretAreas): Promise<void> {
  await areas.session.remove([SESSION_KEY]);
  await areas.local.remove([REMEMBERED_KEY, REMEMBER_KEY]);
}

/** The secret to log in as `jid`: this session's password first (it survives a salt change), else remembered keys. */
export async function readSecret(areas: SecretAreas, jid: string): Promise<Secret | null> {
  const session = (await areas.session.get([SESSION_KEY]))[SESSION_KEY] as SessionEntry | undefined;
  if (session?.jid === jid && typeof session.password === 'string') {
    return { password: session.password, from: 'session' };
  }
  const remembered = (await areas.local.get([REMEMBERED_KEY]))[REMEMBERED_KEY] as RememberedEntry | undefined;
  if (remembered?.jid !== jid) return null;
  if (remembered.keys && typeof remembered.keys.clientKey === 'string') {
    return { keys: remembered.keys, from: 'remembered' };
  }
  if (typeof remembered.password === 'string') return { password: remembered.password, from: 'remembered' };
  return null;
}

export async function credentialsState(areas: SecretAreas, jid: string): Promise<CredentialsState> {
  const secret = await readSecret(areas, jid);
  if (secret === null) return 'none';
  if (secret.from === 'remembered') return 'remembered';
  const remember = (await areas.local.get([REMEMBER_KEY]))[REMEMBER_KEY];
  const remembered = (await areas.local.get([REMEMBERED_KEY]))[REMEMBERED_KEY] as RememberedEntry | undefined;
  return remember === jid && remembered?.jid === jid ? 'remembered' : 'session';
}

/**
 * After a successful login: when the user asked to be remembered, store SCRAM keys (or, where the
 * server only offered PLAIN, the password itself, as DESIGN §5 allows).
 */
export async function rememberAfterLogin(
  areas: SecretAreas,
  jid: string,
  login: { scramKeys: ScramKeys | null; password: string | null },
): Promise<void> {
  const remember = (await areas.local.get([REMEMBER_KEY]))[REMEMBER_KEY];
  if (remember !== jid) return;
  if (login.scramKeys) {
    await areas.local.set({ [REMEMBERED_KEY]: { jid, keys: login.scramKeys } satisfies RememberedEntry });
  } else if (login.password !== null) {
    await areas.local.set({ [REMEMBERED_KEY]: { jid, password: login.password } satisfies RememberedEntry });
  }
}

/** The server refused the secret: drop it from where it came, so the popup asks for the password. */
export async function forgetRefusedSecret(areas: SecretAreas, secret: Secret): Promise<void> {
  if (secret.from === 'session') await areas.session.remove([SESSION_KEY]);
  else await areas.local.remove([REMEMBERED_KEY]);
}
