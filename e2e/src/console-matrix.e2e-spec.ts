import type { AcceptedEvent } from '@switchyard/core/contracts';
import { needs, queryRows, testDatabaseUrl, waitFor } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { seen } from './fixtures/test-handlers.js';
import { buildConsole, type ConsoleBrowser, launchBrowser, screenshotDir, signedInAs, signInWithForm, startConsole } from './support/console.js';
import { type CapturedAction, captureAction, replayAction } from './support/console-actions.js';
import { resetWithCatalogue } from './support/database.js';
import { aConsoleUser } from './support/sign-in.js';
import { createApiKey, TestStack } from './support/stack.js';

const db = testDatabaseUrl();
type Role = 'viewer' | 'operator' | 'admin';
const RANK: Role[] = ['viewer', 'operator', 'admin'];
const PEOPLE: Record<Role, { username: string; password: string }> = {
  viewer: { username: 'vera', password: 'vera-viewer-passphrase' },
  operator: { username: 'dana', password: 'dana-operator-passphrase' },
  admin: { username: 'ada', password: 'ada-admin-passphrase' },
};
/** Who sends each attempt: every role with its own token, and an admin with a missing or a wrong CSRF token. */
const CALLERS: Array<{ label: string; role: Role; csrf: 'own' | 'missing' | 'wrong' }> = [
  { label: 'viewer', role: 'viewer', csrf: 'own' },
  { label: 'operator', role: 'operator', csrf: 'own' },
  { label: 'admin', role: 'admin', csrf: 'own' },
  { label: 'admin, no CSRF token', role: 'admin', csrf: 'missing' },
  { label: 'admin, wrong CSRF token', role: 'admin', csrf: 'wrong' },
];
// Four dead-letter mutations × five callers, and one more whose page the requests are caught on.
const DEAD_LETTERS = 4 * CALLERS.length + 1;

/** One console mutation: how to catch its request, make a fresh target for an attempt, and see whether it took effect. */
interface Mutation {
  name: string;
  needs: Role;
  /** The audit row an allowed attempt writes (none for sign-out). */
  audit: string | null;
  capture: () => Promise<CapturedAction>;
  /** The target's name in the captured request, replaced by each attempt's own. */
  placeholder: () => string | null;
  target: (attempt: number) => Promise<string>;
  done: (target: string, session: Session) => Promise<boolean>;
  untouched: (target: string, session: Session) => Promise<boolean>;
}
interface Session {
  cookie: string;
  csrf: string;
}

/**
 * The console's authorization matrix: every mutation (each a Next server
 * action) × viewer, operator, admin, and an admin without or with a wrong CSRF
 * token. Each action's request is caught once as the browser sends it, then
 * sent again with each caller's session and a fresh target; allowed means the
 * effect and its audit row under that user, refused means the refusal message
 * and nothing changed. One console server, one browser page.
 */
