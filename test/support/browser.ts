// Debian's Chromium (/usr/bin/chromium, `apt-get install chromium`; .ci/run installs it) driven by
// playwright-core, headless, for the browser tests: one browser per test file, a fresh context
// (cookies, storage) and page per test. Playwright starts it with a fresh, empty user-data-dir of
// its own; the flags keep it off the network (this machine has none: without them Chromium tries
// Google's hosts at every start) and out of GPU and sandbox set-up (CI runs as root).
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const PAGE_WAIT_MS = 20_000;

export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** console errors and uncaught exceptions so far, minus the ones `expected` allows */
  errors(): string[];
  close(): Promise<void>;
}

/**
 * A new context and page whose console errors and page errors are collected. `expected`: console
 * messages a test provokes on purpose (the browser's own line for a refused request).
 */
export async function openPage(browser: Browser, options: { expected?: RegExp[] } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1, locale: 'en-GB', timezoneId: 'UTC' });
  // Playwright gives up before bun's 30 s test timeout: a wait that fails says what it waited
  // for, instead of the test being killed (and the browser with it, as a dangling process)
  context.setDefaultTimeout(PAGE_WAIT_MS);
  const page = await context.newPage();
  const seen: string[] = [];
  const expected = options.expected ?? [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() !== 'error' && message.type() !== 'warning') return;
    const text = `${message.type()}: ${message.text()}`;
    if (!expected.some((pattern) => pattern.test(text))) seen.push(text);
  });
  page.on('pageerror', (error) => seen.push(`pageerror: ${error.message}`));
  return { context, page, errors: () => [...seen], close: () => context.close() };
}
