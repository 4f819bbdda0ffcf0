// Debian's Firefox ESR with the built extension as a temporary add-on, driven over WebDriver BiDi by
// puppeteer-core (geckodriver is not packaged here). Each step is one LAB-NOTES fact: a fixed UUID,
// extension pages opened with BiDi's own navigate (page.goto never sees them load), the background
// stopped and lab names resolved from Firefox's chrome scope (--remote-allow-system-access).
import { randomUUID } from 'node:crypto';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { GECKO_ID } from '../../src/extension/build/manifest-variants.ts';
import type { DriverOptions, ExtensionDriver } from './extension-driver.ts';

export const FIREFOX = process.env.HOPLIGHT_FIREFOX ?? '/usr/bin/firefox-esr';
const FIREFOX_DIST = resolve(import.meta.dirname, '../../dist/firefox');

/** Console errors Firefox's own components print in a fresh headless profile (no network here). */
const FIREFOX_OWN = ['RSLoader:', 'NavigationManager'];

/** The BiDi connection under puppeteer's Firefox browser (not in its public types). */
interface BidiConnection {
  send(method: string, params: object): Promise<{ result: Record<string, unknown> }>;
}

function bidi(browser: Browser): BidiConnection {
  return (browser as unknown as { connection: BidiConnection }).connection;
}

/** The BiDi browsing context of a page (puppeteer keeps it as the main frame's id). */
function contextOf(page: Page): string {
  return (page.mainFrame() as unknown as { _id: string })._id;
}

export async function launchFirefox(options: DriverOptions): Promise<ExtensionDriver> {
  const extensionDir = resolve(options.extensionDir ?? FIREFOX_DIST);
  await access(join(extensionDir, 'manifest.json')).catch(() => {
    throw new Error(`No built extension in ${extensionDir}: run "npm run build" first.`);
  });
  await access(FIREFOX).catch(() => {
    throw new Error(
      `Firefox not found at ${FIREFOX}: apt-get install -y firefox-esr (or set HOPLIGHT_FIREFOX).`,
    );
  });
  const timeout = options.timeoutMs ?? 30_000;
  const uuid = randomUUID();
  const profile = await mkdtemp(join(tmpdir(), 'hoplight-firefox-'));
  let browser: Browser | undefined;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX,
      headless: true,
      userDataDir: profile,
      timeout,
      // The lab's self-signed and private-CA certificates, for pages and the background's wss:/https:.
      acceptInsecureCerts: (options.trustedCertificates?.length ?? 0) > 0,
      args: ['--remote-allow-system-access'],
      extraPrefsFirefox: {
        'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: uuid }),
        // A click on Save grants host access at once: headless, the permission prompt never resolves.
        'extensions.webextOptionalPermissionPrompts': false,
        // Every page's and the background's console on stdout: BiDi does not report extension pages'.
        'devtools.console.stdout.content': true,
        // Notifications are shown (and their events fire) without a desktop notification service.
        'alerts.useSystemBackend': false,
        ...(options.locale ? { 'intl.locale.requested': options.locale } : {}),
        ...(options.backgroundIdleMs === undefined
          ? {}
          : { 'extensions.background.idle.timeout': options.backgroundIdleMs }),
      },
    });
    const b = browser;
    const errors: string[] = [];
    let pending = '';
    b.process()?.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('console.error:') && !FIREFOX_OWN.some((own) => line.includes(own)))
          errors.push(line);
      }
    });
    const connection = bidi(b);
    const chrome = await chromeContext(connection);
    /** Runs `expression` inside Firefox itself (chrome scope) and returns its JSON-able value. */
    const inFirefox = async (expression: string): Promise<unknown> => {
      const { result } = await connection.send('script.evaluate', {
        expression,
        target: { context: chrome },
        awaitPromise: true,
        resultOwnership: 'none',
      });
      if (result.type === 'exception') throw new Error(`Firefox chrome scope: ${JSON.stringify(result)}`);
      return (result.result as { value?: unknown } | undefined)?.value;
    };
    const hosts = Object.entries(options.hosts ?? {});
    if (hosts.length > 0) {
      await inFirefox(`(() => {
        const dns = Cc['@mozilla.org/network/native-dns-override;1'].getService(Ci.nsINativeDNSResolverOverride);
        for (const [name, ip] of ${JSON.stringify(hosts)}) dns.addIPOverride(name, ip);
      })()`);
    }
    const installed = await b.installExtension(extensionDir);
    if (installed !== GECKO_ID) throw new Error(`Firefox installed ${installed}, not ${GECKO_ID}.`);
    const baseUrl = `moz-extension://${uuid}/`;
    const extension = `ChromeUtils.importESModule('resource://gre/modules/ExtensionParent.sys.mjs')
      .ExtensionParent.GlobalManager.getExtension(${JSON.stringify(GECKO_ID)})`;

    const navigate = async (page: Page, url: string) => {
      await connection.send('browsingContext.navigate', { context: contextOf(page), url, wait: 'complete' });
    };
    const driver: ExtensionDriver = {
      browser: 'firefox',
      baseUrl,
      answersPermissionPrompts: true,
      async openPage(path) {
        const page = await b.newPage();
        await navigate(page, `${baseUrl}${path.replace(/^\//, '')}`);
        return page;
      },
      async reload(page) {
        await navigate(page, await page.evaluate(() => location.href));
      },
      async waitForPage(suffix) {
        // Extension tabs report no URL to BiDi; ask each tab where it is.
        const deadline = Date.now() + timeout;
        while (Date.now() < deadline) {
          for (const page of await b.pages()) {
            const href = await page.evaluate(() => location.href).catch(() => '');
            if (href.endsWith(suffix)) return page;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error(`No tab ending in ${suffix} opened.`);
      },
      async stopBackground() {
        // As about:debugging's "Terminate background script" and the idle timer do.
        await inFirefox(`${extension}.terminateBackground()`);
        const state = await inFirefox(`String(${extension}.backgroundState)`);
        if (state !== 'stopped') throw new Error(`The event page is "${state}" after terminating it.`);
      },
      consoleErrors: () => [...errors],
      async close() {
        await b.close();
        await rm(profile, { recursive: true, force: true });
      },
    };
    return driver;
  } catch (error) {
    await browser?.close().catch(() => {});
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
}

/** A browsing context of Firefox's own windows, where chrome-scope scripts run. */
async function chromeContext(connection: BidiConnection): Promise<string> {
  const { result } = await connection.send('browsingContext.getTree', { 'moz:scope': 'chrome' });
  const contexts = result.contexts as { context: string }[];
  const first = contexts[0];
  if (!first)
    throw new Error('Firefox shows no chrome window: was it started with --remote-allow-system-access?');
  return first.context;
}
