import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { freePort, runNode, type RunningProcess, toolPath, waitFor } from '@switchyard/testing';

const root = join(__dirname, '..', '..', '..');
const consoleDir = join(root, 'packages', 'console');
const next = join(root, 'node_modules', 'next', 'dist', 'bin', 'next');

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    if (name === '.next' || name === 'node_modules') continue;
    const path = join(dir, name);
    const stat = statSync(path);
    newest = Math.max(newest, stat.isDirectory() ? newestSource(path) : stat.mtimeMs);
  }
  return newest;
}

/** Builds the console (next build) unless a build newer than its sources exists. */
export function buildConsole(): void {
  const buildId = join(consoleDir, '.next', 'BUILD_ID');
  if (existsSync(buildId) && statSync(buildId).mtimeMs > newestSource(consoleDir)) return;
  const result = spawnSync(process.execPath, [next, 'build'], { cwd: consoleDir, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`next build failed:\n${result.stdout}\n${result.stderr}`);
}

/** `next start` on a free port, talking to the API at `apiUrl` with the API key `apiKey`. */
export async function startConsole(apiUrl: string, apiKey: string): Promise<{ url: string; process: RunningProcess; stop: () => Promise<void> }> {
  const port = await freePort();
  const process_ = runNode(next, { SWITCHYARD_API_URL: apiUrl, SWITCHYARD_API_KEY: apiKey, NEXT_TELEMETRY_DISABLED: '1', HOME: process.env.HOME ?? '/tmp' }, ['start', '-p', String(port), '-H', '127.0.0.1'], consoleDir);
  const url = `http://127.0.0.1:${port}`;
  await waitFor('the console to answer', async () => (await fetch(url).catch(() => null))?.status === 200, { timeoutMs: 30_000 });
  return {
    url,
    process: process_,
    stop: async () => {
      process_.child.kill('SIGTERM');
      await process_.exited;
    },
  };
}

/** Fills and sends the console's sign-in form on `page` (already on /sign-in). */
export async function submitSignIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Opens the console's sign-in page on `page` and signs `username` in through the form (it does not wait for the outcome). */
export async function signInWithForm(page: Page, consoleUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${consoleUrl}/sign-in`, { waitUntil: 'domcontentloaded' });
  await submitSignIn(page, username, password);
}

/** Waits until the console's header names `username` as signed in. */
export function signedInAs(page: Page, username: string): Promise<void> {
  return page.getByTestId('signed-in-user').filter({ hasText: username }).waitFor();
}

/**
 * Debian's Chromium (CHROMIUM_PATH to use another), headless, as the machine
 * allows it (no sandbox, no background network); specs that launch it declare
 * `needs('chromium')`. Every page it opens is watched for errors.
 */
export async function launchBrowser(): Promise<ConsoleBrowser> {
  const browser = await chromium.launch({
    executablePath: toolPath('chromium'),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  return new ConsoleBrowser(browser);
}

/**
 * Chromium for the console specs. Every page of every context it makes is
 * watched from its first navigation to its last: each `console.error` (a
 * fetch the browser saw fail with 401, 403, 404 or 5xx, a warning from React)
 * and each uncaught page error (React's hydration errors, #418 and the like)
 * is kept, with the page's URL, until
 * `assertNoPageErrors` reports it. A spec calls that after each test
 * (`afterEach`), so a test fails on any error on any page it visited, and
 * `close` reports what no test did. Only what a test asks for passes: the 404
 * of an exact URL it means to visit (`allowNotFound`: the not-found page),
 * and the two errors of a request it aborts itself (`expectAbortedRequest`).
 */
export class ConsoleBrowser {
  private readonly errors: string[] = [];
  private readonly pages = new Set<Page>();
  private readonly allowed = new Set<string>();

  constructor(private readonly browser: Browser) {}

  async newContext(options: BrowserContextOptions = {}): Promise<BrowserContext> {
    const context = await this.browser.newContext(options);
    context.on('page', (page) => this.watch(page));
    return context;
  }

  /** A page in a context of its own, closed with the page. */
  async newPage(options: BrowserContextOptions = {}): Promise<Page> {
    const context = await this.newContext(options);
    const page = await context.newPage();
    // Closing the browser closes the page too, and its context with it.
    page.once('close', () => void context.close().catch(() => undefined));
    return page;
  }

  /**
   * Lets the 404 of exactly `url` pass: a page that does not exist is
   * answered with the not-found page and status 404, which Chromium logs as
   * a failed load. Nothing but that message at that URL.
   */
  allowNotFound(url: string): void {
    this.allowed.add(url);
  }

  /**
   * Waits until every open page has loaded and gone idle (so an error React
   * reports while hydrating has arrived), then fails with every error seen
   * since the last call, page by page. Clears them either way.
   */
  async assertNoPageErrors(): Promise<void> {
    await Promise.all([...this.pages].map((page) => settled(page)));
    const seen = this.errors.splice(0);
    if (seen.length > 0) throw new Error(`The browser reported ${seen.length} error(s):\n${seen.map((error) => `  - ${error}`).join('\n')}`);
  }

  /** Closes Chromium, then reports errors no test reported (from `after` hooks, or a spec without the afterEach check). */
  async close(): Promise<void> {
    await Promise.all([...this.pages].map((page) => settled(page)));
    await this.browser.close();
    const seen = this.errors.splice(0);
    if (seen.length > 0) throw new Error(`The browser reported ${seen.length} error(s) after the last check:\n${seen.map((error) => `  - ${error}`).join('\n')}`);
  }

  private watch(page: Page): void {
    this.pages.add(page);
    page.once('close', () => this.pages.delete(page));
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const source = message.location().url;
      if (message.text() === NOT_FOUND && this.allowed.has(source)) return;
      if (causedByTheTest(page, message.text(), source)) return;
      this.errors.push(`${page.url()}: console.error: ${message.text()}${source && source !== page.url() ? ` (${source})` : ''}`);
    });
    page.on('pageerror', (error) => this.errors.push(`${page.url()}: uncaught ${error.name}: ${error.message}`));
  }
}

/** Requests a test aborted on purpose, per page, and which of the two errors each causes are still to come. */
const abortedByTests = new WeakMap<Page, Array<{ url: string; load: boolean; fetch: boolean }>>();

/**
 * Says that the test itself aborts the request to exactly `url` on `page`
 * (captureAction does, so an action is caught and never runs): the failed
 * load Chromium logs for it and the page's "TypeError: Failed to fetch" that
 * follows are the test's doing, and pass once each.
 */
export function expectAbortedRequest(page: Page, url: string): void {
  const list = abortedByTests.get(page) ?? [];
  list.push({ url, load: true, fetch: true });
  abortedByTests.set(page, list);
}

function causedByTheTest(page: Page, text: string, source: string): boolean {
  const list = abortedByTests.get(page) ?? [];
  const load = text === 'Failed to load resource: net::ERR_FAILED' && list.find((each) => each.load && each.url === source);
  if (load) load.load = false;
  const fetch = !load && text.startsWith('TypeError: Failed to fetch') && list.find((each) => each.fetch);
  if (fetch) fetch.fetch = false;
  abortedByTests.set(page, list.filter((each) => each.load || each.fetch));
  return Boolean(load || fetch);
}

const NOT_FOUND = 'Failed to load resource: the server responded with a status of 404 (Not Found)';

/** The page loaded and its main thread idle once: scripts run, React hydrated. Closed or navigating pages are left as they are. */
async function settled(page: Page): Promise<void> {
  if (page.isClosed()) return;
  try {
    await page.waitForLoadState('load', { timeout: 30_000 });
    // A string, evaluated in the page: the e2e code is compiled without the DOM library.
    await page.evaluate('new Promise((resolve) => requestIdleCallback(() => requestAnimationFrame(() => resolve(true)), { timeout: 2000 }))');
  } catch (error) {
    // A page closed or navigated away meanwhile has nothing more to report from this document.
    if (!/closed|destroyed|navigat/i.test((error as Error).message)) throw error;
  }
}

/**
 * Where the console specs save their screenshots: docs/screenshots (the
 * README's pictures) only when UPDATE_SCREENSHOTS=1, else .test-output, so an
 * ordinary test run leaves the tree clean.
 */
export function screenshotDir(): string {
  const root = join(__dirname, '..', '..', '..');
  const dir = process.env.UPDATE_SCREENSHOTS === '1' ? join(root, 'docs', 'screenshots') : join(root, '.test-output', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}
