// The one message protocol between the extension pages (popup, options) and the background. Pages
// import only this module and settings.ts, never background code (DESIGN §6).
import type { Light } from './lights.ts';
import type { Settings, SettingsError } from './settings.ts';

/** One contact's outcome of the last check; the check cycle fills these in. */
export interface ContactResult {
  jid: string;
  name: string | null;
  light: Light;
  /** Sentences for people explaining the light, worst first. */
  reasons: string[];
}

export interface Status {
  /** An account is set in the options. */
  configured: boolean;
  /** The account's bare JID, when configured. */
  account: string | null;
  /** ISO time of the last completed check, null before the first. */
  lastCheck: string | null;
  /** Worst first. */
  results: ContactResult[];
  /** The toolbar light: the worst over all results, grey until a check ran. */
  light: Light;
  /** Something the background could not do (e.g. load the XMPP library), in words; null when all is well. */
  problem: string | null;
}

export type SaveSettingsResult =
  | { saved: true; settings: Settings }
  | { saved: false; errors: SettingsError[] };

export type Request =
  | { type: 'getStatus' }
  | { type: 'getSettings' }
  | { type: 'saveSettings'; settings: unknown };
export type RequestType = Request['type'];

/** What the background answers to each request type. */
export interface ResponseMap {
  getStatus: Status;
  getSettings: Settings;
  saveSettings: SaveSettingsResult;
}

/** Every answer is wrapped, so a failure in the background reaches the page as a message, not a hang. */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: string };

const REQUEST_TYPES: readonly RequestType[] = ['getStatus', 'getSettings', 'saveSettings'];

/** The request a message carries, or null when it is not one of ours (the background then stays silent). */
export function parseRequest(message: unknown): Request | null {
  if (typeof message !== 'object' || message === null) return null;
  const type = (message as { type?: unknown }).type;
  if (!REQUEST_TYPES.includes(type as RequestType)) return null;
  if (type === 'saveSettings') {
    if (!('settings' in message)) return null;
    return { type, settings: (message as { settings: unknown }).settings };
  }
  return { type: type as 'getStatus' | 'getSettings' };
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
