import { PaymentGateway } from '@switchyard/example-shop';
import type { AcceptedEvent } from '@switchyard/core/contracts';
import { needs, queryRows, testDatabaseUrl, waitFor } from '@switchyard/testing';
import { anOrder, orderPlacedEvent } from '@switchyard/example-shop';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { seen } from './fixtures/test-handlers.js';
import { buildConsole, type ConsoleBrowser, launchBrowser, signedInAs, signInWithForm, screenshotDir, startConsole } from './support/console.js';
import { resetWithCatalogue } from './support/database.js';
import { aConsoleUser } from './support/sign-in.js';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();
const DANA = 'dana-operator-passphrase';

/**
 * The console in Debian's Chromium against the real stack: API and worker
 * (in this process), Redis, Postgres, and `next start`: what an operator sees
 * and does. Who may do what is console-access.e2e-spec.ts.
 */
describe('the console', needs('chromium'), () => {
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
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });
  // Any console error or uncaught error on any page the test opened fails it.
  afterEach(() => browser?.assertNoPageErrors());
  after(async () => {
    await browser?.close();
    await stopConsole?.();
    await stack?.close();
  });

  const go = (path: string) => page.goto(`${consoleUrl}${path}`, { waitUntil: 'domcontentloaded' });
  const shot = (name: string) => page.screenshot({ path: join(screenshotDir(), `${name}.png`), fullPage: true });
  const rateShown = async () => Number.parseFloat((await page.getByTestId('throughput-now').textContent()) ?? '0');

  const signIn = (target: Page, username: string, password: string) => signInWithForm(target, consoleUrl, username, password);

  it('sends a visitor to sign in, and refuses a wrong password with a generic message', async () => {
    await go('/queues');
    await page.waitForURL(/\/sign-in/);
    assert.equal((await fetch(`${consoleUrl}/api/v1/queues`)).status, 401, 'the read proxy needs a session too');
    // The container and Kubernetes probe: open, and it says nothing but that the server answers.
    const health = await fetch(`${consoleUrl}/api/health`);
    assert.deepEqual([health.status, await health.json()], [200, { status: 'ok' }]);
    await signIn(page, 'dana', 'not-her-passphrase');
    await page.getByRole('alert').getByText('Wrong username or password.').waitFor();
    await signIn(page, 'nobody', 'not-a-passphrase');
    await page.getByRole('alert').getByText('Wrong username or password.').waitFor();
  });

  it('signs dana in with an httpOnly, SameSite session cookie and names her, for the audit trail', async () => {
    await signIn(page, 'dana', DANA);
    await signedInAs(page, 'dana');
    const cookie = (await page.context().cookies(consoleUrl)).find((each) => each.name === 'sy_session');
    assert.ok(cookie, 'a session cookie');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.ok(cookie.expires > Date.now() / 1000, 'it expires');
    assert.equal((await queryRows(db, "SELECT 1 FROM switchyard.console_sessions s JOIN switchyard.console_users u ON u.id = s.user_id WHERE u.username = 'dana'")).length, 1);
  });

  it('overview: throughput rises while events are posted', async () => {
    await go('/');
    await page.getByText('Live', { exact: true }).waitFor({ timeout: 10_000 });
    assert.equal(await rateShown(), 0);
    let posting = true;
    const producer = (async () => {
      while (posting) {
        await stack.post('/v1/events/batch', Array.from({ length: 5 }, () => ({ type: 'test.timed', data: { ms: 1 } })));
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    try {
      await waitFor('the live throughput to rise above zero', async () => (await rateShown()) > 0, { timeoutMs: 20_000, intervalMs: 250 });
      assert.match((await page.getByTestId('workers-online').textContent()) ?? '', /^[1-9]/);
      // A few more seconds of traffic, so the screenshot shows a line rather than a spike.
      await new Promise((resolve) => setTimeout(resolve, 8_000));
      await shot('overview');
    } finally {
      posting = false;
      await producer;
    }
  });

  it('dead letters: a declined payment is found by filter, retried, and resolved once the cause is gone', async () => {
    const { body } = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(anOrder({ token: 'tok_declined' })));
    await waitFor('the dead letter', async () => (await queryRows(db, "SELECT 1 FROM switchyard.dead_letters WHERE event_id = $1 AND handler = 'payment.charge'", [body.eventId])).length === 1);

    await go('/dead-letters');
    // Typed before hydration, the text can be lost when React takes over the form.
    await page.waitForLoadState('load');
    await page.getByRole('textbox', { name: 'Handler' }).fill('payment.charge');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/handler=payment\.charge/);
    await shot('dead-letters');
    await page.locator('section[aria-labelledby="list"] a', { hasText: 'CardDeclinedError' }).first().click();
    await page.waitForURL(/\/dead-letters\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: /Attempts/ }).waitFor();

    // The customer's bank lifts the decline; the operator retries.
    stack.worker!.get(PaymentGateway, { strict: false }).approve('tok_declined');
    await page.getByRole('button', { name: 'Retry', exact: true }).click();
    await page.getByRole('button', { name: 'Retry now' }).click();
    await page.getByRole('status').filter({ hasText: 'Retry started' }).waitFor();
    await waitFor('the page to show it resolved', async () => {
      await page.reload({ waitUntil: 'domcontentloaded' });
      return (await page.locator('h1 .badge').textContent()) === 'resolved';
    }, { timeoutMs: 15_000, intervalMs: 500 });
    // The trail streams in after the heading: wait for it (fails after 5 s if the operator is missing).
    await page.getByRole('cell', { name: 'dana' }).first().waitFor({ timeout: 5_000 });
    assert.equal(await page.getByRole('cell', { name: 'dana' }).count(), 1, 'the audit trail names the operator');
    await shot('dead-letter');
  });

  it('dead letters: bulk retry of a group shows a dry-run count, then the operation’s progress', async () => {
    seen.broken = true;
    for (let n = 0; n < 5; n++) await stack.post('/v1/events', { type: 'test.switchable', data: { n } });
    await waitFor('five dead letters', async () => (await queryRows(db, "SELECT 1 FROM switchyard.dead_letters WHERE handler = 'test.switchable' AND status = 'open'")).length === 5);
    seen.broken = false;

    await go('/dead-letters?handler=test.switchable');
    await page.getByRole('button', { name: 'Retry group…' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Retry group…' });
    await dialog.getByText('5 dead letters match (dry run).').waitFor();
    await dialog.getByRole('button', { name: 'Retry 5' }).click();
    await page.waitForURL(/\/operations\/[0-9a-f-]{36}$/);
    await waitFor('the operation to finish', async () => (await page.getByTestId('operation-done').textContent()) === '5', { timeoutMs: 15_000 });
    await page.locator('.badge.completed').waitFor();
    await shot('operation');
    await waitFor('all five resolved', async () => (await queryRows(db, "SELECT 1 FROM switchyard.dead_letters WHERE handler = 'test.switchable' AND status = 'resolved'")).length === 5);
  });

  it('queues: pause and resume with a confirmation', async () => {
    await go('/queues');
    const row = page.locator('tr[data-queue="test-timed"]');
    await row.getByRole('button', { name: 'Pause' }).click();
    await row.getByRole('button', { name: 'Confirm' }).click();
    await row.getByText('paused', { exact: true }).waitFor({ timeout: 10_000 });
    assert.equal(await stack.queue('test-timed').isPaused(), true);
    await shot('queues');
    await row.getByRole('button', { name: 'Resume' }).click();
    await row.getByRole('button', { name: 'Confirm' }).click();
    await row.getByText('paused', { exact: true }).waitFor({ state: 'detached', timeout: 10_000 });
    assert.equal(await stack.queue('test-timed').isPaused(), false);
    assert.deepEqual(await queryRows(db, "SELECT actor, action FROM switchyard.audit_log WHERE target = 'queue:test-timed' ORDER BY id"), [
      { actor: 'dana', action: 'queue.pause' },
      { actor: 'dana', action: 'queue.resume' },
    ]);
  });

  it('events: search by a data path and open the lineage', async () => {
    const order = anOrder({ customer: { id: 'cus_lineage', email: 'lin@example.com' } });
    const { body } = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(order), { 'Idempotency-Key': 'checkout-lineage-1' });
    await go('/events');
    await page.getByLabel('Data (path = value; …)').fill('customer.id = cus_lineage');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/data=customer\.id/);
    await shot('events');
    await page.getByRole('link', { name: body.eventId }).click();
    await page.getByRole('heading', { name: /Lineage: 2 jobs/ }).waitFor();
    // The event tree fills in as the order saga's follow-up events are emitted and handled.
    await waitFor('the whole saga completed on the page', async () => {
      await page.reload({ waitUntil: 'domcontentloaded' });
      return (
        (await page.locator('tr[data-handler] .badge.completed').count()) === 2 &&
        (await page.locator('li[data-event-type="order.confirmed"] [data-job-handler="email.order-confirmation"] .badge.completed').count()) === 1
      );
    }, { timeoutMs: 20_000, intervalMs: 500 });
    assert.equal(await page.locator('.tree [aria-current="page"]').textContent(), 'order.placed', 'the event on screen is marked in its tree');
    assert.equal(await page.getByTestId('source-id').textContent(), 'checkout-lineage-1', "the producer's id for the event: its Idempotency-Key");
    await shot('event');
    await page.locator('li[data-event-type="order.confirmed"] a').first().click();
    await page.getByRole('heading', { name: /^order\.confirmed/ }).waitFor();
    assert.equal(await page.locator('.tree [aria-current="page"]').textContent(), 'order.confirmed');
    assert.equal(await page.getByTestId('source-id').textContent(), '— (none given)', 'an event a handler emitted has no producer id');
  });

  it("events: found by the producer's id (source id), which the list shows", async () => {
    const { body } = await stack.post<AcceptedEvent>(
      '/v1/events',
      { specversion: '1.0', id: 'ce-console-1', source: 'urn:shop:console-spec', type: 'test.timed', data: { ms: 1 } },
      { 'content-type': 'application/cloudevents+json' },
    );
    await go('/events');
    await page.waitForLoadState('load');
    await page.getByLabel('Source', { exact: true }).fill('urn:shop:console-spec');
    await page.getByLabel('Source id').fill('ce-console-1');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/sourceId=ce-console-1/);
    const row = page.locator('tr', { has: page.getByRole('link', { name: body.eventId }) });
    assert.match(await row.innerText(), /urn:shop:console-spec\s+ce-console-1/);
    assert.equal(await page.locator('tbody tr').count(), 1);
    await page.getByRole('link', { name: body.eventId }).click();
    await page.getByTestId('source-id').filter({ hasText: 'ce-console-1' }).waitFor();
  });

  it('queue detail and job detail pages, reachable by keyboard, with labelled controls', async () => {
    await go('/queues/payment?state=completed');
    await page.getByRole('navigation', { name: 'Job states' }).waitFor();
    await shot('queue');
    await page.keyboard.press('Tab');
    // Evaluated in the page, as a string: this file is compiled without the DOM library.
    const focused = (await page.evaluate('document.activeElement ? document.activeElement.textContent : ""')) as string;
    assert.ok(focused.length > 0, 'Tab moves focus to a control');
    const unlabelled = (await page.evaluate(`[...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
      .filter((element) => !(element.getAttribute('aria-label') || (element.id && document.querySelector('label[for="' + element.id + '"]'))
        || element.closest('label') || (element.textContent || '').trim()))
      .map((element) => element.outerHTML.slice(0, 120))`)) as string[];
    assert.deepEqual(unlabelled, [], 'every control has a label');
    await page.locator('a[href^="/queues/payment/jobs/"]').first().click();
    await page.getByRole('heading', { name: /^Job / }).waitFor();
    await page.getByRole('link', { name: 'Queue payment' }).waitFor();

    // The queue's handlers as routed: patterns, content filter, delivery mode.
    await go('/queues/fraud');
    const fraud = page.locator('tr[data-route="fraud.review"]');
    await fraud.waitFor();
    const row = await fraud.innerText();
    assert.match(row, /order\.placed/);
    assert.match(row, /\{"data\.total":\{"gte":100000\}\}/);
    assert.match(row, /at-least-once/);
  });

  it("queue detail: each handler's defining version and workers, and Retire (audited), after which a worker's start brings it back", async () => {
    await go('/queues/fraud');
    const fraud = page.locator('tr[data-route="fraud.review"]');
    await fraud.waitFor();
    assert.match(await fraud.locator('[data-cell="defined-by"]').innerText(), /unversioned/);
    const worker = fraud.locator(`[data-worker="${stack.env.WORKER_ID}"]`);
    assert.match(await worker.innerText(), /unversioned[\s\S]*online/);
    await fraud.getByRole('button', { name: 'Retire' }).click();
    await fraud.getByRole('button', { name: 'Retire fraud.review' }).click();
    // The page is revalidated: the retired route's row goes.
    await page.locator('tr[data-route="fraud.review"]').waitFor({ state: 'detached', timeout: 10_000 });
    await shot('route-retired');
    const routes = await stack.get<Array<{ handler: string }>>('/v1/routes');
    assert.equal(routes.body.some((route) => route.handler === 'fraud.review'), false);
    assert.deepEqual(await queryRows(db, "SELECT actor, action FROM switchyard.audit_log WHERE target = 'route:fraud.review'"), [{ actor: 'dana', action: 'route.retire' }]);
    // The worker starting again deploys it again.
    await stack.stopWorker();
    await stack.startWorker();
    await go('/queues/fraud');
    await page.locator('tr[data-route="fraud.review"]').waitFor();
  });

  it('reconnects the live stream after the API restarts', async () => {
    await go('/queues');
    const badge = page.getByRole('status').filter({ hasText: /Live|Reconnecting|Connecting/ });
    await badge.filter({ hasText: 'Live' }).waitFor();
    await stack.restartApi(1_500);
    await badge.filter({ hasText: 'Live' }).waitFor({ timeout: 15_000 });
    const seenAfter = await page.locator('tr[data-queue="payment"]').count();
    assert.equal(seenAfter, 1);
  });
});
