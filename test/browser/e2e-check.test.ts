// The whole check cycle in Debian's Chromium and in Debian's Firefox ESR: the built extension signs in
// to the lab as alice@good.test (over WebSocket, then BOSH, both over TLS), reads her roster and OMEMO
// lists, looks grades up in a real observatory that scanned the lab, and the popup shows each contact's
// light with its reasons. Then the failures: the background stopped mid-check, a wrong password, a dead
// server, a dead observatory. Last, in the same browser, an ejabberd user of each password storage: the
// check over BOSH as eve@ejabberd.test (SCRAM storage) and over WebSocket as zoe@ejabberd2.test (plain
// storage, whose new salt at every login "remember me" must explain, not blame on the user). Every case
// runs in both browsers, written once against ExtensionDriver.
import { mkdir, readFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabState } from '../../lab/state.ts';
import { seriousViolations } from '../support/axe.ts';
import { ACCOUNT, LAB_DOMAINS, PASSWORD } from '../support/e2e-account.ts';
import {
  BROWSER_NAMES,
  button,
  byLabel,
  check,
  clickButton,
  count,
  type ExtensionDriver,
  fill,
  hasLabel,
  launchDriver,
  PRIVACY_LABELS,
  sendMessage,
  statusWithResults,
  text,
  texts,
  withApi,
} from '../support/extension-driver.ts';
import { freedPort } from '../support/freed-port.ts';
import { startTestObservatory, type TestObservatory } from '../support/observatory-for-tests.ts';
import { login, trustLabCertificates } from '../support/xmpp.ts';
import { build, SCREENSHOTS } from './build-once.ts';

interface StatusReply {
  ok: boolean;
  value: {
    lastCheck: string | null;
    cycle: { state: string; progress?: { phase: string } };
    failure: { kind: string; message: string } | null;
    stale: boolean;
    problem: string | null;
    results: { jid: string; light: string; hops: { name: string }[] }[];
  };
}

/** The credentials state in a getStatus reply: what the options page words. */
interface StatusCredentials {
  value: { credentials: string };
}

const WSS = 'wss://good.test:5281/xmpp-websocket';
const BOSH = 'https://good.test:5281/http-bind';
/** The lab's two ejabberd domains (one node): graded too, so their users' lights are real. */
const EJABBERD_DOMAINS = ['ejabberd.test', 'ejabberd2.test'];
const GRADED = [...LAB_DOMAINS, ...EJABBERD_DOMAINS];

function status(page: Page): Promise<StatusReply> {
  return statusWithResults(page) as Promise<StatusReply>;
}

let observatory: TestObservatory;
let lab: LabState;
/** The extension's English texts, as the options page shows them. */
let english: Record<string, { message: string }>;
/** A TCP server that accepts and never answers: a check against it stays in "login". */
let silent: Server;
const silentSockets = new Set<Socket>();
let silentUrl: string;

