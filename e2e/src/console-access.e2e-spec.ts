import type { AcceptedEvent } from '@switchyard/core/contracts';
import { AccessRepository, ConsoleUserStore } from '@switchyard/server/internal';
import { needs, queryRows, testDatabaseUrl, waitFor } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { seen } from './fixtures/test-handlers.js';
import { buildConsole, type ConsoleBrowser, launchBrowser, signedInAs, signInWithForm, startConsole } from './support/console.js';
import { type CapturedAction, captureAction, replayAction } from './support/console-actions.js';
import { resetWithCatalogue } from './support/database.js';
import { aConsoleUser } from './support/sign-in.js';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();
const DANA = 'dana-operator-passphrase';
const VERA = 'vera-viewer-passphrase';

/**
 * Who may do what in the console, in Debian's Chromium against the real
 * stack: roles, CSRF, sign-out, user management, and the pages shown when
 * something is missing or the API does not answer. What an operator sees and
 * does is console.e2e-spec.ts.
 */
describe('the console: access and error pages', needs('chromium'), () => {
  let stack: TestStack;
  let consoleUrl: string;
  let stopConsole: () => Promise<void>;
  let browser: ConsoleBrowser;
  let page: Page;

  before(async () => {
    await resetWithCatalogue(db);
    seen.reset();
    stack = await TestStack.start();
    buildConsole();
    ({ url: consoleUrl, stop: stopConsole } = await startConsole(stack.apiUrl, stack.token));
    await aConsoleUser('dana', { password: DANA, role: 'operator' });
    await aConsoleUser('vera', { password: VERA, role: 'viewer' });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, 'dana', DANA);
    await signedInAs(page, 'dana');
  });
  // Any console error or uncaught error on any page the test opened fails it.
  afterEach(() => browser?.assertNoPageErrors());
  after(async () => {
    await browser?.close();
    await stopConsole?.();
    await stack?.close();
  });

  const go = (path: string) => page.goto(`${consoleUrl}${path}`, { waitUntil: 'domcontentloaded' });

  const signIn = (target: Page, username: string, password: string) => signInWithForm(target, consoleUrl, username, password);

  /** A fresh browser context (its own cookies) signed in as `username`. */
  const signedIn = async (username: string, password: string): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const other = await context.newPage();
    await signIn(other, username, password);
    await signedInAs(other, username);
    return { context, page: other };
  };

  /** The CSRF token a captured action sends as its first argument. */
  const tokenIn = (action: CapturedAction): string => {
    const token = /^\["([A-Za-z0-9_-]{43})"/.exec(action.body)?.[1];
    assert.ok(token, `the CSRF token is the action's first argument: ${action.body}`);
    return token;
  };

  it('a viewer cannot retry: the button is disabled, and the server refuses the action sent with her session', async () => {
    seen.broken = true;
    const { body } = await stack.post<AcceptedEvent>('/v1/events', { type: 'test.switchable', data: { n: 99 } });
    await waitFor('the dead letter', async () => (await queryRows(db, 'SELECT 1 FROM switchyard.dead_letters WHERE event_id = $1', [body.eventId])).length === 1);
    seen.broken = false;
    const [{ id }] = await queryRows<{ id: string }>(db, 'SELECT id::text AS id FROM switchyard.dead_letters WHERE event_id = $1', [body.eventId]);
    const viewer = await signedIn('vera', VERA);
    const operator = await signedIn('dana', DANA);
    try {
      await viewer.page.goto(`${consoleUrl}/dead-letters/${id}`, { waitUntil: 'domcontentloaded' });
      assert.equal(await viewer.page.getByRole('button', { name: 'Retry', exact: true }).isDisabled(), true);
      const veraToken = await viewer.page.locator('input[name="csrf"]').inputValue();
      const veraCookie = (await viewer.context.cookies(consoleUrl)).find((each) => each.name === 'sy_session')!.value;

      // The retry action as the browser sends it (an operator's click), then sent with vera's session and token.
      await operator.page.goto(`${consoleUrl}/dead-letters/${id}`, { waitUntil: 'domcontentloaded' });
      const action = await captureAction(operator.page, async () => {
        await operator.page.getByRole('button', { name: 'Retry', exact: true }).click();
        await operator.page.getByRole('button', { name: 'Retry now' }).click();
      });
      const asVera = await replayAction(action, veraCookie, { [tokenIn(action)]: veraToken });
      assert.match(asVera.text, /Forbidden: vera is a viewer; this needs operator/);
      assert.deepEqual(await queryRows(db, 'SELECT status FROM switchyard.dead_letters WHERE id = $1', [id]), [{ status: 'open' }]);
      assert.deepEqual(await queryRows(db, "SELECT 1 FROM switchyard.audit_log WHERE actor = 'vera'"), []);
    } finally {
      await viewer.context.close();
      await operator.context.close();
    }
  });

  it('CSRF: an action with a wrong or missing token or a foreign Origin is refused; the same request untouched goes through', async () => {
    const operator = await signedIn('dana', DANA);
    try {
      await operator.page.goto(`${consoleUrl}/queues`, { waitUntil: 'domcontentloaded' });
      const row = operator.page.locator('tr[data-queue="test-timed"]');
      const action = await captureAction(operator.page, async () => {
        await row.getByRole('button', { name: 'Pause' }).click();
        await row.getByRole('button', { name: 'Confirm' }).click();
      });
      const token = tokenIn(action);
      const cookie = (await operator.context.cookies(consoleUrl)).find((each) => each.name === 'sy_session')!.value;

      const forged = await replayAction(action, cookie, { [token]: 'x'.repeat(43) });
      assert.match(forged.text, /CSRF token does not match/);
      const missing = await replayAction(action, cookie, { [`"${token}"`]: '""' });
      assert.match(missing.text, /CSRF token does not match/);
      const foreign = await replayAction(action, cookie, {}, { origin: 'https://evil.example.net' });
      assert.notEqual(foreign.status, 200, 'Next refuses an action from another origin');
      assert.equal(await stack.queue('test-timed').isPaused(), false, 'nothing was paused');

      const genuine = await replayAction(action, cookie);
      assert.match(genuine.text, /Queue test-timed paused/);
      assert.equal(await stack.queue('test-timed').isPaused(), true);
      await stack.queue('test-timed').resume();
    } finally {
      await operator.context.close();
    }
  });

  it('sign-out ends the session on the server: the old cookie no longer opens the console', async () => {
    const { context, page: other } = await signedIn('dana', DANA);
    try {
      const cookie = (await context.cookies(consoleUrl)).find((each) => each.name === 'sy_session')!;
      const withOldCookie = () => fetch(`${consoleUrl}/api/v1/queues`, { headers: { cookie: `sy_session=${cookie.value}` } });
      assert.equal((await withOldCookie()).status, 200);
      // From a page that reads nothing in the background: signed out under the overview while it still loads its
      // charts, those reads are rightly refused (401), which the browser reports as errors.
      await other.goto(`${consoleUrl}/events`, { waitUntil: 'load' });
      await other.getByRole('button', { name: 'Sign out' }).click();
      await other.waitForURL(/\/sign-in/);
      assert.equal((await withOldCookie()).status, 401);
    } finally {
      await context.close();
    }
  });

  it('an admin manages users on the Users page; an operator does not see it', async () => {
    const users = new ConsoleUserStore(new AccessRepository({ query: (text, values) => queryRows(db, text, values) }));
    await users.create({ username: 'ada', password: 'ada-admin-passphrase', role: 'admin' });
    const admin = await signedIn('ada', 'ada-admin-passphrase');
    try {
      await admin.page.getByRole('link', { name: 'Users' }).click();
      await admin.page.getByRole('heading', { name: 'Users', exact: true }).waitFor();
      const create = admin.page.locator('section[aria-labelledby="create"]');
      await create.getByLabel('Username').fill('Omar');
      await create.getByLabel('Password').fill('omar-new-passphrase');
      await create.getByLabel('Role').selectOption('operator');
      await create.getByRole('button', { name: 'Create' }).click();
      await admin.page.getByRole('status').filter({ hasText: 'Created omar (operator)' }).waitFor();
      const row = admin.page.locator('tr[data-user="omar"]');
      await row.getByLabel('Role of omar').selectOption('viewer');
      await row.getByRole('button', { name: 'Set role' }).click();
      await admin.page.getByRole('status').filter({ hasText: 'omar is now viewer' }).waitFor();
      await admin.page.locator('tr[data-user="omar"]').getByRole('button', { name: 'Disable' }).click();
      await admin.page.getByRole('status').filter({ hasText: 'Disabled omar' }).waitFor();
      assert.deepEqual(await queryRows(db, "SELECT role, disabled_at IS NOT NULL AS disabled FROM switchyard.console_users WHERE username = 'omar'"), [{ role: 'viewer', disabled: true }]);
    } finally {
      await admin.context.close();
    }
    await go('/users');
    await page.getByRole('alert').getByText('Forbidden: only admins manage users.').waitFor();
    assert.equal(await page.getByRole('link', { name: 'Users' }).count(), 0);
  });

  it('a page that does not exist, or an event that does not: the not-found page', async () => {
    // The 404 is the answer this test asks for; Chromium logs it as a failed load.
    browser.allowNotFound(`${consoleUrl}/no-such-page`);
    assert.equal((await go('/no-such-page'))?.status(), 404);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    await page.getByRole('link', { name: 'Back to the overview' }).waitFor();
    // Found missing while the page streams (after its loading state), so the status is already sent; the page says it.
    await go('/events/01a00000-0000-7000-8000-000000000000');
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
  });

  it('shows a clear error state when the API does not answer', async () => {
    const { stop, url } = await startConsole('http://127.0.0.1:9', '');
    try {
      await page.goto(`${url}/queues`, { waitUntil: 'domcontentloaded' });
      await page.getByRole('alert').getByText(/did not answer/).waitFor();
      // Checked while that console still runs, then left: stopped under an open page, it fails the page's late loads (the icon).
      await browser.assertNoPageErrors();
      await page.goto('about:blank');
    } finally {
      await stop();
    }
  });
});
