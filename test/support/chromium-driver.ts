// Debian's Chromium with the built extension, driven over CDP by puppeteer-core (never downloads a
// browser). Lab names resolve through --host-resolver-rules; the lab's certificates are accepted by
// their public keys (--ignore-certificate-errors-spki-list also covers the service worker).
import { createHash, X509Certificate } from 'node:crypto';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page, type Target } from 'puppeteer-core';
import type { DriverOptions, ExtensionDriver } from './extension-driver.ts';

export const CHROMIUM = process.env.HOPLIGHT_CHROMIUM ?? '/usr/bin/chromium';
const CHROME_DIST = resolve(import.meta.dirname, '../../dist/chrome');

/** Base64 SHA-256 of a certificate's public key, as --ignore-certificate-errors-spki-list wants it. */
function spkiHash(pem: string): string {
  const der = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}

export async function launchChromium(options: DriverOptions): Promise<ExtensionDriver> {
  const extensionDir = resolve(options.extensionDir ?? CHROME_DIST);
  await access(join(extensionDir, 'manifest.json')).catch(() => {
    throw new Error(`No built extension in ${extensionDir}: run "npm run build" first.`);
  });
  await access(CHROMIUM).catch(() => {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set HOPLIGHT_CHROMIUM).`,
    );
  });
  const timeout = options.timeoutMs ?? 30_000;
  const profile = await mkdtemp(join(tmpdir(), 'hoplight-chromium-'));
  const args = [
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-gpu',
  ];
  if (options.locale) args.push(`--lang=${options.locale}`, `--accept-lang=${options.locale}`);
  const hosts = Object.entries(options.hosts ?? {});
  if (hosts.length > 0)
    args.push(`--host-resolver-rules=${hosts.map(([n, ip]) => `MAP ${n} ${ip}`).join(',')}`);
  if (options.trustedCertificates?.length) {
    args.push(`--ignore-certificate-errors-spki-list=${options.trustedCertificates.map(spkiHash).join(',')}`);
  }
  let browser: Browser | undefined;
  try {
    browser = await puppeteer.launch({
      browser: 'chrome',
      executablePath: CHROMIUM,
      headless: true,
      pipe: true,
      enableExtensions: [extensionDir],
      userDataDir: profile,
      timeout,
      args,
      // On Linux Chromium takes its UI language from the environment; --lang alone is not enough.
      ...(options.locale
        ? { env: { ...process.env, LANGUAGE: options.locale, LANG: `${options.locale}.UTF-8` } }
        : {}),
    });
    const b = browser;
    const isOurWorker = (t: Target) =>
      t.type() === 'service_worker' && t.url().startsWith('chrome-extension://');
    const first = await b.waitForTarget(isOurWorker, { timeout });
    const extensionId = new URL(first.url()).host;
    const baseUrl = `chrome-extension://${extensionId}/`;
    // Console errors of the extension's pages. Not of the worker: a DevTools session attached to it
    // makes ServiceWorker.stopAllWorkers close the browser (seen here); the background reports its
    // own errors in getStatus's "problem" instead.
    const errors: string[] = [];
    const watch = (page: Page) => {
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      return page;
    };

    const driver: ExtensionDriver = {
      browser: 'chromium',
      baseUrl,
      answersPermissionPrompts: false,
      async openPage(path) {
        const page = watch(await b.newPage());
        await page.goto(`${baseUrl}${path.replace(/^\//, '')}`);
        return page;
      },
      async reload(page) {
        await page.reload();
      },
      async waitForPage(suffix) {
        const target = await b.waitForTarget((t) => t.type() === 'page' && t.url().endsWith(suffix), {
          timeout,
        });
        return watch((await target.page()) as Page);
      },
      async stopBackground() {
        const page = await b.newPage();
        try {
          // As Chrome does when the worker is idle; the next event (a page's message) starts it again.
          const cdp = await page.createCDPSession();
          const stopped = new Promise<void>((resolvePromise, reject) => {
            const timer = setTimeout(() => reject(new Error('The service worker did not stop.')), timeout);
            cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
              const ours = versions.filter((v) => v.scriptURL.startsWith(baseUrl));
              if (ours.length > 0 && ours.every((v) => v.runningStatus === 'stopped')) {
                clearTimeout(timer);
                resolvePromise();
              }
            });
          });
          await cdp.send('ServiceWorker.enable');
          await cdp.send('ServiceWorker.stopAllWorkers');
          await stopped;
          await cdp.detach();
        } finally {
          await page.close();
        }
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