beforeAll(async () => {
  await build();
  await mkdir(SCREENSHOTS, { recursive: true });
  lab = JSON.parse(await readFile(process.env.HOPLIGHT_LAB_STATE as string, 'utf8')) as LabState;
  english = JSON.parse(
    await readFile(new URL('../../src/extension/_locales/en/messages.json', import.meta.url), 'utf8'),
  ) as typeof english;
  observatory = await startTestObservatory();
  await observatory.scan(GRADED);
  silent = createServer((socket) => {
    silentSockets.add(socket);
    socket.on('close', () => silentSockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentUrl = `ws://127.0.0.1:${(silent.address() as { port: number }).port}/xmpp-websocket`;
});
afterAll(async () => {
  for (const socket of silentSockets) socket.destroy();
  await new Promise((resolve) => silent?.close(resolve));
  await observatory?.stop();
});

describe.each(BROWSER_NAMES)('the check cycle end to end in %s', (browserName) => {
  let ext: ExtensionDriver;
  const shot = (name: string) => `${SCREENSHOTS}/${name}-${browserName}.png`;

  beforeAll(async () => {
    ext = await launchDriver(browserName, {
      timeoutMs: 90_000,
      hosts: Object.fromEntries(
        ['good.test', ...EJABBERD_DOMAINS].map((d) => [d, lab.domains[d]?.address as string]),
      ),
      trustedCertificates: await Promise.all(
        [...new Set(['good.test', ...EJABBERD_DOMAINS].map((d) => lab.domains[d]?.certFile as string))].map(
          (file) => readFile(file, 'utf8'),
        ),
      ),
      // Firefox unloads an idle event page after 30 s; 2 s here, so every check outlives the timer and
      // shows that a running check keeps the background alive.
      backgroundIdleMs: 2_000,
    });
  });
  afterAll(async () => {
    await ext?.close();
  });

  async function fillOptions(
    options: Page,
    values: { transport: 'WebSocket' | 'BOSH'; url: string; observatory: string; password?: string },
  ): Promise<void> {
    await expect.poll(() => hasLabel(options, 'XMPP address')).toBe(true);
    await fill(options, 'XMPP address', ACCOUNT);
    if (values.password !== undefined) await fill(options, 'Password', values.password);
    await check(options, values.transport);
    await check(options, 'Use this URL');
    await fill(options, 'Connection URL', values.url);
    await fill(options, 'Observatory URL', values.observatory);
  }

  async function save(options: Page): Promise<void> {
    await clickButton(options, 'Save');
    await expect.poll(() => text(options, '[role="status"]')).toBe('Settings saved.');
  }

  /** Waits until no check runs and returns the status. */
  async function settled(page: Page): Promise<StatusReply['value']> {
    await expect
      .poll(async () => (await status(page)).value.cycle.state, { timeout: 60_000, interval: 200 })
      .toBe('idle');
    return (await status(page)).value;
  }

  async function expectContactRows(popup: Page, transportName: string): Promise<void> {
    const row = (jid: string) => `li.row[data-jid="${jid}"]`;
    await expect.poll(() => count(popup, row('bob@weak.test')), { timeout: 30_000 }).toBe(1);

    // Same domain: no server-to-server hop; good.test is graded A and the link is wss:/https:.
    expect(await text(popup, `${row('bob@good.test')} .path-label`)).toBe('Protected');
    expect(await texts(popup, `${row('bob@good.test')} .hops > li`)).toEqual([
      'You → your server: Protected',
      'Their server → them: Protected',
      expect.stringMatching(/^OMEMO: (available|not set up|unknown)$/),
    ]);

    expect(await text(popup, `${row('erin@other.test')} .path-label`)).toBe('Protected');
    expect(await texts(popup, `${row('erin@other.test')} .hops > li`)).toContain(
      'Server → server: Protected',
    );

    const weak = row('bob@weak.test');
    expect(await text(popup, `${weak} .path-label`)).toBe('Unsafe');
    await popup.click(`${weak} .row-head`);
    await expect
      .poll(() => popup.$eval(`${weak} .row-head`, (e) => e.getAttribute('aria-expanded')))
      .toBe('true');
    const weakReasons = (await text(popup, `${weak} .details`)) ?? '';
    // The plain sentence, what to do, the report link; the jargon in the details.
    expect(weakReasons).toContain(
      'Apps cannot be sure they are really talking to weak.test: an impostor could pose as it.',
    );
    expect(weakReasons).toContain(
      'What you can do: Tell your contact: they can ask the operator of weak.test to fix this, or move to another server.',
    );
    expect(weakReasons).toContain('weak.test still accepts outdated encryption from apps.');
    // The jargon is in a <details> of its own reason (the first hop's is good.test's, green).
    expect((await texts(popup, `${weak} .details details`)).join(' ')).toContain('not valid for this domain');
    // Each reason links to the report of the domain it is about: weak.test's reasons to weak.test's.
    expect(
      await popup.$$eval(`${weak} .details .about a`, (links) =>
        links.map((a) => (a as HTMLAnchorElement).href),
      ),
    ).toContain(`${observatory.url.replace(/\/+$/, '')}/domain/weak.test`);
    expect(weakReasons).toContain('Still accepts TLS 1.0');
    // When the domains this row was judged by were scanned.
    expect(weakReasons).toMatch(/good\.test: scanned .*weak\.test: scanned /);

    // DANE alone vouches for dane.sec.test, which good.test's Prosody does not check: dialback, yellow.
    const heidi = row('heidi@dane.sec.test');
    expect(await text(popup, `${heidi} .path-label`)).toBe('Weakened');
    await popup.click(`${heidi} .row-head`);
    await expect.poll(() => text(popup, `${heidi} .details`)).toContain('vouched for only by DANE');

    // Keyboard: focus the row's head and press Enter.
    const dave = row('dave@plain.test');
    expect(await text(popup, `${dave} .path-label`)).toBe('Unsafe');
    await popup.focus(`${dave} .row-head`);
    await popup.keyboard.press('Enter');
    await expect
      .poll(() => text(popup, `${dave} .details`))
      .toContain('plain.test does not encrypt connections from chat apps');
    expect(await text(popup, `${dave} .details`)).toContain(
      'insists on encryption but plain.test offers none',
    );
    // What alice's own server said when asked to reach plain.test: it bounces now.
    expect(await text(popup, `${dave} .details`)).toContain(
      'Your server and plain.test cannot agree on encryption: messages bounce.',
    );

    // Worst first: every red row comes before the first green one.
    const lights = await texts(popup, 'li.row .path-label');
    expect(lights.lastIndexOf('Unsafe')).toBeLessThan(lights.indexOf('Protected'));

    await popup.setViewport({ width: 360, height: 900 });
    await popup.screenshot({ path: shot(`e2e-popup-${transportName}`), fullPage: true });
    expect(await seriousViolations(popup)).toEqual([]);
  }

  it('first run: from install through the setup to a first result over WebSocket, every contact with reasons', async () => {
    // The setup the install opened: nothing runs before its last step.
    const options = await ext.waitForPage('/options.html');
    await expect.poll(() => text(options, 'h1')).toBe('Set up Hoplight');
    await fill(options, 'XMPP address', ACCOUNT);
    await fill(options, 'Password', PASSWORD);
    await check(options, 'WebSocket');
    await check(options, 'Use this URL');
    await fill(options, 'Connection URL', WSS);
    await clickButton(options, 'Test connection');
    // The default observatory (npm start's) is not running here: the test says so, in plain words.
    await expect
      .poll(() => text(options, '#test-result'), { timeout: 30_000 })
      .toMatch(
        /^Connected as alice@good\.test\/[0-9a-f]{16} at wss:\/\/good\.test:5281\/xmpp-websocket \(encrypted, SCRAM-SHA-\d+\); 9 contacts\. No observatory answered: contacts will be listed without their servers' grades\.$/,
      );
    expect(await seriousViolations(options)).toEqual([]);
    await clickButton(options, 'Next');
    await fill(options, 'Observatory URL', observatory.url);
    await clickButton(options, 'Test observatory');
    await expect
      .poll(() => text(options, '#probe-result'), { timeout: 30_000 })
      .toBe(
        `A Hoplight observatory answered at ${observatory.url} (API version 1, ${GRADED.length} domains graded).`,
      );
    await options.screenshot({ path: shot('e2e-setup-observatory'), fullPage: true });
    expect(await seriousViolations(options)).toEqual([]);
    expect((await withApi(options, (api) => api.storage.local.get(null), null)).settings).toBeUndefined();
    await clickButton(options, 'Next');
    // The test observatory is on loopback, the user's own: asking it is preselected.
    expect(
      await (await byLabel(options, PRIVACY_LABELS.ask)).evaluate((e) => (e as HTMLInputElement).checked),
    ).toBe(true);
    await clickButton(options, 'Save and start');
    await expect.poll(() => text(options, '.setup-done')).toMatch(/^Setup saved: the first check runs now\./);
    await options.screenshot({ path: shot('e2e-options-saved'), fullPage: true });
    expect(await seriousViolations(options)).toEqual([]);
    const permissions = await withApi(options, (api) => api.permissions.getAll(), null);
    const granted = permissions.origins ?? [];
    if (browserName === 'firefox') {
      // Save asked for host access from the click (the user's gesture), before the first check, and,
      // since lookups send contacts' server names, for that optional data collection in the same prompt.
      expect(granted).toEqual(expect.arrayContaining(['wss://good.test/*', 'http://127.0.0.1/*']));
      expect(permissions.data_collection).toEqual(['personalCommunications']);
    } else {
      // Headless Chromium leaves that prompt unanswered; the check runs without it (the observatory
      // and the lab's BOSH send CORS headers, WebSocket needs none).
      expect(granted).toEqual([]);
    }
    await options.close();

    const popup = await ext.openPage('popup.html');
    const done = await settled(popup);
    expect(done.failure).toBeNull();
    expect(done.problem).toBeNull();
    expect(done.results).toHaveLength(9);
    await ext.reload(popup);
    await expectContactRows(popup, 'websocket');
    // The English one of the popup's three languages (languages.test.ts takes German and French).
    await popup.screenshot({ path: shot('popup-lang-en'), fullPage: true });

    // Search and filter by light.
    await fill(popup, 'Search contacts', 'WEAK');
    await expect.poll(() => count(popup, 'li.row')).toBe(1);
    await fill(popup, 'Search contacts', '');
    await (await byLabel(popup, 'Show contacts with the light')).select('green');
    await expect
      .poll(() => texts(popup, 'li.row .path-label'))
      .toEqual(['Protected', 'Protected', 'Protected']);
    await (await byLabel(popup, 'Show contacts with the light')).select('all');

    // Badge: the red contacts; the password stayed in storage.session, nothing in sync.
    const red = done.results.filter((r) => r.light === 'red').length;
    expect(red).toBeGreaterThan(0);
    expect(await withApi(popup, (api) => api.action.getBadgeText({}), null)).toBe(String(red));
    expect(await withApi(popup, (api) => api.action.getTitle({}), null)).toMatch(
      /^Hoplight: \d+ unsafe, \d+ weakened$/,
    );
    const local = await withApi(popup, (api) => api.storage.local.get(null), null);
    expect(JSON.stringify(local)).not.toContain(PASSWORD);
    // The snapshot is in the Cache API with its ETag; storage.local keeps only a few facts about it.
    expect(local.snapshot).toBeUndefined();
    expect(local.snapshotFacts).toMatchObject({ domainCount: GRADED.length });
    const cached = await popup.evaluate(async () => {
      const cache = await caches.open('hoplight-snapshot');
      const requests = await cache.keys();
      const response = requests[0] ? await cache.match(requests[0]) : undefined;
      return {
        urls: requests.map((r) => r.url),
        etag: response?.headers.get('etag') ?? null,
        // A list of summaries (never an object keyed by domain: snapshot-store.ts).
        domains: (((await response?.json()) ?? []) as { domain: string }[]).map((d) => d.domain).sort(),
      };
    });
    expect(cached).toEqual({
      urls: [`${observatory.url}/api/v1/snapshot`],
      etag: expect.stringMatching(/^(W\/)?".+"$/),
      domains: [...GRADED].sort(),
    });
    expect(await withApi(popup, (api) => api.storage.sync.get(null), null)).toEqual({});
    expect(JSON.stringify(await withApi(popup, (api) => api.storage.session.get(null), null))).toContain(
      PASSWORD,
    );
    await popup.close();
  });

  it('shows "cannot be delivered" for a contact whose domain does not exist, as alice’s server says', async () => {
    trustLabCertificates(lab);
    const session = await login(lab, ACCOUNT, { password: PASSWORD, available: false });
    await session.setRosterItem({ jid: 'ghost@nxdomain.test', name: 'Ghost' });
    try {
      // Privacy mode (the snapshot only): the shared test observatory never hears of nxdomain.test.
      await withSettings({ privacyMode: true }, async (popup) => {
        await clickButton(popup, 'Check now');
        const done = await settled(popup);
        expect(done.results.find((r) => r.jid === 'ghost@nxdomain.test')?.light).toBe('red');
        await ext.reload(popup);
        const ghost = 'li.row[data-jid="ghost@nxdomain.test"]';
        await expect.poll(() => count(popup, ghost)).toBe(1);
        await popup.click(`${ghost} .row-head`);
        await expect
          .poll(() => text(popup, `${ghost} .details`))
          .toContain('Your server cannot find nxdomain.test: messages to it bounce.');
        expect(await text(popup, `${ghost} .details`)).toContain(
          'Check that the contact’s address is right; if it is, tell them nxdomain.test cannot be found.',
        );
        expect(await text(popup, `${ghost} .details`)).toContain('NXDomain');
        await popup.setViewport({ width: 360, height: 900 });
        await popup.screenshot({ path: shot('e2e-popup-cannot-deliver'), fullPage: true });
        expect(await seriousViolations(popup)).toEqual([]);
      });
    } finally {
      await session.removeRosterItem('ghost@nxdomain.test');
      await session.close();
    }
  });

  it('checks over BOSH with the stored password and remembers SCRAM keys, not the password', async () => {
    const options = await ext.openPage('options.html');
    await fillOptions(options, {
      transport: 'BOSH',
      url: BOSH,
      observatory: observatory.url,
      password: PASSWORD,
    });
    await check(options, /Remember me/);
    await save(options);
    await options.close();

    const popup = await ext.openPage('popup.html');
    // Save's first check waits for the host-access answer, which headless Chromium never gives: there
    // the user's "Check now" runs it.
    if (!ext.answersPermissionPrompts) await clickButton(popup, 'Check now');
    // The check with the new settings (BOSH, remember me) is the one that stores SCRAM keys; a check
    // still running from before may end first.
    await expect
      .poll(
        async () =>
          (
            (await withApi(popup, (api) => api.storage.local.get(null), null)).rememberedCredentials as
              | { keys?: unknown }
              | undefined
          )?.keys !== undefined,
        { timeout: 60_000, interval: 200 },
      )
      .toBe(true);
    const done = await settled(popup);
    expect(done.failure).toBeNull();
    await ext.reload(popup);
    await expectContactRows(popup, 'bosh');
    const local = await withApi(popup, (api) => api.storage.local.get(null), null);
    const remembered = local.rememberedCredentials as {
      jid: string;
      keys?: { mechanism: string };
      password?: string;
    };
    expect(remembered.jid).toBe(ACCOUNT);
    expect(remembered.keys?.mechanism).toBe('SCRAM-SHA-1');
    expect(remembered.password).toBeUndefined();
    expect(JSON.stringify(local)).not.toContain(PASSWORD);

    // The browser restarts (storage.session is emptied): the remembered keys alone log in.
    await withApi(popup, (api) => api.storage.session.clear(), null);
    await sendMessage(popup, { type: 'runCheck', trigger: 'refresh' });
    const again = await settled(popup);
    expect(again.failure).toBeNull();
    expect(again.lastCheck).not.toBe(done.lastCheck);
    await popup.close();
  });

  it('recovers when the background is stopped in the middle of a check', async () => {
    const page = await ext.openPage('popup.html');
    const before = (await status(page)).value.lastCheck;
    const settings = (await sendMessage(page, { type: 'getSettings' })) as { value: Record<string, unknown> };
    // A server that never answers keeps the check in "login" long enough to stop the background there.
    await sendMessage(page, {
      type: 'saveSettings',
      settings: { ...settings.value, transport: 'websocket', endpoint: { mode: 'url', url: silentUrl } },
    });
    await sendMessage(page, { type: 'runCheck', trigger: 'refresh' });
    await expect.poll(async () => (await status(page)).value.cycle.progress?.phase).toBe('login');
    // The popup shows the progress of the running check beside the last results.
    const watching = await ext.openPage('popup.html');
    await expect.poll(() => text(watching, '.progress')).toBe('Signing in to your server…');
    expect(
      await (await button(watching, 'Checking…')).evaluate((b) => (b as HTMLButtonElement).disabled),
    ).toBe(true);
    await watching.setViewport({ width: 380, height: 600 });
    await watching.screenshot({ path: shot('e2e-popup-progress') });
    expect(await seriousViolations(watching)).toEqual([]);
    await watching.close();
    await sendMessage(page, { type: 'saveSettings', settings: { ...settings.value } });
    await page.close();

    await ext.stopBackground();
    const popup = await ext.openPage('popup.html');
    // The popup shows the last results at once and the re-run, then the new results.
    await expect.poll(() => count(popup, 'li.row')).toBe(9);
    const done = await settled(popup);
    expect(done.failure).toBeNull();
    expect(done.problem).toBeNull();
    expect(done.lastCheck).not.toBe(before);
    await popup.close();
  });

  it('keeps the background alive while a check runs, with no page talking to it', async () => {
    // Firefox here unloads an event page idle for 2 s; a check against a server that never answers lasts
    // until its own 15 s login deadline. Only a background kept alive gets there and records the failure:
    // an unloaded one leaves "running" in storage for good.
    await withSettings(
      { transport: 'websocket', endpoint: { mode: 'url', url: silentUrl } },
      async (popup) => {
        await sendMessage(popup, { type: 'runCheck', trigger: 'refresh' });
        const reader = await ext.openPage('options.html');
        await popup.close();
        // storage.local is read from the page itself: no message reaches (or wakes) the background.
        const stored = () => withApi(reader, (api) => api.storage.local.get(null), null);
        await expect
          .poll(async () => ((await stored()).cycle as { state: string }).state, {
            timeout: 40_000,
            interval: 500,
          })
          .toBe('idle');
        expect((await stored()).failure).toMatchObject({
          message: expect.stringMatching(/took longer than/),
        });
        await reader.close();
      },
    );
  });

  async function expectFailure(
    popup: Page,
    kind: string,
    title: string,
    detail: RegExp,
    screenshot: string,
  ): Promise<void> {
    await clickButton(popup, 'Check now');
    const done = await settled(popup);
    expect(done.failure?.kind).toBe(kind);
    await ext.reload(popup);
    await expect.poll(() => text(popup, '[role="alert"] h2')).toBe(title);
    expect(await text(popup, '[role="alert"]')).toMatch(detail);
    // The previous results stay visible, marked stale.
    expect(await count(popup, 'li.row')).toBe(9);
    expect(await text(popup, '.stale')).toContain('the last attempt failed');
    await popup.screenshot({ path: shot(screenshot) });
    expect(await seriousViolations(popup)).toEqual([]);
  }

  /** Saves `change` over the current settings for one test and puts them back afterwards. */
  async function withSettings(
    change: Record<string, unknown>,
    body: (popup: Page) => Promise<void>,
  ): Promise<void> {
    const page = await ext.openPage('popup.html');
    const settings = (await sendMessage(page, { type: 'getSettings' })) as { value: Record<string, unknown> };
    await sendMessage(page, { type: 'saveSettings', settings: { ...settings.value, ...change } });
    await page.close();
    const popup = await ext.openPage('popup.html');
    try {
      await body(popup);
    } finally {
      if (!popup.isClosed()) await popup.close();
      const restore = await ext.openPage('popup.html');
      await sendMessage(restore, { type: 'saveSettings', settings: settings.value });
      await restore.close();
    }
  }

  it('lists every contact when no observatory answers, under a banner saying how to start one', async () => {
    const deadUrl = `http://127.0.0.1:${await freedPort()}/`;
    await withSettings({ observatoryUrl: deadUrl }, async (popup) => {
      await clickButton(popup, 'Check now');
      const done = await settled(popup);
      expect(done.failure?.kind).toBe('observatory-unreachable');
      await ext.reload(popup);
      await expect.poll(() => text(popup, '.failure.banner h2')).toBe('No observatory answered');
      expect(await text(popup, '.failure.banner')).toContain('run “npm start” in the Hoplight folder');
      expect(await text(popup, '.failure.banner')).not.toMatch(/TypeError|Failed to fetch|NetworkError/);
      // The toolbar says the check did not fully succeed.
      expect(await withApi(popup, (api) => api.action.getBadgeText({}), null)).toBe('!');
      // Every contact is still listed, fresh, with what the user's own server observed just now.
      expect(await count(popup, 'li.row')).toBe(9);
      const row = (jid: string) => `li.row[data-jid="${jid}"]`;
      await popup.click(`${row('dave@plain.test')} .row-head`);
      await expect
        .poll(() => text(popup, `${row('dave@plain.test')} .details`))
        .toContain('Your server and plain.test cannot agree on encryption');
      expect(await text(popup, `${row('dave@plain.test')} .path-label`)).toBe('Unsafe');
      await popup.click(`${row('bob@weak.test')} .row-head`);
      await expect
        .poll(() => text(popup, `${row('bob@weak.test')} .details`))
        .toContain('Your server reached weak.test just now, so messages get through;');
      await popup.screenshot({ path: shot('e2e-observatory-down'), fullPage: true });
      expect(await seriousViolations(popup)).toEqual([]);
    });
  });

  it('says so when the server is unreachable', async () => {
    await withSettings(
      { transport: 'websocket', endpoint: { mode: 'url', url: 'ws://127.0.2.254:5280/xmpp-websocket' } },
      (popup) =>
        expectFailure(popup, 'server-unreachable', 'Server unreachable', /127\.0\.2\.254/, 'e2e-server-down'),
    );
  });

  it('says so when the password is wrong, and asks for it in the settings', async () => {
    const page = await ext.openPage('popup.html');
    await sendMessage(page, { type: 'saveCredentials', password: 'not-alices-password', remember: false });
    await page.close();
    const options = await ext.openPage('options.html');
    await expect.poll(() => hasLabel(options, 'Password')).toBe(true);
    await fill(options, 'Password', 'not-alices-password');
    await clickButton(options, 'Test connection');
    await expect
      .poll(() => text(options, '#test-result'), { timeout: 30_000 })
      .toBe(
        'Test failed: Your server refused the password. Enter the right one in the settings. Details: good.test refused the user name or password (not-authorized).',
      );
    await options.close();

    const popup = await ext.openPage('popup.html');
    await expectFailure(popup, 'wrong-password', 'Wrong password', /refused/, 'e2e-wrong-password');
    expect(await text(popup, '[role="alert"] button')).toBe('Open settings');
    // The refused password is gone, so no alarm retries it.
    expect((await status(popup)).value).toMatchObject({ failure: { kind: 'wrong-password' } });
    expect(JSON.stringify(await withApi(popup, (api) => api.storage.session.get(null), null))).not.toContain(
      'not-alices-password',
    );
    expect(ext.consoleErrors()).toEqual([]);
    await popup.close();
  });

  // ejabberd users, last: switching the account drops alice's results, which the tests above read.
  /** A lab user's password, from lab.json. */
  function labPassword(jid: string): string {
    const domain = jid.split('@')[1] as string;
    const found = lab.domains[domain]?.users.find((u) => u.jid === jid)?.password;
    if (!found) throw new Error(`no ${jid} in the lab`);
    return found;
  }

  /** The account's own settings, typed into the options page as a user does, and saved. */
  async function setAccount(values: {
    jid: string;
    transport: 'WebSocket' | 'BOSH';
    url: string;
    remember: boolean;
  }): Promise<string | null> {
    const options = await ext.openPage('options.html');
    await expect.poll(() => hasLabel(options, 'XMPP address')).toBe(true);
    // Read before Save: where the browser answers the host-access prompt, Save's own check may be
    // over before a popup could be opened to look.
    const before = (await status(options)).value.lastCheck;
    await fill(options, 'XMPP address', values.jid);
    await fill(options, 'Password', labPassword(values.jid));
    if (values.remember) await check(options, /Remember me/);
    await check(options, values.transport);
    await check(options, 'Use this URL');
    await fill(options, 'Connection URL', values.url);
    await fill(options, 'Observatory URL', observatory.url);
    await save(options);
    await options.close();
    return before;
  }

  /** What a finished check left, in a form whose mismatch says what went wrong. */
  async function outcome(page: Page) {
    const value = (await status(page)).value;
    return {
      state: value.cycle.state,
      failure: value.failure,
      problem: value.problem,
      contacts: value.results.map((r) => r.jid).sort(),
    };
  }

  /** Waits for a check other than `previous` to end with `contacts` and no failure. */
  async function checkedWith(page: Page, previous: string | null, contacts: string[]) {
    await expect
      .poll(
        async () => ({ ...(await outcome(page)), fresh: (await status(page)).value.lastCheck !== previous }),
        {
          timeout: 60_000,
          interval: 250,
        },
      )
      .toEqual({ state: 'idle', failure: null, problem: null, contacts: [...contacts].sort(), fresh: true });
    return (await status(page)).value;
  }

  /** A light's word and the words of each hop, as the popup shows them; the OMEMO line is not judged here. */
  type Row = { light: string; hops: string[] };
  const YOURS = 'You → your server: Protected';
  const THEIRS = 'Their server → them: Protected';

  /**
   * Every contact of the account is a row with its light and hops, and no failure or stale banner is
   * shown. ejabberd's s2s to good.test is a real hop (yellow: the reason says why); two domains of the
   * one ejabberd node have none.
   */
  async function expectEjabberdRows(
    popup: Page,
    userDomain: string,
    rows: Record<string, Row>,
    screenshot: string,
  ): Promise<void> {
    await ext.reload(popup);
    const row = (jid: string) => `li.row[data-jid="${jid}"]`;
    await expect.poll(() => count(popup, 'li.row')).toBe(Object.keys(rows).length);
    for (const [jid, expected] of Object.entries(rows)) {
      expect({
        light: await text(popup, `${row(jid)} .path-label`),
        hops: await texts(popup, `${row(jid)} .hops > li`),
      }).toEqual({
        light: expected.light,
        hops: [...expected.hops, expect.stringMatching(/^OMEMO: (available|not set up|unknown)$/)],
      });
    }
    // The yellow s2s hop, in plain words: ejabberd (with dialback) does not verify the certificate of
    // the servers it sends to (lab/README.md, measured there).
    const good = Object.keys(rows).find((jid) => jid.endsWith('@good.test')) as string;
    await popup.click(`${row(good)} .row-head`);
    await expect
      .poll(() => text(popup, `${row(good)} .details`))
      .toContain(
        `${userDomain} does not check who it delivers to: whoever controls DNS could pose as good.test.`,
      );
    expect(await text(popup, `${row(good)} .details`)).toContain(
      'Its software (ejabberd) does not verify the certificate of the servers it sends to.',
    );
    expect(await count(popup, '[role="alert"]')).toBe(0);
    expect(await count(popup, '.stale')).toBe(0);
    await popup.setViewport({ width: 360, height: 700 });
    await popup.screenshot({ path: shot(screenshot), fullPage: true });
    expect(await seriousViolations(popup)).toEqual([]);
  }

  it('checks as eve@ejabberd.test (SCRAM storage) over BOSH: her contacts and their lights, keys remembered', async () => {
    const eve = 'eve@ejabberd.test';
    const contacts = ['alice@good.test'];
    const before = await setAccount({
      jid: eve,
      transport: 'BOSH',
      url: lab.domains['ejabberd.test']?.boshSecureUrl as string,
      remember: true,
    });
    const popup = await ext.openPage('popup.html');
    // As above: headless Chromium leaves Save's host-access prompt unanswered, the user checks.
    if (!ext.answersPermissionPrompts) await clickButton(popup, 'Check now');
    await checkedWith(popup, before, contacts);
    await expectEjabberdRows(
      popup,
      'ejabberd.test',
      { 'alice@good.test': { light: 'Weakened', hops: [YOURS, 'Server → server: Weakened', THEIRS] } },
      'e2e-popup-ejabberd-bosh',
    );
    // SCRAM storage: the server's salt stays, so the key made from the password is remembered.
    const remembered = (await withApi(popup, (api) => api.storage.local.get(null), null))
      .rememberedCredentials as { jid: string; keys?: { mechanism: string }; password?: string };
    expect(remembered).toMatchObject({ jid: eve, keys: { mechanism: 'SCRAM-SHA-1' } });
    expect(remembered.password).toBeUndefined();
    await popup.close();
  });

  it('checks as zoe@ejabberd2.test (plain storage) over WebSocket: "remember me" is explained as the server’s new salt, never a wrong password', async () => {
    const zoe = 'zoe@ejabberd2.test';
    const contacts = ['bob@good.test', 'eve@ejabberd.test'];
    const before = await setAccount({
      jid: zoe,
      transport: 'WebSocket',
      url: lab.domains['ejabberd2.test']?.websocketSecureUrl as string,
      remember: true,
    });
    const popup = await ext.openPage('popup.html');
    if (!ext.answersPermissionPrompts) await clickButton(popup, 'Check now');
    const first = await checkedWith(popup, before, contacts);
    // One login cannot tell: its key is stored. (Save's own check and "Check now" may both have run
    // by now in Chromium, whose prompt sometimes answers; then the second has already seen the new salt.)
    const credentials = ((await sendMessage(popup, { type: 'getStatus' })) as StatusCredentials).value
      .credentials;
    expect(['remembered', 'session-salt-changes']).toContain(credentials);
    if (credentials === 'remembered') {
      expect(
        (await withApi(popup, (api) => api.storage.local.get(null), null)).rememberedCredentials,
      ).toMatchObject({ jid: zoe, keys: { mechanism: 'SCRAM-SHA-512' } });
    }

    // Another check logs in with the session's password and meets another salt; it still succeeds.
    await ext.reload(popup);
    await clickButton(popup, 'Check now');
    await checkedWith(popup, first.lastCheck, contacts);
    expect(((await sendMessage(popup, { type: 'getStatus' })) as StatusCredentials).value.credentials).toBe(
      'session-salt-changes',
    );
    await expectEjabberdRows(
      popup,
      'ejabberd2.test',
      {
        'bob@good.test': { light: 'Weakened', hops: [YOURS, 'Server → server: Weakened', THEIRS] },
        'eve@ejabberd.test': { light: 'Protected', hops: [YOURS, THEIRS] },
      },
      'e2e-popup-ejabberd-websocket',
    );
    const local = await withApi(popup, (api) => api.storage.local.get(null), null);
    expect(local.rememberedCredentials).toBeUndefined();
    expect(JSON.stringify(local)).not.toContain(labPassword(zoe));
    expect(JSON.stringify(await withApi(popup, (api) => api.storage.session.get(null), null))).toContain(
      labPassword(zoe),
    );
    await popup.close();

    const options = await ext.openPage('options.html');
    const saltChanges = english.credentials_sessionSaltChanges?.message as string;
    expect(saltChanges).toMatch(/changes the salt .* at every login/);
    await expect.poll(() => text(options, '#password-hint')).toContain(saltChanges);
    const page = (await text(options, 'main')) ?? '';
    expect(page).not.toMatch(/wrong|refused|incorrect|password (has )?changed|changed (your|the) password/i);
    await options.screenshot({ path: shot('e2e-options-salt-changes'), fullPage: true });
    expect(await seriousViolations(options)).toEqual([]);
    await options.close();
  });
});
