// The extension at 1,000 and 5,000 contacts (issue 11). Per roster size and per user's server
// (Prosody, and ejabberd 23.01 with its shipped c2s shaper), on a network of the bench's own with about
// 300 contact domains (support/observe-network.ts; rosters written into the servers' storage): the check
// cycle run in Node with the background's own modules (support/check-in-node.ts), cold (empty profile,
// every s2s link closed) then warm (same profile, roster unchanged): time, stanzas sent to the user's
// server (counted by a relay in front of it), what ejabberd's default shaper would hold back, the status
// message's size during the check beside the full-results message it replaces, storage.local bytes beside
// the unpacked form. Then in Debian's Chromium against the lab's good.test (roster seeded into its
// storage): login → badge cold and warm, the popup's first render of every row, the service worker's
// heap and storage.local bytes. Each figure is printed beside its target. `--observer-only` runs the
// older observer figures (what observing 50 domains adds to a check).
// Run (root): node bench/extension.bench.ts [--contacts 1000,5000] [--servers prosody,ejabberd]
//   [--domains 300] [--skip-browser] [--observer-only]; `--servers none` gives the Chromium figures only.
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureLab, STATE_FILE } from '../lab/lab.ts';
import { accountStore, prosodyEncode, prosodyFiles, rosterStore } from '../lab/prosody.ts';
import { STATE_DIR as LAB_STATE_DIR, type LabState } from '../lab/state.ts';
import { errorText } from '../src/core/error-text.ts';
import { readOmemoCache, readStoredRoster } from '../src/extension/background/check-memory-store.ts';
import type { StorageArea } from '../src/extension/background/storage.ts';
import { observeDomains } from '../src/extension/background/xmpp/observe.ts';
import {
  OBSERVE_BUDGET_MS,
  OBSERVE_CONCURRENCY,
  randomResource,
} from '../src/extension/background/xmpp/session.ts';
import { createXmppClient, startClient } from '../src/extension/background/xmpp/xmpp-client.ts';
import { checkXmppAccount } from '../src/extension/background/xmpp-account.ts';
import { RENDER_MEASURES } from '../src/extension/popup/render-timing.ts';
import { build } from '../test/browser/build-once.ts';
import { type ExtensionBrowser, launchExtension } from '../test/support/browser.ts';
import { startTestObservatory } from '../test/support/observatory-for-tests.ts';
import { nodeProfile } from './support/check-in-node.ts';
import { filledOmemoEntries } from './support/fresh-omemo-cache.ts';
import { DEAD, HOME, type ObserveNetwork, PASSWORD, startObserveNetwork } from './support/observe-network.ts';
import { applyShaper, EJABBERD_DEFAULT_C2S } from './support/shaper.ts';
import { startStanzaRelay } from './support/stanza-relay.ts';

const BENCH_PASSWORD = 'bench-pw';
/** Contacts spread over reachable lab domains, so the OMEMO queries cross s2s like real ones. */
const CONTACT_DOMAINS = ['good.test', 'other.test', 'weak.test', 'dane.sec.test'];

declare const chrome: {
  runtime: { sendMessage(message: unknown): Promise<unknown> };
  action: { getBadgeText(details: object): Promise<string> };
  storage: {
    local: {
      getBytesInUse(keys: null): Promise<number>;
      get(keys: string[]): Promise<Record<string, unknown>>;
      set(items: Record<string, unknown>): Promise<void>;
    };
  };
};

/**
 * The bench user of `contacts` contacts on the lab's good.test, written into its Prosody's storage
 * (accounts and roster files, read at login): registering and pushing 5,000 roster items would take minutes.
 */
