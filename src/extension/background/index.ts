// The background (Chrome service worker, Firefox event page): registers its listeners synchronously, as
// both browsers require to wake it for an event, and answers requests only once its start-up is done.
import browser, { type Runtime } from 'webextension-polyfill';
import { t } from '../shared/i18n.ts';
import { parseRequest } from '../shared/messages.ts';
import { isConfigured, type Settings } from '../shared/settings.ts';
import { redToNotify, stillNotified } from './badge.ts';
import { CHECK_ALARM, scheduleChecks } from './check-alarm.ts';
import { runCheckCycle } from './check-cycle.ts';
import { createCheckRunner } from './check-runner.ts';
import { testConnection } from './connection-test.ts';
import { handleRequest } from './handler.ts';
import { KEEP_ALIVE_EVERY_MS, keepAlive } from './keep-alive.ts';
import { notifyRed, openFromNotification, RED_NOTIFICATION } from './notify.ts';
import { probeObservatory } from './observatory-probe.ts';
import { isOwnExtensionPage } from './sender.ts';
import { cacheSnapshotStore, memorySnapshotStore, type SnapshotStore } from './snapshot-store.ts';
import { migrateResults, readCheckResults, readFailure, readSettings, type StorageArea } from './storage.ts';
import { showResults } from './toolbar.ts';
import { checkXmppAccount, discoverXmppEndpoints, STEP_TIMEOUT_MS } from './xmpp-account.ts';

const storage: StorageArea = browser.storage.local;
// Chrome and Firefox 115+ have storage.session; without it the password lives in this worker only.
const session: StorageArea = browser.storage.session ?? memoryArea();
let problem: string | null = null;
// Chrome's service worker and Firefox's event page (a secure context) both have the Cache API.
const snapshots: SnapshotStore =
  typeof caches === 'undefined' ? memorySnapshotStore() : cacheSnapshotStore(caches, storage);

const xmpp = {
  checkAccount: checkXmppAccount,
  discover: discoverXmppEndpoints,
  fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init),
  now: () => new Date(),
  timeoutMs: STEP_TIMEOUT_MS,
};

const runner = createCheckRunner({
  local: storage,
  now: xmpp.now,
  runCycle: (onProgress) => runCheckCycle({ ...xmpp, local: storage, session, snapshots, onProgress }),
  showResults: async (results, failure) => {
    await showResults(browser.action, results, failure);
    await storage.set({ notifiedRed: [...stillNotified(await readNotified(), results)] });
  },
  notify: async (contacts) => {
    const due = redToNotify(contacts, await readNotified());
    if (due.length === 0) return;
    await notifyRed(browser.notifications, due);
    await storage.set({ notifiedRed: [...(await readNotified()), ...due.map((c) => c.jid)] });
  },
  keepAlive: () => holdBackground(),
});

/** JIDs notified as red and not known safe since (badge.ts `stillNotified`). */
async function readNotified(): Promise<Set<string>> {
  const { notifiedRed } = await storage.get(['notifiedRed']);
  return new Set(Array.isArray(notifiedRed) ? notifiedRed.filter((j) => typeof j === 'string') : []);
}

function holdBackground(): () => void {
  return keepAlive(() => browser.runtime.getPlatformInfo(), KEEP_ALIVE_EVERY_MS);
}

async function applySettings(settings: Settings): Promise<void> {
  await scheduleChecks(browser.alarms, isConfigured(settings), settings.checkIntervalMinutes);
}

async function start(): Promise<void> {
  await runner.recover();
  await migrateResults(storage);
  await applySettings(await readSettings(storage));
  const { results } = await readCheckResults(storage);
  await showResults(browser.action, results, (await readFailure(storage))?.message ?? null);
}

/** The user gets a sentence and what to do; the exception itself goes to the console. */
function recordProblem(sentence: string, error: unknown): void {
  problem ??= sentence;
  console.error(`Hoplight: ${sentence}`, error);
}

// Errors nobody caught still reach the popup, not only a worker console nobody opens.
globalThis.addEventListener('error', (event) =>
  recordProblem(t('problem_unexpected'), event.error ?? event.message),
);
globalThis.addEventListener('unhandledrejection', (event) =>
  recordProblem(t('problem_unexpected'), event.reason),
);

const ready = start().catch((error: unknown) => recordProblem(t('problem_notStarted'), error));

// First run: the options page opens as the setup; no check runs until the setup is saved (an account
// is what `isConfigured` asks for, and only the setup's last step saves one).
browser.runtime.onInstalled.addListener((details) => {
  if (details.reason === 'install') void browser.runtime.openOptionsPage();
});

// Chrome (127+) opens the popup from a notification click; Firefox refuses `openPopup` there (no user
// action it recognises), so it gets the options page, which links to everything the popup shows.
browser.notifications.onClicked.addListener((id) => {
  if (id !== RED_NOTIFICATION) return;
  void browser.notifications.clear(id);
  const action = browser.action as typeof browser.action & { openPopup?: () => Promise<void> };
  void openFromNotification({
    openPopup: action.openPopup ? () => action.openPopup?.() ?? Promise.resolve() : undefined,
    openOptions: () => browser.runtime.openOptionsPage(),
  });
});

browser.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name !== CHECK_ALARM) return;
  void ready.then(async () => {
    if (isConfigured(await readSettings(storage))) await runner.run();
  });
});

browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
  if (!isOwnExtensionPage(sender, browser.runtime.id, browser.runtime.getURL(''))) return undefined;
  const request = parseRequest(message);
  if (!request) return undefined;
  // A request can take as long as a login (testConnection): Firefox would unload the event page under
  // it and the page would get "Receiving end does not exist".
  const release = holdBackground();
  const answer = ready.then(() =>
    handleRequest(
      {
        storage,
        session,
        onSettingsSaved: applySettings,
        problem: () => problem,
        cycle: () => runner.state(),
        requestCheck: (trigger) => runner.request(trigger),
        testConnection: (settings, password) =>
          testConnection({ ...xmpp, local: storage, session }, settings, password),
        testObservatory: (url) => probeObservatory(xmpp.fetch, url, xmpp.timeoutMs),
      },
      request,
    ),
  );
  void answer.then(release, release);
  return answer;
});

/** A StorageArea over a Map, for browsers without storage.session. */
function memoryArea(): StorageArea {
  const data = new Map<string, unknown>();
  return {
    async get(keys) {
      return Object.fromEntries(keys.filter((k) => data.has(k)).map((k) => [k, data.get(k)]));
    },
    async set(items) {
      for (const [k, v] of Object.entries(items)) data.set(k, v);
    },
    async remove(keys) {
      for (const k of keys) data.delete(k);
    },
  };
}
