import { needs, queryRows, testDatabaseUrl } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { buildConsole, type ConsoleBrowser, launchBrowser, signedInAs, startConsole, submitSignIn } from './support/console.js';
import { captureAction, replayAction } from './support/console-actions.js';
import { resetWithCatalogue } from './support/database.js';
import { consoleUsers, PASSWORD } from './support/sign-in.js';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();

/**
 * Sessions end when idle or old, the sign-in throttle holds even against the
 * right password, and signing in returns to the page asked for but never to
 * another site. Expiry is tested by ageing the session's row, so the real
 * limits (12 h idle, 7 days) are what is checked, on both sides of each.
 */
describe('console sessions: expiry, the sign-in throttle, the way back after sign-in', needs('chromium'), () => {
  let stack: TestStack;
  let consoleUrl: string;
  let stopConsole: () => Promise<void>;
  let browser: ConsoleBrowser;

  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start({ worker: false });
    buildConsole();
    ({ url: consoleUrl, stop: stopConsole } = await startConsole(stack.apiUrl, stack.token));
    await consoleUsers(['ivy', 'abe', 'nia', 'tess', 'vera']);
    browser = await launchBrowser();
  });
  // Any console error or uncaught error on any page the test opened fails it.
  afterEach(() => browser?.assertNoPageErrors());
  after(async () => {
    await browser?.close();
    await stopConsole?.();
    await stack?.close();
  });

  /** A browser context of its own (its own cookies), optionally behind a proxy naming the client's address. */
  const aVisitor = async (forwardedFor?: string): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ extraHTTPHeaders: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} });
    return { context, page: await context.newPage() };
  };
  const path = (page: Page) => {
    const url = new URL(page.url());
    return `${url.pathname}${url.search}`;
  };
  const age = (username: string, set: string) =>
    queryRows(db, `UPDATE switchyard.console_sessions SET ${set} WHERE user_id = (SELECT id FROM switchyard.console_users WHERE username = $1)`, [username]);
  const proxyStatus = async (context: BrowserContext) => {
    const cookie = (await context.cookies(consoleUrl)).find((each) => each.name === 'sy_session');
    return (await fetch(`${consoleUrl}/api/v1/queues`, { headers: { cookie: `sy_session=${cookie?.value}` } })).status;
  };

  it('signed out, /dead-letters goes to /sign-in?next=/dead-letters, and signing in lands there (query kept)', async () => {
    const { context, page } = await aVisitor();
    try {
      await page.goto(`${consoleUrl}/dead-letters?status=open`, { waitUntil: 'load' });
      await page.waitForURL(/\/sign-in\?/);
      assert.equal(new URL(page.url()).searchParams.get('next'), '/dead-letters?status=open');
      await submitSignIn(page, 'ivy', PASSWORD);
      await page.waitForURL((url) => url.pathname === '/dead-letters');
      assert.equal(path(page), '/dead-letters?status=open');
      await signedInAs(page, 'ivy');
    } finally {
      await context.close();
    }
  });

  it('a next that leads off the console lands on / instead, whether in the link or forged into the form', async () => {
    const offsite = ['//evil.example', 'https://evil.example', '/\\evil.example', '/\t/evil.example', 'javascript:alert(1)', '/%2F%2Fevil.example'];
    // Signing in with this next lands on the console's not-found page, answered 404.
    browser.allowNotFound(`${consoleUrl}/%2F%2Fevil.example`);
    for (const next of offsite) {
      const { context, page } = await aVisitor();
      try {
        await page.goto(`${consoleUrl}/sign-in?next=${encodeURIComponent(next)}`, { waitUntil: 'load' });
        await submitSignIn(page, 'abe', PASSWORD);
        await page.waitForURL((url) => url.pathname !== '/sign-in');
        assert.equal(new URL(page.url()).origin, consoleUrl, `${JSON.stringify(next)}: stays on the console`);
        // '/%2F%2Fevil.example' is a path on this console (its not-found page), which is fine: it is not another site.
        if (next === '/%2F%2Fevil.example') continue;
        assert.equal(path(page), '/', JSON.stringify(next));
        await signedInAs(page, 'abe');
      } finally {
        await context.close();
      }
    }

    // The page puts only a safe value in its form; the server action checks again, whatever the form sends.
    const { context, page } = await aVisitor();
    try {
      await page.goto(`${consoleUrl}/sign-in?next=%2Fqueues`, { waitUntil: 'load' });
      await page.getByLabel('Username').fill('abe');
      await page.getByLabel('Password').fill(PASSWORD);
      const action = await captureAction(page, () => page.getByRole('button', { name: 'Sign in' }).click());
      for (const next of ['//evil.example', 'https://evil.example', '/\\evil.example', '/\t/evil.example']) {
        const answer = await replayAction(action, null, { '/queues': next });
        assert.equal(answer.redirect.split(';')[0], '/', `forged next ${JSON.stringify(next)} → ${answer.redirect}`);
      }
      assert.equal((await replayAction(action, null)).redirect.split(';')[0], '/queues', 'a path on the console is kept');
    } finally {
      await context.close();
    }
  });

  it('idle expiry: a session unused for 12 hours stops working, and the console sends the user to sign in', async () => {
    const { context, page } = await aVisitor();
    try {
      await page.goto(`${consoleUrl}/sign-in`, { waitUntil: 'load' });
      await submitSignIn(page, 'nia', PASSWORD);
      await signedInAs(page, 'nia');
      // expires_at is set by the API's clock, created_at by Postgres': allow a minute between them.
      const [{ lifetime }] = await queryRows<{ lifetime: number }>(db, "SELECT extract(epoch FROM s.expires_at - s.created_at)::float8 AS lifetime FROM switchyard.console_sessions s JOIN switchyard.console_users u ON u.id = s.user_id WHERE u.username = 'nia'");
      assert.ok(Math.abs(lifetime - 7 * 86_400) < 60, `a session lasts at most 7 days from sign-in; got ${lifetime} s`);

      await age('nia', "last_seen_at = now() - interval '11 hours 59 minutes'");
      await page.goto(`${consoleUrl}/queues`, { waitUntil: 'load' });
      await signedInAs(page, 'nia');
      assert.equal(path(page), '/queues', 'just under 12 hours idle: still signed in (and the visit resets the idle clock)');

      await age('nia', "last_seen_at = now() - interval '12 hours 1 minute'");
      assert.equal(await proxyStatus(context), 401, 'the read proxy refuses it');
      await page.goto(`${consoleUrl}/queues`, { waitUntil: 'load' });
      await page.waitForURL(/\/sign-in\?/);
      assert.equal(new URL(page.url()).searchParams.get('next'), '/queues');
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('absolute expiry: a session past its 7 days stops working even while in use', async () => {
    const { context, page } = await aVisitor();
    try {
      await page.goto(`${consoleUrl}/sign-in`, { waitUntil: 'load' });
      await submitSignIn(page, 'nia', PASSWORD);
      await signedInAs(page, 'nia');
      // Signed in 7 days less a minute ago, used just now: still good.
      await age('nia', "created_at = now() - interval '7 days' + interval '1 minute', expires_at = now() + interval '1 minute', last_seen_at = now()");
      await page.goto(`${consoleUrl}/events`, { waitUntil: 'load' });
      await signedInAs(page, 'nia');

      await age('nia', "expires_at = now() - interval '1 second', last_seen_at = now()");
      assert.equal(await proxyStatus(context), 401);
      await page.goto(`${consoleUrl}/events`, { waitUntil: 'load' });
      await page.waitForURL(/\/sign-in\?/);
      assert.equal(new URL(page.url()).searchParams.get('next'), '/events');
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('the sign-in throttle: after ten failures even the right password is refused; the API answers 429 with Retry-After', async () => {
    const address = '198.51.100.7';
    const { context, page } = await aVisitor(address);
    try {
      await page.goto(`${consoleUrl}/sign-in`, { waitUntil: 'load' });
      for (let attempt = 1; attempt <= 10; attempt++) {
        await submitSignIn(page, 'tess', `wrong-passphrase-${attempt}`);
        await page.getByRole('alert').getByText('Wrong username or password.').waitFor();
      }
      await submitSignIn(page, 'tess', PASSWORD);
      await page.getByRole('alert').getByText('Too many failed sign-ins; wait a few minutes and try again.').waitFor();
      assert.match(path(page), /^\/sign-in\?/);
      assert.deepEqual(await queryRows(db, "SELECT 1 FROM switchyard.console_sessions s JOIN switchyard.console_users u ON u.id = s.user_id WHERE u.username = 'tess'"), [], 'no session was made');

      const signIn = (username: string, clientIp: string) =>
        fetch(stack.url('/v1/console/sessions'), { method: 'POST', headers: { ...stack.auth, 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD, clientIp }) });
      const throttled = await signIn('tess', '203.0.113.50');
      assert.equal(throttled.status, 429, 'per username, from any address');
      const retryAfter = Number(throttled.headers.get('retry-after'));
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 15 * 60, `Retry-After ${throttled.headers.get('retry-after')}`);
      assert.match(throttled.headers.get('content-type') ?? '', /application\/problem\+json/);
      assert.match(((await throttled.json()) as { detail: string }).detail, /Too many failed sign-ins/);
      assert.equal((await signIn('vera', address)).status, 429, 'per address, for any username');
      assert.equal((await signIn('vera', '203.0.113.50')).status, 201, 'another user from another address is not held back');
    } finally {
      await context.close();
    }
  });
});