async function seedBenchUser(user: string, contacts: number): Promise<void> {
  const host = join(prosodyFiles(LAB_STATE_DIR, 'good.test').dataDir, prosodyEncode('good.test'));
  const owner = (flag: string) => Number(execFileSync('id', [flag, 'prosody'], { encoding: 'utf8' }).trim());
  const roster = Array.from({ length: contacts }, (_, i) => ({
    jid: `user${i}@${CONTACT_DOMAINS[i % CONTACT_DOMAINS.length]}`,
    name: `Contact ${i}`,
    groups: [],
  }));
  for (const [sub, text] of [
    ['accounts', accountStore(BENCH_PASSWORD)],
    ['roster', rosterStore(roster)],
  ] as const) {
    mkdirSync(join(host, sub), { recursive: true });
    const file = join(host, sub, `${prosodyEncode(user)}.dat`);
    writeFileSync(file, text, { mode: 0o600 });
    chownSync(file, owner('-u'), owner('-g'));
  }
}

function spkiHash(pem: string): string {
  const der = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      contacts: { type: 'string', default: '1000,5000' },
      servers: { type: 'string', default: 'prosody,ejabberd' },
      domains: { type: 'string', default: '300' },
      'skip-browser': { type: 'boolean' },
      'observer-only': { type: 'boolean' },
    },
  });
  const sizes = values.contacts.split(',').map(Number);
  const domains = Number(values.domains);
  const servers = values.servers === 'none' ? [] : values.servers.split(',');
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(domains) || domains < 1)
    throw new Error('--contacts takes whole numbers separated by commas (1000,5000), --domains one');
  for (const server of servers)
    if (server !== 'prosody' && server !== 'ejabberd') throw new Error(`--servers: unknown server ${server}`);
  if (values['observer-only']) return observerFigures(1000);
  console.log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (${cpus().length} cores)`,
  );
  // The test observatory scans with the lab's resolvers, so both parts need the lab.
  const { state, started: labStarted } = await ensureLab();
  process.env.HOPLIGHT_LAB_STATE = STATE_FILE;
  const observatory = await startTestObservatory();
  try {
    // The bench network's domains are unknown to the observatory: their grades are "not scanned".
    for (const server of servers)
      await networkFigures(server as 'prosody' | 'ejabberd', sizes, domains, observatory.url);
    if (!values['skip-browser']) {
      // Grades make the rows' reasons real; a machine too loaded to scan still gives the other figures.
      await observatory.scan(CONTACT_DOMAINS).catch((error: unknown) => {
        console.log(`[chromium] lab domains not scanned (${errorText(error)}): their grades are "pending"`);
      });
      for (const contacts of sizes) await browserFigures(state, contacts, observatory.url);
    }
  } finally {
    await observatory.stop();
    if (labStarted) {
      const { labDown } = await import('../lab/lab.ts');
      await labDown();
    }
  }
  console.log(
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

/** Targets of issue 11, at 5,000 contacts. */
const TARGET = {
  warmMs: 3_000,
  coldMs: 60_000,
  renderMs: 100,
  statusBytes: 10 * 1024,
  heapBytes: 30 * 1024 * 1024,
  storageBytes: 3 * 1024 * 1024,
};

/** Fills the profile's OMEMO cache for every roster contact (fresh-omemo-cache.ts); returns how many were added. */
async function fillOmemoCache(local: StorageArea, account: string): Promise<number> {
  const roster = await readStoredRoster(local, account);
  const asked = await readOmemoCache(local, account);
  const entries = filledOmemoEntries(roster?.items.map((i) => i.jid) ?? [], asked, Date.now());
  await local.set({ omemoCache: { account, entries } });
  return entries.length - asked.size;
}

/** The check in Node against a network of the bench's own, cold then warm, per roster size. */
async function networkFigures(
  server: 'prosody' | 'ejabberd',
  sizes: readonly number[],
  domainCount: number,
  observatoryUrl: string,
): Promise<void> {
  const t0 = performance.now();
  const rosters = Object.fromEntries(sizes.map((n) => [`bench${n}`, n]));
  const net = await startObserveNetwork({ domains: domainCount, contacts: 1, rosters, home: server });
  const relay = await startStanzaRelay({ listenHost: '127.0.6.9', target: net.websocketTarget });
  console.log(
    `\n[${server}] network of ${domainCount} contact domains, rosters ${sizes.join(' and ')} written into storage: ready in ${Math.round(performance.now() - t0)} ms`,
  );
  try {
    for (const contacts of sizes) {
      const profile = nodeProfile({
        jid: `bench${contacts}@${net.home}`,
        password: PASSWORD,
        websocketUrl: `ws://${relay.address}${net.websocketPath}`,
        observatoryUrl,
      });
      await net.closeS2s();
      const cold = await profile.check(relay);
      const coldStorage = profile.storageBytes();
      const filled = await fillOmemoCache(profile.local, `bench${contacts}@${net.home}`);
      console.log(
        `[${server}] ${contacts} contacts: ${filled} device lists the cold check left for later filled in (fresh-omemo-cache.ts)`,
      );
      const warm = await profile.check(relay);
      const messages = await profile.fullStatusBytes();
      const legacy = await profile.legacyStorageBytes();
      const domains = Math.min(domainCount, contacts);
      for (const [label, run] of [
        ['cold', cold],
        ['warm', warm],
      ] as const) {
        const shaped = applyShaper(run.frames, EJABBERD_DEFAULT_C2S);
        const refused = run.failure ? ` FAILED: ${run.failure}` : '';
        console.log(
          `[${server}] ${contacts} contacts, ${label} check: ${Math.round(run.ms)} ms (target ${label === 'cold' ? `< ${TARGET.coldMs} ms` : `< ${TARGET.warmMs} ms`}), ${run.contacts} results${refused}`,
        );
        console.log(
          `[${server}]   stanzas sent to the user's server: ${run.stanzas} (warm target < 2 × ${domains} domains + 100 = ${2 * domains + 100}); ${Object.entries(
            run.stanzasByElement,
          )
            .map(([e, n]) => `${e} ${n}`)
            .join(', ')}`,
        );
        console.log(
          `[${server}]   bytes sent ${shaped.bytes}, busiest second ${shaped.peakBytesPerSecond} B; ejabberd's default c2s shaper (3,000 B/s, burst 20,000) would hold back ${shaped.throttled} stanzas (target 0), longest by ${Math.round(shaped.longestDelayMs)} ms`,
        );
        console.log(
          `[${server}]   phases (start ms): ${run.phases.map(([p, ms]) => `${p} ${Math.round(ms)}`).join(', ')}`,
        );
        console.log(
          `[${server}]   status message during the check: at most ${run.statusBytesMax} B (target < ${TARGET.statusBytes} B)`,
        );
      }
      console.log(
        `[${server}] ${contacts} contacts: status ${messages.lean} B; packed results answer ${messages.packedResults} B, asked once per completed check; peer: the full-results status of before ${messages.full} B on every poll`,
      );
      console.log(
        `[${server}] ${contacts} contacts: storage.local ${coldStorage} B after the cold check, ${profile.storageBytes()} B after the warm one (target < ${TARGET.storageBytes} B; ${profile
          .storageByKey()
          .slice(0, 4)
          .map(([k, b]) => `${k} ${b}`)
          .join(', ')}); peer: ${legacy} B with the results unpacked as before`,
      );
    }
  } finally {
    await relay.close();
    await net.stop();
  }
}

