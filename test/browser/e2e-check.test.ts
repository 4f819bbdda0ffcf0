// The whole check cycle in Debian's Chromium: the built extension signs in to the lab as
// alice@good.test (over WebSocket, then BOSH, both over TLS), reads her roster and OMEMO lists, looks
// grades up in a real observatory that scanned the lab, and the popup shows each contact's light with
// its reasons. Then the failures: a worker stopped mid-check, a wrong password, a dead server, a dead
// observatory.
import { createHash, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabState } from '../../lab/state.ts';
import { seriousViolations } from '../support/axe.ts';
import { type ExtensionBrowser, launchExtension } from '../support/browser.ts';
import { ACCOUNT, LAB_DOMAINS, PASSWORD } from '../support/e2e-account.ts';
import { startTestObservatory, type TestObservatory } from '../support/observatory-for-tests.ts';
import { build, SCREENSHOTS } from './build-once.ts';

declare const chrome: {
  runtime: { sendMessage(message: unknown): Promise<unknown> };
  storage: {
    local: { get(keys: null): Promise<Record<string, unknown>> };
    session: { get(keys: null): Promise<Record<string, unknown>>; clear(): Promise<void> };
    sync: { get(keys: null): Promise<Record<string, unknown>> };
  };
  permissions: { getAll(): Promise<{ origins?: string[] }> };
  action: { getBadgeText(details: object): Promise<string>; getTitle(details: object): Promise<string> };
};

interface StatusReply {
  ok: boolean;
  value: {
    lastCheck: string | null;
    cycle: { state: string; progress?: { phase: string } };
    failure: { kind: string; message: string } | null;
    stale: boolean;
    results: { jid: string; light: string; hops: { name: string }[] }[];
  };
}

const WSS = 'wss://good.test:5281/xmpp-websocket';
const BOSH = 'https://good.test:5281/http-bind';

/** Base64 SHA-256 of a certificate's public key, as --ignore-certificate-errors-spki-list wants it. */
function spkiHash(pem: string): string {
  const der = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}

function send(page: Page, message: unknown): Promise<unknown> {
  return page.evaluate((m) => chrome.runtime.sendMessage(m), message);
}

function status(page: Page): Promise<StatusReply> {
  return send(page, { type: 'getStatus' }) as Promise<StatusReply>;
}

