// Builds the @xmpp/client client once at start-up to prove the library runs in this worker.
import { client, type XmppClient } from '@xmpp/client';

export interface ObserverAccount {
  /** WebSocket URL, e.g. `wss://example.org/xmpp-websocket`. */
  service: string;
  domain: string;
  username: string;
  password?: string;
}

/**
 * A client for one check cycle. Automatic reconnection is off: xmpp.js retries every second without
 * backoff and loops on `not-authorized` (LAB-NOTES); the next alarm is our retry.
 */
export function createObserverClient(account: ObserverAccount): XmppClient {
  const xmpp = client({ ...account, resource: 'hoplight' });
  xmpp.reconnect.stop();
  return xmpp;
}

/**
 * Builds (never connects) a client once at start-up, so a bundling regression (node:dns, process.env)
 * shows in the popup and the worker console at once rather than at the first check hours later.
 */
export function xmppLibraryProblem(): string | null {
  try {
    createObserverClient({
      service: 'wss://hoplight.invalid/',
      domain: 'hoplight.invalid',
      username: 'probe',
    });
    return null;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.error('Hoplight: the XMPP library failed to load', error);
    return `The XMPP library does not work in this browser: ${reason}`;
  }
}