const OBSERVED_DOMAINS = 50;
const RUNS = 5;

/**
 * The observer's cost: the same 1,000-contact check (login, roster, 2,000 OMEMO queries) with and
 * without observing its 50 domains, each run cold (every s2s link closed first, so each is set up
 * again), medians of interleaved runs; then one account with an extra contact on a dead domain.
 */
async function observerFigures(contacts: number): Promise<void> {
  const net = await startObserveNetwork({ domains: OBSERVED_DOMAINS, contacts });
  try {
    const check = async (user: string, observe: boolean) => {
      await net.closeS2s();
      const started = performance.now();
      const result = await checkXmppAccount({
        jid: `${user}@${HOME}`,
        password: PASSWORD,
        endpoint: net.websocketUrl,
        transport: 'websocket',
        timeoutMs: 15_000,
        ...(observe ? {} : { observe: false as const }),
      });
      return { ms: performance.now() - started, result };
    };
    await check('bench', true); // warm-up: JIT, first SCRAM hashing on the server
    const without: number[] = [];
    const withObservation: number[] = [];
    let outcomes = '';
    for (let i = 0; i < RUNS; i++) {
      without.push((await check('bench', false)).ms);
      const observed = await check('bench', true);
      withObservation.push(observed.ms);
      outcomes = countOutcomes([...observed.result.observations.values()].map((o) => o.outcome));
    }
    const base = median(without);
    const full = median(withObservation);
    console.log(
      `observer: ${contacts}-contact check over ${OBSERVED_DOMAINS} domains, cold s2s, median of ${RUNS}: ${Math.round(base)} ms without observation, ${Math.round(full)} ms with it: observation adds ${Math.round(full - base)} ms (target < 1,000 ms); outcomes ${outcomes}`,
    );
    // The observation on its own: one logged-in session asks the user's server to reach every domain.
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      cold.push(await observationAlone(net, true));
      warm.push(await observationAlone(net, false));
    }
    console.log(
      `observer: observing ${OBSERVED_DOMAINS} domains on its own (ping, disco, version; ${OBSERVE_CONCURRENCY} at a time), median of ${RUNS}: ${Math.round(median(cold))} ms with every s2s link to set up, ${Math.round(median(warm))} ms with the links already up`,
    );
    const dead = await check('benchdead', true);
    const deadObservation = dead.result.observations.get(DEAD);
    console.log(
      `observer: the same check plus one contact on ${DEAD} (accepts TCP, never speaks): ${Math.round(dead.ms)} ms, ${Math.round(dead.ms - full)} ms more than with every link up (budget per domain ${OBSERVE_BUDGET_MS} ms); ${DEAD} observed as ${deadObservation?.outcome ?? 'missing'}, its contact's OMEMO ${dead.result.omemo.get(`nobody@${DEAD}`) === null ? 'unknown' : 'answered'}`,
    );
  } finally {
    await net.stop();
  }
}

