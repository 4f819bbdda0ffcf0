// The one message protocol between the extension pages (popup, options) and the background. Pages
// import only this module and settings.ts, never background code (DESIGN §6).
import type { CheckFailure, ContactResult, CycleState, FailureKind } from './check-types.ts';
import type { Light } from './lights.ts';
import type { PackedResults } from './packed-results.ts';
import type { Settings, SettingsError } from './settings.ts';

/**
 * What the popup polls while a check runs: progress and what changed, never the results themselves
 * (a few hundred bytes whatever the roster's size). Results come with `getResults`, asked for only when
 * `lastCheck` differs from that of the results the page holds.
 */
export interface Status {
  /** An account is set in the options. */
  configured: boolean;
  /** The account's bare JID, when configured. */
  account: string | null;
  /** ISO time of the last completed check, null before the first: the stamp of the stored results. */
  lastCheck: string | null;
  /** How many results the last check stored. */
  resultCount: number;
  /** The toolbar light: the worst over all results, grey until a check ran. */
  light: Light;
  /** Something the background could not do (e.g. load the XMPP library), in words; null when all is well. */
  problem: string | null;
  /** Where the account's secret is: nowhere, this browser session only, or remembered. */
  credentials: CredentialsState;
  /** The check cycle now: idle, running (with progress), or interrupted by a worker stop. */
  cycle: CycleState;
  /** Why the last attempt failed; null when it succeeded or none ran. */
  failure: CheckFailure | null;
  /** The results are older than the last (failed) attempt. */
  stale: boolean;
}

/**
 * Where the account's secret is: nowhere; this browser session only; this session while "remember me"
 * waits for the next login to store SCRAM keys; remembered (SCRAM keys on this device); or this
 * session only because the server cannot be remembered (PLAIN only, or a new salt at every login).
 * The options page words each state from `_locales` (credentials_*).
 */
export type CredentialsState =
  | 'none'
  | 'session'
  | 'remember-pending'
  | 'remembered'
  | 'session-plain-only'
  | 'session-salt-changes';

export type SaveSettingsResult =
  | { saved: true; settings: Settings }
  | { saved: false; errors: SettingsError[] };

export type { ContactResult };

/** The stored results, packed (shared/packed-results.ts), with the check they come from. */
export interface ResultsAnswer {
  lastCheck: string | null;
  /** Worst first once unpacked. */
  packed: PackedResults;
}

/** The outcome of "Test connection": what worked, or the exact failure. */
export type TestConnectionResult =
  | {
      ok: true;
      boundJid: string;
      endpoint: string;
      mechanism: string;
      contacts: number;
      transportSecure: boolean;
      /** The observatory answered; null when it did not, with the reason in `observatoryError`. */
      observatoryDomains: number | null;
      observatoryError: string | null;
    }
  | { ok: false; kind: FailureKind; message: string };

/** Who answered at an observatory URL (the setup's test button). */
export type ObservatoryProbe =
  | { kind: 'hoplight'; apiVersion: string; domains: number }
  | { kind: 'other'; httpStatus: number }
  | { kind: 'none' };

/** `popup`: only when the results are older than a few minutes or a run was interrupted. */
export type CheckTrigger = 'popup' | 'refresh';

export type Request =
  | { type: 'getStatus' }
  | { type: 'getResults' }
  | { type: 'getSettings' }
  | { type: 'saveSettings'; settings: unknown }
  | { type: 'saveCredentials'; password: string; remember: boolean }
  | { type: 'forgetCredentials' }
  | { type: 'runCheck'; trigger: CheckTrigger }
  | { type: 'testConnection'; settings: unknown; password: string | null }
  | { type: 'testObservatory'; url: string };
export type RequestType = Request['type'];

/** What the background answers to each request type. */
export interface ResponseMap {
  getStatus: Status;
  getResults: ResultsAnswer;
  getSettings: Settings;
  saveSettings: SaveSettingsResult;
  saveCredentials: CredentialsState;
  forgetCredentials: CredentialsState;
  runCheck: Status;
  testConnection: TestConnectionResult;
  testObservatory: ObservatoryProbe;
}

/** Every answer is wrapped, so a failure in the background reaches the page as a message, not a hang. */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: string };

const REQUEST_TYPES: readonly RequestType[] = [
  'getStatus',
  'getResults',
  'getSettings',
  'saveSettings',
  'saveCredentials',
  'forgetCredentials',
  'runCheck',
  'testConnection',
  'testObservatory',
];

/** The request a message carries, or null when it is not one of ours (the background then stays silent). */
export function parseRequest(message: unknown): Request | null {
  if (typeof message !== 'object' || message === null) return null;
  const m = message as Record<string, unknown>;
  const type = m.type as RequestType;
  if (!REQUEST_TYPES.includes(type)) return null;
  switch (type) {
    case 'saveSettings':
      return 'settings' in m ? { type, settings: m.settings } : null;
    case 'saveCredentials':
      return typeof m.password === 'string' && typeof m.remember === 'boolean'
        ? { type, password: m.password, remember: m.remember }
        : null;
    case 'runCheck':
      return m.trigger === 'popup' || m.trigger === 'refresh' ? { type, trigger: m.trigger } : null;
    case 'testConnection':
      if (!('settings' in m) || (m.password !== null && typeof m.password !== 'string')) return null;
      return { type, settings: m.settings, password: m.password };
    case 'testObservatory':
      return typeof m.url === 'string' ? { type, url: m.url } : null;
    default:
      return { type };
  }
}

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

/** How a page reaches the background: `browser.runtime.sendMessage`, or anything with its contract. */
export type SendMessage = (message: Request) => Promise<unknown>;

/** Sends one request and returns the typed answer; throws ProtocolError on a failure or a malformed reply. */
export async function request<T extends RequestType>(
  send: SendMessage,
  message: Extract<Request, { type: T }>,
): Promise<ResponseMap[T]> {
  const reply = await send(message);
  if (typeof reply !== 'object' || reply === null || typeof (reply as { ok?: unknown }).ok !== 'boolean') {
    throw new ProtocolError(`The background gave no valid answer to "${message.type}".`);
  }
  const typed = reply as Reply<ResponseMap[T]>;
  if (!typed.ok) throw new ProtocolError(typed.error);
  return typed.value;
}
