// Launches Debian's Chromium with the built extension through Playwright: kept for bench/extension.bench.ts
// (CDP heap figures). The tests use the two-browser driver in extension-driver.ts.
// Never downloads a browser: playwright-core only drives /usr/bin/chromium.
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page, type Worker } from 'playwright-core';

export const CHROMIUM = process.env.HOPLIGHT_CHROMIUM ?? '/usr/bin/chromium';
export const CHROME_DIST = resolve(import.meta.dirname, '../../dist/chrome');

export interface ExtensionBrowser {
  context: BrowserContext;
  /** The extension's id, as in `chrome-extension://ID/`. */
  extensionId: string;
  /** The extension's background service worker (the one running now: restartWorker replaces it). */
  worker: Worker;
  /**
   * Console errors of the extension's service workers since launch. Playwright attaches before a worker
   * runs, but a listener only exists after launch returns: restartWorker() to see a start-up's errors.
   */
  workerErrors: string[];
  /** Stops every service worker (as Chrome does when idle) and wakes ours by opening `wakePath`. */
  restartWorker(wakePath?: string): Promise<Worker>;
  /** Opens `chrome-extension://ID/PATH` in a new page. */
  openPage(path: string): Promise<Page>;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** Unpacked extension folder; default dist/chrome. */
  extensionDir?: string;
  /** Extra Chromium flags, e.g. `--host-resolver-rules=MAP good.test 127.0.2.2`. */
  args?: string[];
  /** Budget for start-up and finding the service worker, ms. */
  timeoutMs?: number;
}

export async function launchExtension(options: LaunchOptions = {}): Promise<ExtensionBrowser> {
  const extensionDir = resolve(options.extensionDir ?? CHROME_DIST);
  try {
    await access(join(extensionDir, 'manifest.json'));
  } catch {
    throw new Error(`No built extension in ${extensionDir}: run "npm run build" first.`);
  }
  try {
    await access(CHROMIUM);
  } catch {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set HOPLIGHT_CHROMIUM).`,
    );
  }
  const timeout = options.timeoutMs ?? 30_000;
  const profile = await mkdtemp(join(tmpdir(), 'hoplight-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      timeout,
      args: [
        '--no-sandbox',
        `--disable-extensions-except=${extensionDir}`,
        `--load-extension=${extensionDir}`,
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-gpu',
        ...(options.args ?? []),
      ],
    });
    const workerErrors: string[] = [];
    context.on('console', (message) => {
      if (message.worker() && message.type() === 'error') workerErrors.push(message.text());
    });
    const first = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout }));
    const extensionId = new URL(first.url()).host;
    const ctx = context;
    const openPage = async (path: string): Promise<Page> => {
      const page = await ctx.newPage();
      await page.goto(`chrome-extension://${extensionId}/${path.replace(/^\//, '')}`);
      return page;
    };
    const handle: ExtensionBrowser = {
      context: ctx,
      extensionId,
      worker: first,
      workerErrors,
      openPage,
      async restartWorker(wakePath = 'popup.html') {
        const page = await ctx.newPage();
        try {
          // LAB-NOTES: under Playwright a worker never idles out; CDP stops it as Chrome would. Playwright
          // keeps its Worker handle across the restart, so the same handle (and console listener) goes on.
          const cdp = await ctx.newCDPSession(page);
          const statuses: string[] = [];
          const waiters: { status: string; resolve: () => void }[] = [];
          cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
            for (const version of versions) {
              if (!version.scriptURL.startsWith(`chrome-extension://${extensionId}/`)) continue;
              statuses.push(version.runningStatus);
              for (const w of waiters.filter((w) => w.status === version.runningStatus)) w.resolve();
            }
          });
          const reach = (status: string) =>
            new Promise<void>((resolvePromise, reject) => {
              const timer = setTimeout(
                () =>
                  reject(
                    new Error(`The service worker did not reach "${status}" (saw: ${statuses.join(', ')}).`),
                  ),
                timeout,
              );
              waiters.push({
                status,
                resolve: () => {
                  clearTimeout(timer);
                  resolvePromise();
                },
              });
            });
          await cdp.send('ServiceWorker.enable');
          const stopped = reach('stopped');
          await cdp.send('ServiceWorker.stopAllWorkers');
          await stopped;
          const running = reach('running');
          await page.goto(`chrome-extension://${extensionId}/${wakePath.replace(/^\//, '')}`);
          await running;
          await cdp.detach();
          return handle.worker;
        } finally {
          await page.close();
        }
      },
      async close() {
        await ctx.close();
        await rm(profile, { recursive: true, force: true });
      },
    };
    return handle;
  } catch (error) {
    await context?.close().catch(() => {});
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
}