async function observationAlone(net: ObserveNetwork, cold: boolean): Promise<number> {
  if (cold) await net.closeS2s();
  const client = createXmppClient({
    service: net.websocketUrl,
    domain: HOME,
    username: 'bench',
    secret: { password: PASSWORD },
    resource: randomResource(),
    timeoutMs: 15_000,
    plainAllowed: true,
  });
  try {
    await startClient(client.entity);
    const started = performance.now();
    const observations = await observeDomains({
      ask: (stanza, ms) => client.iqCaller.request(stanza, ms),
      userDomain: HOME,
      domains: net.domains,
      budgetMs: OBSERVE_BUDGET_MS,
      concurrency: OBSERVE_CONCURRENCY,
      now: () => new Date(),
    });
    const ms = performance.now() - started;
    const notOk = [...observations.values()].filter((o) => o.outcome !== 'ok');
    if (notOk.length > 0)
      throw new Error(`observer: ${notOk.length} domains not ok, e.g. ${JSON.stringify(notOk[0])}`);
    return ms;
  } finally {
    await client.entity.stop().catch(() => {});
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function countOutcomes(outcomes: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(o, (counts.get(o) ?? 0) + 1);
  return [...counts].map(([o, n]) => `${o} ×${n}`).join(', ');
}

async function browserFigures(state: LabState, contacts: number, observatoryUrl: string): Promise<void> {
  const user = `bench${contacts}`;
  const t0 = performance.now();
  await seedBenchUser(user, contacts);
  console.log(
    `\n[chromium] ${user}@good.test with ${contacts} contacts seeded in ${Math.round(performance.now() - t0)} ms`,
  );
  await build();
  const cert = await readFile(state.domains['good.test']?.certFile as string, 'utf8');
  const ext = await launchExtension({
    timeoutMs: 90_000,
    args: [
      `--host-resolver-rules=MAP good.test ${state.domains['good.test']?.address}`,
      `--ignore-certificate-errors-spki-list=${spkiHash(cert)}`,
    ],
  });
  try {
    const page = await ext.openPage('options.html');
    const send = (message: unknown) => page.evaluate((m) => chrome.runtime.sendMessage(m), message);
    await send({
      type: 'saveSettings',
      settings: {
        jid: `${user}@good.test`,
        endpoint: { mode: 'url', url: 'wss://good.test:5281/xmpp-websocket' },
        transport: 'websocket',
        observatoryUrl,
        privacyMode: false,
        checkIntervalMinutes: 60,
        notifications: false,
      },
    });
    const heapBefore = await workerHeap(ext);
    await send({ type: 'saveCredentials', password: BENCH_PASSWORD, remember: false });
    // Saving the settings may have started a check already: wait for it, then time our own.
    await untilIdle(send);
    const cold = await timedCheck(send);
    const heapAfter = await workerHeap(ext);
    // Warm means every cache fresh: the device lists the cold check left for later are filled in.
    const filled = await ext.worker.evaluate(
      async ({ account }) => {
        const stored = (await chrome.storage.local.get(['omemoCache', 'rosterCache'])) as {
          omemoCache?: { entries: [string, 1 | 0 | null, number][] };
          rosterCache?: { items: [string][] };
        };
        const asked = stored.omemoCache?.entries ?? [];
        const byJid = new Map(asked.map((e) => [e[0], e]));
        const byDomain = new Map(asked.map((e) => [e[0].slice(e[0].indexOf('@') + 1), e[1]]));
        const now = Date.now();
        const entries = (stored.rosterCache?.items ?? []).map(([jid]) => {
          return byJid.get(jid) ?? [jid, byDomain.get(jid.slice(jid.indexOf('@') + 1)) ?? null, now];
        });
        await chrome.storage.local.set({ omemoCache: { account, entries } });
        return entries.length - asked.length;
      },
      { account: `${user}@good.test` },
    );
    console.log(
      `[chromium] ${contacts} contacts: ${filled} device lists the cold check left for later filled in`,
    );
    const warm = await timedCheck(send);
    const badge = await ext.worker.evaluate(() => chrome.action.getBadgeText({}));
    // The snapshot lives in the Cache API; storage.local holds settings, results and a few facts.
    const localBytes = await ext.worker.evaluate(() => chrome.storage.local.getBytesInUse(null));

    const popup = await ext.context.newPage();
    await popup.goto(`chrome-extension://${ext.extensionId}/popup.html`);
    // The list is windowed (src/extension/popup/ResultList.tsx): its rows announce the whole list's size.
    await popup.waitForFunction(
      (n) => document.querySelector('li.row')?.getAttribute('aria-setsize') === String(n),
      contacts,
      { timeout: 60_000 },
    );
    const polledMs = await popup.evaluate(() => performance.now());
    const rowsInDom = await popup.evaluate(() => document.querySelectorAll('li.row').length);
    // The popup's own User Timing measures (src/extension/popup/render-timing.ts).
    const render = await popup.evaluate(
      (names) =>
        names.map((name) => performance.getEntriesByName(name, 'measure')[0]?.duration ?? Number.NaN),
      [RENDER_MEASURES.statusToRows, RENDER_MEASURES.navigationToRows],
    );
    for (const [label, run] of [
      ['cold', cold],
      ['warm', warm],
    ] as const) {
      console.log(
        `[chromium] ${contacts} contacts, ${label} check, request → badge "${badge}": ${Math.round(run.ms)} ms (target ${label === 'cold' ? `< ${TARGET.coldMs}` : `< ${TARGET.warmMs}`} ms); status message at most ${run.statusBytesMax} B (target < ${TARGET.statusBytes} B)`,
      );
      console.log(
        `[chromium]   phases (start ms): ${run.phases.map(([p, ms]) => `${p} ${Math.round(ms)}`).join(', ')}`,
      );
    }
    console.log(
      `[chromium] ${contacts} contacts: popup first render ${Math.round(render[0] ?? Number.NaN)} ms from the results' arrival to the first rows in the DOM (target < ${TARGET.renderMs} ms), ${Math.round(render[1] ?? Number.NaN)} ms from navigation (page load, status, results, render); rows seen by the bench's poll after layout and paint ${Math.round(polledMs)} ms from navigation; ${rowsInDom} of ${contacts} rows in the DOM (the window around the viewport)`,
    );
    console.log(
      `[chromium] ${contacts} contacts: service worker JS heap ${mb(heapBefore)} before, ${mb(heapAfter)} after the cold cycle (target < ${mb(TARGET.heapBytes)}; CDP Runtime.getHeapUsage, used)`,
    );
    console.log(
      `[chromium] ${contacts} contacts: storage.local in use ${localBytes} B (target < ${TARGET.storageBytes} B; Chrome's cap 10,485,760 B)`,
    );
  } finally {
    await ext.close();
  }
}

type Send = (message: unknown) => Promise<unknown>;
interface StatusValue {
  cycle: { state: string; progress?: { phase: string } };
  failure: { message: string } | null;
}

async function untilIdle(send: Send): Promise<void> {
  for (;;) {
    const status = (await send({ type: 'getStatus' })) as { value: StatusValue };
    if (status.value.cycle.state !== 'running') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One refresh, polled like the popup polls (here every 50 ms), until the cycle ends. */
async function timedCheck(
  send: Send,
): Promise<{ ms: number; statusBytesMax: number; phases: [string, number][] }> {
  const started = performance.now();
  await send({ type: 'runCheck', trigger: 'refresh' });
  const phases: [string, number][] = [];
  let statusBytesMax = 0;
  for (;;) {
    const reply = await send({ type: 'getStatus' });
    statusBytesMax = Math.max(statusBytesMax, JSON.stringify(reply).length);
    const status = (reply as { value: StatusValue }).value;
    const phase = status.cycle.state === 'running' ? (status.cycle.progress?.phase ?? '?') : 'done';
    if (phases.at(-1)?.[0] !== phase) phases.push([phase, performance.now() - started]);
    if (status.cycle.state !== 'running') {
      if (status.failure) throw new Error(`the check failed: ${status.failure.message}`);
      return { ms: performance.now() - started, statusBytesMax, phases };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The service worker's used JS heap, from CDP `Runtime.getHeapUsage` on its target (a worker has no
 * `performance.memory`). Playwright gives CDP sessions for pages only, so the worker's target is
 * reached through a page session's Target domain (non-flat mode: messages wrapped by the browser).
 */
async function workerHeap(ext: ExtensionBrowser): Promise<number | null> {
  const page = await ext.context.newPage();
  try {
    const cdp = await ext.context.newCDPSession(page);
    const { targetInfos } = (await cdp.send('Target.getTargets')) as {
      targetInfos: { targetId: string; type: string; url: string }[];
    };
    const target = targetInfos.find((t) => t.type === 'service_worker' && t.url.includes(ext.extensionId));
    if (!target) return null;
    const { sessionId } = (await cdp.send('Target.attachToTarget', {
      targetId: target.targetId,
      flatten: false,
    })) as {
      sessionId: string;
    };
    const answer = new Promise<number | null>((resolve) => {
      cdp.on('Target.receivedMessageFromTarget', (event: { sessionId: string; message: string }) => {
        const reply = JSON.parse(event.message) as { id?: number; result?: { usedSize: number } };
        if (event.sessionId === sessionId && reply.id === 1) resolve(reply.result?.usedSize ?? null);
      });
    });
    await cdp.send('Target.sendMessageToTarget', {
      sessionId,
      message: JSON.stringify({ id: 1, method: 'Runtime.getHeapUsage' }),
    });
    const used = await Promise.race([answer, new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
    await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => {});
    return used;
  } finally {
    await page.close();
  }
}

function mb(bytes: number | null): string {
  return bytes === null ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

main().catch((error: unknown) => {
  console.error(`extension bench: ${errorText(error)}`);
  process.exitCode = 1;
});
