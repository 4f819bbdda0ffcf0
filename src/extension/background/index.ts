// The background (Chrome service worker, Firefox event page): registers its listeners synchronously, as
// both browsers require to wake it for an event, and answers requests only once its start-up is done.
import browser, { type Runtime } from 'webextension-polyfill';
import { parseRequest } from '../shared/messages.ts';
import { isConfigured, type Settings } from '../shared/settings.ts';
import { scheduleChecks } from './check-alarm.ts';
import { handleRequest } from './handler.ts';
import { isOwnExtensionPage } from './sender.ts';
import { readSettings } from './storage.ts';
import { showLight } from './toolbar.ts';
import { xmppLibraryProblem } from './xmpp-probe.ts';

const storage = browser.storage.local;
let problem: string | null = null;

async function applySettings(settings: Settings): Promise<void> {
  await scheduleChecks(browser.alarms, isConfigured(settings), settings.checkIntervalMinutes);
}

async function start(): Promise<void> {
  problem ??= xmppLibraryProblem();
  await applySettings(await readSettings(storage));
  // Grey until a check ran; the check cycle sets the real light.
  await showLight(browser.action, 'grey');
}

function recordProblem(what: string, error: unknown): void {
  const reason = error instanceof Error ? error.message : String(error);
  problem ??= `${what}: ${reason}`;
  console.error(`Hoplight: ${what}:`, error);
}

// Errors nobody caught still reach the popup, not only a worker console nobody opens.
globalThis.addEventListener('error', (event) =>
  recordProblem('Unexpected error', event.error ?? event.message),
);
globalThis.addEventListener('unhandledrejection', (event) => recordProblem('Unexpected error', event.reason));

const ready = start().catch((error: unknown) => recordProblem('The background did not start', error));

browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
  if (!isOwnExtensionPage(sender, browser.runtime.id, browser.runtime.getURL(''))) return undefined;
  const request = parseRequest(message);
  if (!request) return undefined;
  return ready.then(() =>
    handleRequest({ storage, onSettingsSaved: applySettings, problem: () => problem }, request),
  );
});
