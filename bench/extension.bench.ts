// The extension with a 1,000-contact roster, in Debian's Chromium against the running lab: check cycle
// time from the request to the badge (login, roster, 2,000 OMEMO queries, grades, paths), the popup's
// first render of 1,000 rows, and the service worker's JS heap after a cycle. Prints figures only.
// Run (root, lab started or startable): node bench/extension.bench.ts [--contacts 1000]

import { execFile } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { ensureLab, STATE_FILE } from '../lab/lab.ts';
import type { LabState } from '../lab/state.ts';
import { errorText } from '../src/core/error-text.ts';
import { RENDER_MEASURES } from '../src/extension/popup/render-timing.ts';
import { build } from '../test/browser/build-once.ts';
import { type ExtensionBrowser, launchExtension } from '../test/support/browser.ts';
import { startTestObservatory } from '../test/support/observatory-for-tests.ts';
import { login, trustLabCertificates } from '../test/support/xmpp.ts';

const BENCH_USER = 'bench';
const BENCH_PASSWORD = 'bench-pw';
/** Contacts spread over reachable lab domains, so the OMEMO queries cross s2s like real ones. */
const CONTACT_DOMAINS = ['good.test', 'other.test', 'weak.test', 'dane.sec.test'];

declare const chrome: {
  runtime: { sendMessage(message: unknown): Promise<unknown> };
  action: { getBadgeText(details: object): Promise<string> };
  storage: { local: { getBytesInUse(keys: null): Promise<number> } };
};

async function registerBenchUser(state: LabState, contacts: number): Promise<void> {
  const config = join(import.meta.dirname, '../lab/.state/prosody/good.test/prosody.cfg.lua');
  await promisify(execFile)('prosodyctl', [
    '--config',
    config,
    'register',
    BENCH_USER,
    'good.test',
    BENCH_PASSWORD,
  ]);
  trustLabCertificates(state);
  const session = await login(state, `${BENCH_USER}@good.test`, {
    password: BENCH_PASSWORD,
    available: false,
  });
  try {
    const have = new Set((await session.getRoster()).map((item) => item.jid));
    const wanted = Array.from(
      { length: contacts },
      (_, i) => `user${i}@${CONTACT_DOMAINS[i % CONTACT_DOMAINS.length]}`,
    );
    for (const jid of wanted.filter((j) => !have.has(j)))
      await session.setRosterItem({ jid, name: `Contact ${jid}` });
  } finally {
    await session.close();
  }
}

function spkiHash(pem: string): string {
  const der = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { contacts: { type: 'string', default: '1000' } } });
  const contacts = Number(values.contacts);
  const { state, started: labStarted } = await ensureLab();
  process.env.HOPLIGHT_LAB_STATE = STATE_FILE;
  const t0 = performance.now();
  await registerBenchUser(state, contacts);
  console.log(`roster of ${contacts} ready in ${Math.round(performance.now() - t0)} ms`);
  await build();
  const observatory = await startTestObservatory();
  await observatory.scan(CONTACT_DOMAINS);
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
        jid: `${BENCH_USER}@good.test`,
        endpoint: { mode: 'url', url: 'wss://good.test:5281/xmpp-websocket' },
        transport: 'websocket',
        observatoryUrl: observatory.url,
        privacyMode: false,
        checkIntervalMinutes: 60,
        notifications: false,
      },
    });
    const heapBefore = await workerHeap(ext);
    await send({ type: 'saveCredentials', password: BENCH_PASSWORD, remember: false });
    const started = performance.now();
    await send({ type: 'runCheck', trigger: 'refresh' });
    const phases: [string, number][] = [];
    for (;;) {
      const status = (await send({ type: 'getStatus' })) as {
        value: {
          cycle: { state: string; progress?: { phase: string } };
          failure: { message: string } | null;
        };
      };
      const phase =
        status.value.cycle.state === 'running' ? (status.value.cycle.progress?.phase ?? '?') : 'done';
      if (phases.at(-1)?.[0] !== phase) phases.push([phase, performance.now() - started]);
      if (status.value.cycle.state !== 'running') {
        if (status.value.failure) throw new Error(`the check failed: ${status.value.failure.message}`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const cycleMs = performance.now() - started;
    const badge = await ext.worker.evaluate(() => chrome.action.getBadgeText({}));
    const heapAfter = await workerHeap(ext);
    // The snapshot lives in the Cache API; storage.local holds settings, results and a few facts.
    const localBytes = await ext.worker.evaluate(() => chrome.storage.local.getBytesInUse(null));

    const popup = await ext.context.newPage();
    await popup.goto(`chrome-extension://${ext.extensionId}/popup.html`);
    await popup.waitForFunction((n) => document.querySelectorAll('li.row').length >= n, contacts, {
      timeout: 60_000,
    });
    // As before: when the bench's poll saw the rows, after layout and paint; an upper bound.
    const polledMs = await popup.evaluate(() => performance.now());
    // The popup's own User Timing measures (src/extension/popup/render-timing.ts).
    const render = await popup.evaluate(
      (names) =>
        names.map((name) => performance.getEntriesByName(name, 'measure')[0]?.duration ?? Number.NaN),
      [RENDER_MEASURES.statusToRows, RENDER_MEASURES.navigationToRows],
    );
    console.log(`check cycle, request → badge "${badge}": ${Math.round(cycleMs)} ms`);
    console.log(`  phases (start ms): ${phases.map(([p, ms]) => `${p} ${Math.round(ms)}`).join(', ')}`);
    console.log(
      `popup first render of ${contacts} rows: ${Math.round(render[0] ?? Number.NaN)} ms from the background's answer to the rows in the DOM (render only), ${Math.round(render[1] ?? Number.NaN)} ms from navigation (page load + answer + render); rows seen by the bench's poll after layout and paint ${Math.round(polledMs)} ms from navigation`,
    );
    console.log(
      `service worker JS heap: ${mb(heapBefore)} before, ${mb(heapAfter)} after the cycle (CDP Runtime.getHeapUsage, used)`,
    );
    console.log(`storage.local in use after the cycle: ${(localBytes / 1024).toFixed(1)} KiB of 10,240 KiB`);
  } finally {
    await ext.close();
    await observatory.stop();
    if (labStarted) {
      const { labDown } = await import('../lab/lab.ts');
      await labDown();
    }
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
