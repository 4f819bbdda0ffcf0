// Debian's Chromium without the extension, for the observatory's own pages: a page that records every
// console error, failed request and HTTP error it meets, and an axe-core check.
import { type Browser, chromium, type Page } from 'playwright-core';
import { CHROMIUM } from './browser.ts';

export interface WatchedPage {
  page: Page;
  /** Console errors (CSP violations are reported there too), failed requests and 4xx/5xx answers. */
  problems: string[];
}

export async function launchPlainBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu'],
  });
}

export async function watchedPage(browser: Browser): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return { page, problems };
}

export { seriousViolations } from './axe.ts';
