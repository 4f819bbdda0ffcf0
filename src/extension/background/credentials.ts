// The account's secret (DESIGN §5): the password lives in storage.session (gone when the browser
// closes); with "remember me" the check cycle swaps it for SCRAM keys in storage.local after the next
// login. The password itself never reaches storage.local: a server that offers only PLAIN, or one that
// picks a new SCRAM salt at every login, cannot be remembered, and the password stays in the session.
// Never storage.sync, never in results, never logged.
import type { CredentialsState } from '../shared/messages.ts';
import type { StorageArea } from './storage.ts';
import type { SaslMechanism } from './xmpp/sasl.ts';
import { isScramMechanism, type ScramKeys } from './xmpp/scram.ts';

/** The two areas secrets may live in. */
export interface SecretAreas {
  session: StorageArea;
  local: StorageArea;
}

/** What a check logs in with, and where it came from (a wrong one is forgotten from there). */
export type Secret = { password: string; from: 'session' } | { keys: ScramKeys; from: 'remembered' };

/**
 * Why "remember me" was refused for this account: `plain-only`, the server offers no SCRAM (keys
 * need SCRAM); `salt-changes`, it sent another salt at the next login (ejabberd storing passwords
 * in plain form does), so stored keys could never log in again.
 */
export type RememberRefusal = 'plain-only' | 'salt-changes';

const SESSION_KEY = 'credentials';
const REMEMBERED_KEY = 'rememberedCredentials';
const REMEMBER_KEY = 'rememberMe';

interface SessionEntry {
  jid: string;
  password: string;
}
interface RememberedEntry {
  jid: string;
  keys: ScramKeys;
}
/** Not a secret: the user's wish, and the reason it cannot be met when there is one. */
interface RememberEntry {
  jid: string;
  refused?: RememberRefusal;
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
  if (remember) {
    // The server's refusal is a fact about the server, not the password: it stays known.
    const previous = await readRemember(areas.local);
    const refused = previous?.jid === jid ? previous.refused : undefined;
    await areas.local.set({
      [REMEMBER_KEY]: { jid, ...(refused ? { refused } : {}) } satisfies RememberEntry,
    });
  } else {
    await areas.local.remove([REMEMBER_KEY]);
  }
}

export async function forgetCredentials(areas: SecretAreas): Promise<void> {
  await areas.session.remove([SESSION_KEY]);
  await areas.local.remove([REMEMBERED_KEY, REMEMBER_KEY]);
}

async function readSession(area: StorageArea): Promise<SessionEntry | null> {
  const entry = (await area.get([SESSION_KEY]))[SESSION_KEY] as Partial<SessionEntry> | undefined;
  return typeof entry?.jid === 'string' && typeof entry.password === 'string'
    ? { jid: entry.jid, password: entry.password }
    : null;
}

async function readRemember(area: StorageArea): Promise<RememberEntry | null> {
  const entry = (await area.get([REMEMBER_KEY]))[REMEMBER_KEY];
  // Older versions stored the bare JID.
  if (typeof entry === 'string') return { jid: entry };
  const e = entry as Partial<RememberEntry> | undefined;
  if (typeof e?.jid !== 'string') return null;
  return e.refused === 'plain-only' || e.refused === 'salt-changes'
    ? { jid: e.jid, refused: e.refused }
    : { jid: e.jid };
}

function validKeys(keys: unknown): keys is ScramKeys {
  const k = keys as Partial<ScramKeys> | undefined;
  return (
    isScramMechanism(k?.mechanism) &&
    typeof k.salt === 'string' &&
    typeof k.iterations === 'number' &&
    typeof k.clientKey === 'string' &&
    typeof k.serverKey === 'string'
  );
}

async function readRemembered(area: StorageArea): Promise<RememberedEntry | null> {
  const entry = (await area.get([REMEMBERED_KEY]))[REMEMBERED_KEY] as Partial<RememberedEntry> | undefined;
  return typeof entry?.jid === 'string' && validKeys(entry.keys)
    ? { jid: entry.jid, keys: entry.keys }
    : null;
}

/** The secret to log in as `jid`: this session's password first (it survives a salt change), else remembered keys. */
export async function readSecret(areas: SecretAreas, jid: string): Promise<Secret | null> {
  const session = await readSession(areas.session);
  if (session?.jid === jid) return { password: session.password, from: 'session' };
  const remembered = await readRemembered(areas.local);
  return remembered?.jid === jid ? { keys: remembered.keys, from: 'remembered' } : null;
}

/** Where the secret of `jid` is, as the options page says it; true in every path. */
export async function credentialsState(areas: SecretAreas, jid: string): Promise<CredentialsState> {
  const session = await readSession(areas.session);
  const remember = await readRemember(areas.local);
  const remembered = await readRemembered(areas.local);
  const wished = remember?.jid === jid;
  if (wished && remembered?.jid === jid) return 'remembered';
  if (session?.jid !== jid) return 'none';
  if (!wished) return 'session';
  if (remember?.refused === 'plain-only') return 'session-plain-only';
  if (remember?.refused === 'salt-changes') return 'session-salt-changes';
  return 'remember-pending';
}

/** What a successful login tells the credentials. */
export interface Login {
  mechanism: SaslMechanism;
  /** Keys of a SCRAM login (null for PLAIN). */
  scramKeys: ScramKeys | null;
  /** The login used the password (not remembered keys). */
  withPassword: boolean;
}

/**
 * After a successful login: when the user asked to be remembered, store the SCRAM keys; refuse, and
 * say why, where the server offers only PLAIN or picked another salt than the keys stored before.
 */
export async function rememberAfterLogin(areas: SecretAreas, jid: string, login: Login): Promise<void> {
  const remember = await readRemember(areas.local);
  if (remember?.jid !== jid || !login.withPassword) return;
  const refuse = async (refused: RememberRefusal) => {
    await areas.local.remove([REMEMBERED_KEY]);
    await areas.local.set({ [REMEMBER_KEY]: { jid, refused } satisfies RememberEntry });
  };
  const keys = login.scramKeys;
  if (keys === null) return refuse('plain-only');
  if (remember.refused === 'salt-changes') return;
  const stored = await readRemembered(areas.local);
  if (
    stored?.jid === jid &&
    stored.keys.mechanism === keys.mechanism &&
    stored.keys.iterations === keys.iterations &&
    stored.keys.salt !== keys.salt
  ) {
    return refuse('salt-changes');
  }
  await areas.local.set({ [REMEMBERED_KEY]: { jid, keys } satisfies RememberedEntry });
  if (remember.refused) await areas.local.set({ [REMEMBER_KEY]: { jid } satisfies RememberEntry });
}

/**
 * Earlier versions remembered the password itself where the server offered only PLAIN: remove such
 * an entry (the check then asks for the password, which stays in the session).
 */
export async function dropRememberedPassword(local: StorageArea): Promise<void> {
  const entry = (await local.get([REMEMBERED_KEY]))[REMEMBERED_KEY] as { password?: unknown } | undefined;
  if (entry && typeof entry === 'object' && 'password' in entry) await local.remove([REMEMBERED_KEY]);
}

/** The server refused the secret (or the keys cannot log in): drop it from where it came, so the popup asks for the password. */
export async function forgetRefusedSecret(areas: SecretAreas, secret: Secret): Promise<void> {
  if (secret.from === 'session') await areas.session.remove([SESSION_KEY]);
  else await areas.local.remove([REMEMBERED_KEY]);
}
