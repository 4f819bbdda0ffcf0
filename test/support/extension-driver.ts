// One small interface over the two browsers the extension ships for, so that each end-to-end test is
// written once and runs in Debian's Chromium and in Debian's Firefox ESR. Both are driven by
// puppeteer-core (CDP for Chromium, WebDriver BiDi for Firefox: LAB-NOTES), so pages share one API;
// what differs (loading the extension, opening its pages, stopping its background, resolving lab names,
// trusting the lab's certificates) is behind `ExtensionDriver`.
import type { ElementHandle, Page } from 'puppeteer-core';
import type { ResultsAnswer } from '../../src/extension/shared/messages.ts';
import { unpackResults } from '../../src/extension/shared/packed-results.ts';

export type BrowserName = 'chromium' | 'firefox';
export const BROWSER_NAMES: readonly BrowserName[] = ['chromium', 'firefox'];

export interface ExtensionDriver {
  readonly browser: BrowserName;
  /**
   * Whether a click on a button that calls `permissions.request` grants it (Firefox, with its prompt
   * turned off). Headless Chromium shows its prompt to nobody: the request stays unanswered.
   */
  readonly answersPermissionPrompts: boolean;
  /** The extension's pages live under this URL: `chrome-extension://ID/` or `moz-extension://UUID/`. */
  readonly baseUrl: string;
  /** Opens an extension page (`popup.html`, `options.html`) in a new tab and waits for it to load. */
  openPage(path: string): Promise<Page>;
  /** Loads an extension page into an open tab again (a reload that works for extension pages too). */
  reload(page: Page): Promise<void>;
  /** Waits for a tab the extension opens itself whose URL ends with `suffix`. */
  waitForPage(suffix: string): Promise<Page>;
  /** Stops the background (Chrome's service worker, Firefox's event page) as the browser does when idle. */
  stopBackground(): Promise<void>;
  /** Console errors since launch: the extension's pages' (Chromium), and the background's too (Firefox). */
  consoleErrors(): string[];
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

export interface DriverOptions {
  /** Unpacked extension folder; default dist/chrome or dist/firefox. */
  extensionDir?: string;
  /** Lab names and the address each resolves to inside the browser. */
  hosts?: Record<string, string>;
  /** PEM certificates the browser accepts although no system root signed them (the lab's). */
  trustedCertificates?: string[];
  /** Budget for start-up, ms. */
  timeoutMs?: number;
  /** Firefox only: unload the idle event page after this many ms (Firefox's default is 30 s). */
  backgroundIdleMs?: number;
  /**
   * The browser's UI language (`de`, `fr`): Chromium's `--lang` and `LANGUAGE`, Firefox's
   * `intl.locale.requested`. Each browser uses it only where it has that locale installed.
   */
  locale?: string;
}

/** Launches `browser` with the built extension loaded. */
export async function launchDriver(
  browser: BrowserName,
  options: DriverOptions = {},
): Promise<ExtensionDriver> {
  if (browser === 'chromium') return (await import('./chromium-driver.ts')).launchChromium(options);
  return (await import('./firefox-driver.ts')).launchFirefox(options);
}

// Page helpers: the same code for both browsers. They find controls as people do, by their label or
// their name, so a test also fails when a label stops naming its control.

/** Sends a request to the background from an extension page, as the popup and options do. */
export function sendMessage(page: Page, message: unknown): Promise<unknown> {
  return withApi(page, (api, m) => api.runtime.sendMessage(m), message);
}

/**
 * The status and, asked for separately as the popup does, the stored results unpacked: what the tests
 * read after a check. The reply keeps the status reply's shape, `{ ok, value }`, with `results` added.
 */
export async function statusWithResults(page: Page): Promise<{ ok: boolean; value: unknown }> {
  const status = (await sendMessage(page, { type: 'getStatus' })) as { ok: boolean; value: object };
  const answer = (await sendMessage(page, { type: 'getResults' })) as { ok: boolean; value: ResultsAnswer };
  if (!status.ok || !answer.ok) return status;
  return { ok: true, value: { ...status.value, results: unpackResults(answer.value.packed) } };
}

/**
 * Runs `fn(api, arg)` in an extension page, where `api` is the WebExtension namespace: `browser` in
 * Firefox, `chrome` in Chromium (both promise-based). `fn` is sent as source: it sees nothing of ours.
 */
export async function withApi<A, R>(
  page: Page,
  fn: (api: ExtensionApi, arg: A) => R | Promise<R>,
  arg: A,
): Promise<R> {
  const source = `(${fn.toString()})(globalThis.browser ?? globalThis.chrome, ${JSON.stringify(arg ?? null)})`;
  return (await page.evaluate(source)) as R;
}

/** The parts of the WebExtension API the tests read from an extension page. */
export interface ExtensionApi {
  runtime: { sendMessage(message: unknown): Promise<unknown>; getManifest(): Record<string, unknown> };
  storage: Record<
    'local' | 'session' | 'sync',
    { get(keys: null): Promise<Record<string, unknown>>; clear(): Promise<void> }
  >;
  permissions: { getAll(): Promise<{ origins?: string[]; data_collection?: string[] }> };
  action: { getBadgeText(details: object): Promise<string>; getTitle(details: object): Promise<string> };
  alarms: { get(name: string): Promise<{ name: string; periodInMinutes?: number } | undefined> };
  notifications: {
    getAll(): Promise<Record<string, unknown>>;
    clear(id: string): Promise<boolean>;
  };
}

/**
 * The form control whose label (or aria-label) is `label`: the exact text, or text matching a RegExp.
 * Throws when none or several match, as a person would be lost too.
 */
export function byLabel(page: Page, label: string | RegExp): Promise<ElementHandle<Element>> {
  return eventually(() => findByLabel(page, label));
}

/** Pages render after their first answer from the background: look again for a while, as people do. */
async function eventually<T>(find: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await find();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function findByLabel(page: Page, label: string | RegExp): Promise<ElementHandle<Element>> {
  const pattern = typeof label === 'string' ? null : { source: label.source, flags: label.flags };
  const handle = await page.evaluateHandle(
    (text, pattern) => {
      const matches = (name: string) =>
        pattern ? new RegExp(pattern.source, pattern.flags).test(name) : name === text;
      const found = [...document.querySelectorAll('input, select, textarea, button')].filter((el) => {
        // A label's text without the controls inside it (a wrapped <select> would add its options).
        const labels = [...((el as HTMLInputElement).labels ?? [])].map((l) => {
          const copy = l.cloneNode(true) as Element;
          for (const inner of copy.querySelectorAll('input, select, textarea, button')) inner.remove();
          return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
        });
        const aria = el.getAttribute('aria-label');
        if (aria) labels.push(aria.trim());
        return labels.some(matches);
      });
      if (found.length !== 1)
        return `${found.length} controls are labelled ${pattern ? `/${pattern.source}/` : text}`;
      return found[0] as Element;
    },
    typeof label === 'string' ? label : '',
    pattern,
  );
  const element = handle.asElement();
  if (!element) throw new Error(String(await handle.jsonValue()));
  return element as ElementHandle<Element>;
}

/** Whether a control labelled `label` is on the page now. */
export async function hasLabel(page: Page, label: string): Promise<boolean> {
  try {
    await findByLabel(page, label);
    return true;
  } catch {
    return false;
  }
}

/** Replaces the text of the control labelled `label` by typing, as a person would. */
export async function fill(page: Page, label: string, value: string): Promise<void> {
  const input = await byLabel(page, label);
  await input.focus();
  await input.evaluate((el) => (el as HTMLInputElement).select());
  await page.keyboard.press('Backspace');
  if (value !== '') await input.type(value);
}

/** Checks a checkbox or radio button by its label (a click, so the page sees a user's change). */
export async function check(page: Page, label: string | RegExp): Promise<void> {
  const checked = (input: ElementHandle<Element>) => input.evaluate((el) => (el as HTMLInputElement).checked);
  // Clicked at the control's place a moment ago: a hint that grows above it as the page's answer arrives
  // moves it, and the click lands beside it. Look again until the control is checked.
  await eventually(async () => {
    const input = await findByLabel(page, label);
    if (await checked(input)) return;
    await input.click();
    if (!(await checked(input))) throw new Error(`Clicking ${String(label)} did not check it.`);
  });
}

/** The value of the control labelled `label`. */
export async function inputValue(page: Page, label: string): Promise<string> {
  return (await byLabel(page, label)).evaluate((el) => (el as HTMLInputElement).value);
}

/** Clicks the button whose text is `name`. */
export async function clickButton(page: Page, name: string): Promise<void> {
  await (await button(page, name)).click();
}

/** The button whose text is `name` (throws when none appears). */
export function button(page: Page, name: string): Promise<ElementHandle<Element>> {
  return eventually(() => findButton(page, name));
}

async function findButton(page: Page, name: string): Promise<ElementHandle<Element>> {
  const handle = await page.evaluateHandle((name) => {
    const found = [...document.querySelectorAll('button')].filter(
      (b) => (b.getAttribute('aria-label') ?? b.textContent ?? '').trim() === name,
    );
    return found.length === 1 ? found[0] : `${found.length} buttons are named ${name}`;
  }, name);
  const element = handle.asElement();
  if (!element) throw new Error(String(await handle.jsonValue()));
  return element as ElementHandle<Element>;
}

/** Text content of the first element matching `selector`, or null when there is none. */
export function text(page: Page, selector: string): Promise<string | null> {
  return page.evaluate((s) => document.querySelector(s)?.textContent ?? null, selector);
}

/** Text content of every element matching `selector`. */
export function texts(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((s) => [...document.querySelectorAll(s)].map((e) => e.textContent ?? ''), selector);
}

/** How many elements match `selector`. */
export function count(page: Page, selector: string): Promise<number> {
  return page.evaluate((s) => document.querySelectorAll(s).length, selector);
}

/** What the first-run setup asks for, as a user types it. */
export interface SetupValues {
  jid: string;
  password?: string;
  transport?: 'WebSocket' | 'BOSH';
  /** A connection URL; automatic discovery when absent. */
  url?: string;
  /** Left at its default (http://127.0.0.1:8080) when absent. */
  observatory?: string;
  privacy: 'ask' | 'download';
  remember?: boolean;
}

export const PRIVACY_LABELS = {
  ask: "Ask the observatory about each contact's server",
  download: 'Download the whole list only',
} as const;

/**
 * Goes through the setup's three steps on an options page showing it, with clicks as a user does
 * (the last one, "Save and start", is the user gesture that grants host access in Firefox).
 */
export async function completeSetup(page: Page, values: SetupValues): Promise<void> {
  await byLabel(page, 'XMPP address');
  await fill(page, 'XMPP address', values.jid);
  if (values.password !== undefined) await fill(page, 'Password', values.password);
  if (values.remember) await check(page, /Remember me/);
  await check(page, values.transport ?? 'WebSocket');
  if (values.url !== undefined) {
    await check(page, 'Use this URL');
    await fill(page, 'Connection URL', values.url);
  }
  await clickButton(page, 'Next');
  await byLabel(page, 'Observatory URL');
  if (values.observatory !== undefined) await fill(page, 'Observatory URL', values.observatory);
  await clickButton(page, 'Next');
  await check(page, PRIVACY_LABELS[values.privacy === 'ask' ? 'ask' : 'download']);
  await clickButton(page, 'Save and start');
  await eventually(async () => {
    if ((await text(page, '.setup-done')) === null) throw new Error('The setup was not saved.');
  });
}