describe('console authorization matrix: every mutation × every role, and CSRF', needs('chromium'), () => {
  let stack: TestStack;
  let consoleUrl: string;
  let stopConsole: () => Promise<void>;
  let browser: ConsoleBrowser;
  let page: Page;
  const deadLetters: string[] = [];
  /** The dead letter the requests are caught on: caught requests are aborted, so it stays open throughout. */
  let bait = '';
  const sessions = {} as Record<Role, Session>;

  before(async () => {
    await resetWithCatalogue(db);
    seen.reset();
    stack = await TestStack.start();
    // Dead letters made by the real pipeline, then no worker: retried ones stay `retrying`, so the effect is there to see.
    seen.broken = true;
    const ids = await Promise.all(Array.from({ length: DEAD_LETTERS }, (_, n) => stack.post<AcceptedEvent>('/v1/events', { type: 'test.switchable', data: { n } })));
    await waitFor('the dead letters', async () => (await queryRows(db, "SELECT 1 FROM switchyard.dead_letters WHERE handler = 'test.switchable'")).length === DEAD_LETTERS, { timeoutMs: 30_000 });
    await stack.stopWorker();
    seen.broken = false;
    const rows = await queryRows<{ id: string }>(db, 'SELECT id::text AS id FROM switchyard.dead_letters WHERE event_id = ANY($1::uuid[]) ORDER BY id', [ids.map((answer) => answer.body.eventId)]);
    deadLetters.push(...rows.map((row) => row.id));
    bait = deadLetters.pop()!;

    buildConsole();
    ({ url: consoleUrl, stop: stopConsole } = await startConsole(stack.apiUrl, stack.token));
    for (const [role, person] of Object.entries(PEOPLE)) await aConsoleUser(person.username, { password: person.password, role });
    for (const role of RANK) sessions[role] = await signInByApi(role);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInWithForm(page, consoleUrl, 'ada', PEOPLE.admin.password);
    await signedInAs(page, 'ada');
  });
  // Any console error or uncaught error on any page the test opened fails it.
  afterEach(() => browser?.assertNoPageErrors());
  after(async () => {
    await browser?.close();
    await stopConsole?.();
    await stack?.close();
  });

  /** A session as the console's sign-in makes one (through the API, so the matrix costs no browser per role). */
  const signInByApi = async (role: Role): Promise<Session> => {
    const answer = await stack.post<{ token: string; session: { csrfToken: string } }>('/v1/console/sessions', { ...PEOPLE[role], clientIp: 'matrix' });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    return { cookie: answer.body.token, csrf: answer.body.session.csrfToken };
  };
  const go = (path: string) => page.goto(`${consoleUrl}${path}`, { waitUntil: 'load' });
  const one = async <T extends Record<string, unknown>>(sql: string, values: unknown[] = []) => (await queryRows<T>(db, sql, values))[0];
  const status = async (id: string) => (await one<{ status: string }>('SELECT status FROM switchyard.dead_letters WHERE id = $1', [id])).status;
  const alive = async (session: Session) => (await fetch(`${consoleUrl}/api/v1/queues`, { headers: { cookie: `sy_session=${session.cookie}` } })).status === 200;
  let nextDeadLetter = 0;
  const aDeadLetter = async () => deadLetters[nextDeadLetter++];
  const queue = () => stack.queue('test-timed');

  const mutations: Mutation[] = [
    {
      name: 'retry a dead letter',
      needs: 'operator',
      audit: 'dead-letter.retry',
      capture: async () => {
        await go(`/dead-letters/${bait}`);
        await page.getByRole('button', { name: 'Retry', exact: true }).click();
        return captureAction(page, () => page.getByRole('button', { name: 'Retry now' }).click());
      },
      placeholder: () => bait,
      target: aDeadLetter,
      done: async (id) => (await status(id)) === 'retrying',
      untouched: async (id) => (await status(id)) === 'open',
    },
    {
      name: 'discard a dead letter',
      needs: 'operator',
      audit: 'dead-letter.discard',
      capture: async () => {
        await go(`/dead-letters/${bait}`);
        await page.getByLabel('Reason to discard').fill('matrix');
        return captureAction(page, () => page.getByRole('button', { name: 'Discard', exact: true }).click());
      },
      placeholder: () => bait,
      target: aDeadLetter,
      done: async (id) => (await status(id)) === 'discarded',
      untouched: async (id) => (await status(id)) === 'open',
    },
    ...(['retry', 'discard'] as const).map((kind): Mutation => ({
      name: `bulk ${kind} (selected)`,
      needs: 'operator',
      audit: `dead-letters.${kind}`,
      capture: async () => {
        await go('/dead-letters?handler=test.switchable');
        await page.getByLabel(`Select dead letter ${bait}`).check();
        const label = kind === 'retry' ? 'Retry selected…' : 'Discard selected…';
        await page.getByRole('button', { name: label }).click();
        const dialog = page.getByRole('alertdialog', { name: label });
        await dialog.getByText('1 dead letter match (dry run).').waitFor();
        if (kind === 'discard') await dialog.getByLabel('Reason').fill('matrix');
        return captureAction(page, () => dialog.getByRole('button', { name: kind === 'retry' ? 'Retry 1' : 'Discard 1' }).click());
      },
      placeholder: () => bait,
      target: aDeadLetter,
      // The operation runs in the background: wait for it to reach the dead letter.
      done: async (id) => (await status(id)) === (kind === 'retry' ? 'retrying' : 'discarded'),
      untouched: async (id) => (await status(id)) === 'open',
    })),
    {
      name: 'pause a queue',
      needs: 'operator',
      audit: 'queue.pause',
      capture: async () => {
        await go('/queues');
        const row = page.locator('tr[data-queue="test-timed"]');
        await row.getByRole('button', { name: 'Pause' }).click();
        return captureAction(page, () => row.getByRole('button', { name: 'Confirm' }).click());
      },
      placeholder: () => null,
      target: async () => (await queue().resume(), 'test-timed'),
      done: async () => queue().isPaused(),
      untouched: async () => !(await queue().isPaused()),
    },
    {
      name: 'resume a queue',
      needs: 'operator',
      audit: 'queue.resume',
      capture: async () => {
        await queue().pause();
        await go('/queues');
        const row = page.locator('tr[data-queue="test-timed"]');
        await row.getByRole('button', { name: 'Resume' }).click();
        const captured = await captureAction(page, () => row.getByRole('button', { name: 'Confirm' }).click());
        await queue().resume();
        return captured;
      },
      placeholder: () => null,
      target: async () => (await queue().pause(), 'test-timed'),
      done: async () => !(await queue().isPaused()),
      untouched: async () => queue().isPaused(),
    },
    {
      name: 'create a user',
      needs: 'admin',
      audit: 'console-user.create',
      capture: async () => {
        await go('/users');
        const form = page.locator('section[aria-labelledby="create"]');
        await form.getByLabel('Username').fill('zz-new-user');
        await form.getByLabel('Password').fill('a-long-enough-passphrase');
        return captureAction(page, () => form.getByRole('button', { name: 'Create' }).click());
      },
      placeholder: () => 'zz-new-user',
      target: async (attempt) => `made-${attempt}`,
      done: async (name) => (await queryRows(db, 'SELECT 1 FROM switchyard.console_users WHERE username = $1', [name])).length === 1,
      untouched: async (name) => (await queryRows(db, 'SELECT 1 FROM switchyard.console_users WHERE username = $1', [name])).length === 0,
    },
    {
      name: 'change a user’s role',
      needs: 'admin',
      audit: 'console-user.set-role',
      capture: async () => {
        await aConsoleUser('zz-role-target');
        await go('/users');
        const row = page.locator('tr[data-user="zz-role-target"]');
        await row.getByLabel('Role of zz-role-target').selectOption('operator');
        return captureAction(page, () => row.getByRole('button', { name: 'Set role' }).click());
      },
      placeholder: () => 'zz-role-target',
      target: (attempt) => aConsoleUser(`role-${attempt}`),
      done: async (name) => (await one<{ role: string }>('SELECT role FROM switchyard.console_users WHERE username = $1', [name])).role === 'operator',
      untouched: async (name) => (await one<{ role: string }>('SELECT role FROM switchyard.console_users WHERE username = $1', [name])).role === 'viewer',
    },
    {
      name: 'disable a user',
      needs: 'admin',
      audit: 'console-user.disable',
      capture: async () => {
        await aConsoleUser('zz-disable-target');
        await go('/users');
        return captureAction(page, () => page.locator('tr[data-user="zz-disable-target"]').getByRole('button', { name: 'Disable' }).click());
      },
      placeholder: () => 'zz-disable-target',
      target: (attempt) => aConsoleUser(`gone-${attempt}`),
      done: async (name) => (await one<{ off: boolean }>('SELECT disabled_at IS NOT NULL AS off FROM switchyard.console_users WHERE username = $1', [name])).off,
      untouched: async (name) => !(await one<{ off: boolean }>('SELECT disabled_at IS NOT NULL AS off FROM switchyard.console_users WHERE username = $1', [name])).off,
    },
    {
      name: 'create an API key',
      needs: 'admin',
      audit: 'api-key.create',
      capture: async () => {
        await go('/keys');
        await page.getByLabel('Name').fill('zz-new-key');
        await page.getByLabel('ops:read').check();
        return captureAction(page, () => page.getByRole('button', { name: 'Create key' }).click());
      },
      placeholder: () => 'zz-new-key',
      target: async (attempt) => `key-made-${attempt}`,
      done: async (name) => (await queryRows(db, 'SELECT 1 FROM switchyard.api_keys WHERE name = $1', [name])).length === 1,
      untouched: async (name) => (await queryRows(db, 'SELECT 1 FROM switchyard.api_keys WHERE name = $1', [name])).length === 0,
    },
    {
      name: 'revoke an API key',
      needs: 'admin',
      audit: 'api-key.revoke',
      capture: async () => {
        await createApiKey('zz-revoke-target', ['ops:read']);
        await go('/keys');
        const row = page.locator('tr[data-key="zz-revoke-target"]');
        await row.getByRole('button', { name: 'Revoke' }).click();
        return captureAction(page, () => row.getByRole('button', { name: 'Revoke zz-revoke-target' }).click());
      },
      placeholder: () => 'zz-revoke-target',
      target: async (attempt) => (await createApiKey(`key-gone-${attempt}`, ['ops:read']), `key-gone-${attempt}`),
      done: async (name) => (await one<{ off: boolean }>('SELECT revoked_at IS NOT NULL AS off FROM switchyard.api_keys WHERE name = $1', [name])).off,
      untouched: async (name) => !(await one<{ off: boolean }>('SELECT revoked_at IS NOT NULL AS off FROM switchyard.api_keys WHERE name = $1', [name])).off,
    },
    {
      name: 'sign out',
      needs: 'viewer',
      audit: null,
      capture: async () => {
        await go('/');
        return captureAction(page, () => page.getByRole('button', { name: 'Sign out' }).click());
      },
      placeholder: () => null,
      target: async () => '',
      done: async (_, session) => !(await alive(session)),
      untouched: async (_, session) => alive(session),
    },
  ];

  it('the Keys page: an admin creates a key (its token shown once), sees it listed, and revokes it after a confirmation', async () => {
    await go('/');
    await page.getByRole('link', { name: 'Keys' }).click();
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    await page.waitForLoadState('load');
    // Bad input: the API's message, nothing written.
    await page.getByLabel('Name').fill('ui-key');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('alert').getByText(/scopes: give at least one of/).waitFor();
    assert.deepEqual(await queryRows(db, "SELECT 1 FROM switchyard.api_keys WHERE name = 'ui-key'"), []);

    await page.getByLabel('events:read').check();
    await page.getByLabel('ops:read').check();
    await page.getByLabel('Rate limit (events/s)').fill('25');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('status').getByText(/Created key ui-key\. Copy its token now/).waitFor();
    const token = await page.getByLabel('Token of ui-key').inputValue();
    await page.screenshot({ path: join(screenshotDir(), 'keys.png'), fullPage: true });
    assert.match(token, /^sy_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    assert.ok(!page.url().includes(token.slice(12)), 'the token is not in the URL');
    assert.equal((await fetch(stack.url('/v1/queues'), { headers: { authorization: `Bearer ${token}` } })).status, 200, 'the token works');
    const row = page.locator('tr[data-key="ui-key"]');
    await row.getByText(`sy_${token.slice(3, 11)}_…`).waitFor();
    assert.deepEqual(await row.locator('td').allTextContents().then((cells) => cells.slice(2, 6)), ['events:read, ops:read', '25/s', 'active', 'never']);

    await page.reload({ waitUntil: 'load' });
    assert.ok(!(await page.content()).includes(token.slice(12)), 'shown once: gone after a reload');
    const own = page.locator('tr[data-key^="test-admin-"]');
    await own.getByText('(this console’s key)').waitFor();
    assert.equal(await own.getByRole('button', { name: 'Revoke' }).isDisabled(), true, 'the console’s own key is not offered for revoking');

    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('alertdialog', { name: 'Revoke' }).getByText(/this cannot be undone/).waitFor();
    await row.getByRole('button', { name: 'Revoke ui-key' }).click();
    await row.getByRole('status').getByText('Revoked ui-key; the API refuses it within 5 s').waitFor();
    await row.getByText('revoked', { exact: true }).waitFor();
    await waitFor('the API to refuse the revoked token', async () => (await fetch(stack.url('/v1/queues'), { headers: { authorization: `Bearer ${token}` } })).status === 401, { timeoutMs: 15_000, intervalMs: 250 });
    assert.deepEqual(await queryRows(db, "SELECT actor, action FROM switchyard.audit_log WHERE target = 'api-key:ui-key' ORDER BY id"), [
      { actor: 'ada', action: 'api-key.create' },
      { actor: 'ada', action: 'api-key.revoke' },
    ]);
  });

  it('allows each mutation to the roles that have it, and refuses everyone else and every bad CSRF token', async () => {
    const failures: string[] = [];
    await go('/');
    const adminCsrf = await page.locator('input[name="csrf"]').first().inputValue();
    for (const mutation of mutations) {
      const captured = await mutation.capture();
      assert.ok(captured.body.includes(adminCsrf), `${mutation.name}: the request carries the session's CSRF token`);
      for (const [index, caller] of CALLERS.entries()) {
        const label = `${mutation.name} as ${caller.label}`;
        const allowed = caller.csrf === 'own' && RANK.indexOf(caller.role) >= RANK.indexOf(mutation.needs);
        const target = await mutation.target(index);
        // Sign-out ends the session it is sent with: every attempt gets one of its own.
        const session = mutation.audit === null ? await signInByApi(caller.role) : sessions[caller.role];
        const csrf = caller.csrf === 'own' ? session.csrf : caller.csrf === 'missing' ? '' : 'x'.repeat(43);
        const [{ mark }] = await queryRows<{ mark: string }>(db, 'SELECT COALESCE(max(id), 0)::text AS mark FROM switchyard.audit_log');
        const swap: Record<string, string> = { [adminCsrf]: csrf };
        const placeholder = mutation.placeholder();
        if (placeholder && placeholder !== target) swap[placeholder] = target;
        const answer = await replayAction(captured, session.cookie, swap);
        const said = `${answer.redirect} ${answer.text}`;
        const audited = async () =>
          (await queryRows(db, 'SELECT 1 FROM switchyard.audit_log WHERE id > $1::bigint AND actor = $2 AND action = $3', [mark, PEOPLE[caller.role].username, mutation.audit])).length > 0;
        if (answer.status >= 500 && allowed) failures.push(`${label}: HTTP ${answer.status}`);
        if (allowed) {
          const took = await waitFor(`${label} to take effect`, async () => (await mutation.done(target, session)) && (mutation.audit === null || (await audited())), { timeoutMs: 10_000 }).then(() => true, () => false);
          if (!took) failures.push(`${label}: allowed, but no effect or no audit row under ${PEOPLE[caller.role].username} (${said.slice(0, 200)})`);
        } else {
          const reason = caller.csrf === 'own' ? new RegExp(`Forbidden: ${PEOPLE[caller.role].username} is a ${caller.role}; this needs ${mutation.needs}`) : /CSRF token does not match/;
          if (!reason.test(said)) failures.push(`${label}: no refusal message (${answer.status} ${said.slice(0, 200)})`);
          if (!(await mutation.untouched(target, session))) failures.push(`${label}: refused, but something changed`);
          if (mutation.audit !== null && (await audited())) failures.push(`${label}: refused, but audited`);
        }
      }
    }
    assert.deepEqual(failures, []);
  });

  it('admin-only pages: the Users and Keys pages and their nav links are for admins only', async () => {
    for (const role of RANK) {
      for (const [path, heading, refusal] of [['/users', 'New user', 'only admins manage users'], ['/keys', 'New key', 'only admins manage API keys']]) {
        const answer = await fetch(`${consoleUrl}${path}`, { headers: { cookie: `sy_session=${sessions[role].cookie}` } });
        const html = await answer.text();
        if (role === 'admin') {
          assert.ok(html.includes(heading) && !html.includes(refusal), `${path} as admin`);
        } else {
          assert.ok(html.includes(`Forbidden: ${refusal}`), `${path} as ${role}: refused`);
          assert.ok(!html.includes(heading) && !html.includes('zz-revoke-target') && !html.includes('zz-role-target'), `${path} as ${role}: shows nothing of it`);
          assert.ok(!html.includes(`href="${path}"`), `${path} as ${role}: no nav link`);
        }
      }
    }
  });
});