describe('the check cycle end to end', () => {
  let ext: ExtensionBrowser;
  let observatory: TestObservatory;
  /** A TCP server that accepts and never answers: a check against it stays in "login". */
  let silent: Server;
  const silentSockets = new Set<Socket>();
  let silentUrl: string;

  beforeAll(async () => {
    await build();
    const state = JSON.parse(await readFile(process.env.HOPLIGHT_LAB_STATE as string, 'utf8')) as LabState;
    observatory = await startTestObservatory();
    await observatory.scan(LAB_DOMAINS);
    silent = createServer((socket) => {
      silentSockets.add(socket);
      socket.on('close', () => silentSockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentUrl = `ws://127.0.0.1:${(silent.address() as { port: number }).port}/xmpp-websocket`;
    const cert = await readFile(state.domains['good.test']?.certFile as string, 'utf8');
    ext = await launchExtension({
      timeoutMs: 90_000,
      args: [
        `--host-resolver-rules=MAP good.test ${state.domains['good.test']?.address}`,
        `--ignore-certificate-errors-spki-list=${spkiHash(cert)}`,
      ],
    });
  });
  afterAll(async () => {
    await ext?.close();
    for (const socket of silentSockets) socket.destroy();
    await new Promise((resolve) => silent?.close(resolve));
    await observatory?.stop();
  });

  async function fillOptions(
    options: Page,
    values: { transport: 'WebSocket' | 'BOSH'; url: string; observatory: string; password?: string },
  ): Promise<void> {
    await expect.poll(() => options.getByLabel('XMPP address').isVisible()).toBe(true);
    await options.getByLabel('XMPP address').fill(ACCOUNT);
    if (values.password !== undefined)
      await options.getByLabel('Password', { exact: true }).fill(values.password);
    await options.getByLabel(values.transport, { exact: true }).check();
    await options.getByLabel('Use this URL').check();
    await options.getByLabel('Connection URL').fill(values.url);
    await options.getByLabel('Observatory URL').fill(values.observatory);
  }

  async function save(options: Page): Promise<void> {
    await options.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => options.getByRole('status').textContent()).toBe('Settings saved.');
  }

  /** Waits until no check runs and returns the status. */
  async function settled(page: Page): Promise<StatusReply['value']> {
    await expect
      .poll(async () => (await status(page)).value.cycle.state, { timeout: 60_000, interval: 200 })
      .toBe('idle');
    return (await status(page)).value;
  }

  async function expectContactRows(popup: Page, transportName: string): Promise<void> {
    const row = (jid: string) => popup.locator(`li.row[data-jid="${jid}"]`);
    await expect.poll(() => row('bob@weak.test').isVisible(), { timeout: 30_000 }).toBe(true);

    // Same domain: no server-to-server hop; good.test is graded A and the link is wss:/https:.
    const bob = row('bob@good.test');
    expect(await bob.locator('.path-label').textContent()).toBe('Protected');
    expect(await bob.locator('.hops > li').allTextContents()).toEqual([
      'You → your server: Protected',
      'Their server → them: Protected',
      expect.stringMatching(/^OMEMO: /),
    ]);

    const erin = row('erin@other.test');
    expect(await erin.locator('.path-label').textContent()).toBe('Protected');
    expect(await erin.locator('.hops > li').allTextContents()).toContain('Server → server: Protected');

    const weak = row('bob@weak.test');
    expect(await weak.locator('.path-label').textContent()).toBe('Unsafe');
    await weak.locator('.row-head').click();
    expect(await weak.locator('.row-head').getAttribute('aria-expanded')).toBe('true');
    const weakReasons = (await weak.locator('.details').textContent()) ?? '';
    expect(weakReasons).toContain("weak.test's certificate is not valid for weak.test");
    expect(weakReasons).toContain('weak.test still accepts TLS 1.0');

    const dave = row('dave@plain.test');
    expect(await dave.locator('.path-label').textContent()).toBe('Unsafe');
    await dave.locator('.row-head').focus();
    await popup.keyboard.press('Enter');
    expect(await dave.locator('.details').textContent()).toContain(
      'plain.test does not offer encryption to clients',
    );
    expect(await dave.locator('.details').textContent()).toContain('requires TLS but plain.test offers none');

    // Worst first: every red row comes before the first green one.
    const lights = await popup.locator('li.row .path-label').allTextContents();
    expect(lights.lastIndexOf('Unsafe')).toBeLessThan(lights.indexOf('Protected'));

    await popup.setViewportSize({ width: 360, height: 900 });
    await popup.screenshot({ path: `${SCREENSHOTS}/e2e-popup-${transportName}.png`, fullPage: true });
    expect(await seriousViolations(popup)).toEqual([]);
  }

  it('tests the connection, then checks over WebSocket and shows every contact with reasons', async () => {
    const options = await ext.openPage('options.html');
    await fillOptions(options, {
      transport: 'WebSocket',
      url: WSS,
      observatory: observatory.url,
      password: PASSWORD,
    });
    await options.getByRole('button', { name: 'Test connection' }).click();
    await expect
      .poll(() => options.locator('#test-result').textContent(), { timeout: 30_000 })
      .toMatch(
        /^Connected as alice@good\.test\/hoplight-[0-9a-f]+ at wss:\/\/good\.test:5281\/xmpp-websocket \(encrypted, SCRAM-SHA-1\); 9 contacts\. The observatory answered \(8 domains graded\)\.$/,
      );
    await save(options);
    await options.screenshot({ path: `${SCREENSHOTS}/e2e-options-saved.png`, fullPage: true });
    // Save asked for host access from the click; headless Chromium leaves that prompt unanswered, and
    // the check runs without it (the observatory and the lab's BOSH send CORS headers, WebSocket needs none).
    expect((await ext.worker.evaluate(() => chrome.permissions.getAll())).origins).toEqual([]);
    await options.close();

    const popup = await ext.openPage('popup.html');
    const done = await settled(popup);
    expect(done.failure).toBeNull();
    expect(done.results).toHaveLength(9);
    await popup.reload();
    await expectContactRows(popup, 'websocket');

    // Search and filter by light.
    await popup.getByLabel('Search contacts').fill('WEAK');
    await expect.poll(() => popup.locator('li.row').count()).toBe(1);
    await popup.getByLabel('Search contacts').fill('');
    await popup.getByLabel('Show contacts with the light').selectOption('green');
    await expect
      .poll(() => popup.locator('li.row .path-label').allTextContents())
      .toEqual(['Protected', 'Protected', 'Protected', 'Protected']);
    await popup.getByLabel('Show contacts with the light').selectOption('all');

    // Badge: red and yellow contacts; the password stayed in storage.session, nothing in sync.
    const red = done.results.filter((r) => r.light === 'red' || r.light === 'yellow').length;
    expect(await ext.worker.evaluate(() => chrome.action.getBadgeText({}))).toBe(String(red));
    const local = await ext.worker.evaluate(() => chrome.storage.local.get(null));
    expect(JSON.stringify(local)).not.toContain(PASSWORD);
    // The snapshot is in the Cache API with its ETag; storage.local keeps only a few facts about it.
    expect(local.snapshot).toBeUndefined();
    expect(local.snapshotFacts).toMatchObject({ domainCount: LAB_DOMAINS.length });
    const cached = await ext.worker.evaluate(async () => {
      const cache = await caches.open('hoplight-snapshot');
      const requests = await cache.keys();
      const response = requests[0] ? await cache.match(requests[0]) : undefined;
      return {
        urls: requests.map((r) => r.url),
        etag: response?.headers.get('etag') ?? null,
        domains: Object.keys((await response?.json()) ?? {}).sort(),
      };
    });
    expect(cached).toEqual({
      urls: [`${observatory.url}/api/v1/snapshot`],
      etag: expect.stringMatching(/^(W\/)?".+"$/),
      domains: [...LAB_DOMAINS].sort(),
    });
    expect(await ext.worker.evaluate(() => chrome.storage.sync.get(null))).toEqual({});
    expect(JSON.stringify(await ext.worker.evaluate(() => chrome.storage.session.get(null)))).toContain(
      PASSWORD,
    );
    await popup.close();
  });

  it('checks over BOSH with the stored password and remembers SCRAM keys, not the password', async () => {
    const options = await ext.openPage('options.html');
    await fillOptions(options, {
      transport: 'BOSH',
      url: BOSH,
      observatory: observatory.url,
      password: PASSWORD,
    });
    await options.getByLabel(/Remember me/).check();
    await save(options);
    await options.close();

    const popup = await ext.openPage('popup.html');
    const done = await settled(popup);
    expect(done.failure).toBeNull();
    await popup.reload();
    await expectContactRows(popup, 'bosh');
    const remembered = (await ext.worker.evaluate(() => chrome.storage.local.get(null)))
      .rememberedCredentials as {
      jid: string;
      keys?: { mechanism: string };
      password?: string;
    };
    expect(remembered.jid).toBe(ACCOUNT);
    expect(remembered.keys?.mechanism).toBe('SCRAM-SHA-1');
    expect(remembered.password).toBeUndefined();
    expect(JSON.stringify(await ext.worker.evaluate(() => chrome.storage.local.get(null)))).not.toContain(
      PASSWORD,
    );

    // The browser restarts (storage.session is emptied): the remembered keys alone log in.
    await ext.worker.evaluate(() => chrome.storage.session.clear());
    await send(popup, { type: 'runCheck', trigger: 'refresh' });
    const again = await settled(popup);
    expect(again.failure).toBeNull();
    expect(again.lastCheck).not.toBe(done.lastCheck);
    await popup.close();
  });

  it('recovers when the service worker is stopped in the middle of a check', async () => {
    const page = await ext.openPage('popup.html');
    const before = (await status(page)).value.lastCheck;
    const settings = (await send(page, { type: 'getSettings' })) as { value: Record<string, unknown> };
    // A server that never answers keeps the check in "login" long enough to stop the worker there.
    await send(page, {
      type: 'saveSettings',
      settings: { ...settings.value, transport: 'websocket', endpoint: { mode: 'url', url: silentUrl } },
    });
    await send(page, { type: 'runCheck', trigger: 'refresh' });
    await expect.poll(async () => (await status(page)).value.cycle.progress?.phase).toBe('login');
    // The popup shows the progress of the running check beside the last results.
    const watching = await ext.openPage('popup.html');
    await expect.poll(() => watching.locator('.progress').textContent()).toBe('Signing in to your server…');
    expect(await watching.getByRole('button', { name: 'Checking…' }).isDisabled()).toBe(true);
    await watching.setViewportSize({ width: 380, height: 600 });
    await watching.screenshot({ path: `${SCREENSHOTS}/e2e-popup-progress.png` });
    await watching.close();
    await send(page, { type: 'saveSettings', settings: { ...settings.value } });
    await page.close();

    await ext.restartWorker('options.html');
    const popup = await ext.openPage('popup.html');
    // The popup shows the last results at once and the re-run, then the new results.
    await expect.poll(() => popup.locator('li.row').count()).toBe(9);
    const done = await settled(popup);
    expect(done.failure).toBeNull();
    expect(done.lastCheck).not.toBe(before);
    expect(ext.workerErrors).toEqual([]);
    await popup.close();
  });

  async function expectFailure(
    popup: Page,
    kind: string,
    title: string,
    detail: RegExp,
    screenshot: string,
  ): Promise<void> {
    await popup.getByRole('button', { name: 'Check now' }).click();
    const done = await settled(popup);
    expect(done.failure?.kind).toBe(kind);
    await popup.reload();
    const alert = popup.getByRole('alert');
    await expect.poll(() => alert.locator('h2').textContent()).toBe(title);
    expect(await alert.textContent()).toMatch(detail);
    // The previous results stay visible, marked stale.
    expect(await popup.locator('li.row').count()).toBe(9);
    expect(await popup.locator('.stale').textContent()).toContain('stale');
    await popup.screenshot({ path: `${SCREENSHOTS}/${screenshot}.png` });
    expect(await seriousViolations(popup)).toEqual([]);
  }

  it('says so when the observatory is unreachable, keeping the last results', async () => {
    const page = await ext.openPage('popup.html');
    const settings = (await send(page, { type: 'getSettings' })) as { value: Record<string, unknown> };
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as { port: number }).port}/`;
    await new Promise((resolve) => closed.close(resolve));
    await send(page, { type: 'saveSettings', settings: { ...settings.value, observatoryUrl: deadUrl } });
    await page.close();
    const popup = await ext.openPage('popup.html');
    try {
      await expectFailure(
        popup,
        'observatory-unreachable',
        'Observatory unreachable',
        /did not answer/,
        'e2e-observatory-down',
      );
    } finally {
      await send(popup, { type: 'saveSettings', settings: settings.value });
      await popup.close();
    }
  });

  it('says so when the server is unreachable', async () => {
    const page = await ext.openPage('popup.html');
    const settings = (await send(page, { type: 'getSettings' })) as { value: Record<string, unknown> };
    await send(page, {
      type: 'saveSettings',
      settings: {
        ...settings.value,
        transport: 'websocket',
        endpoint: { mode: 'url', url: 'ws://127.0.2.254:5280/xmpp-websocket' },
      },
    });
    await page.close();
    const popup = await ext.openPage('popup.html');
    try {
      await expectFailure(
        popup,
        'server-unreachable',
        'Server unreachable',
        /127\.0\.2\.254/,
        'e2e-server-down',
      );
    } finally {
      await send(popup, { type: 'saveSettings', settings: settings.value });
      await popup.close();
    }
  });

  it('says so when the password is wrong, and asks for it in the settings', async () => {
    const page = await ext.openPage('popup.html');
    await send(page, { type: 'saveCredentials', password: 'not-alices-password', remember: false });
    await page.close();
    const options = await ext.openPage('options.html');
    await expect.poll(() => options.getByLabel('Password', { exact: true }).isVisible()).toBe(true);
    await options.getByLabel('Password', { exact: true }).fill('not-alices-password');
    await options.getByRole('button', { name: 'Test connection' }).click();
    await expect
      .poll(() => options.locator('#test-result').textContent(), { timeout: 30_000 })
      .toBe(
        'Test failed: Your server refused the password. Reason: good.test refused the user name or password (not-authorized).',
      );
    await options.close();

    const popup = await ext.openPage('popup.html');
    await expectFailure(popup, 'wrong-password', 'Wrong password', /refused/, 'e2e-wrong-password');
    expect(await popup.getByRole('alert').getByRole('button').textContent()).toBe('Open settings');
    // The refused password is gone, so no alarm retries it.
    expect((await status(popup)).value).toMatchObject({ failure: { kind: 'wrong-password' } });
    expect(JSON.stringify(await ext.worker.evaluate(() => chrome.storage.session.get(null)))).not.toContain(
      'not-alices-password',
    );
    await popup.close();
  });
});
