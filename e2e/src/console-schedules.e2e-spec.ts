import { AccessRepository, ConsoleUserStore } from '@switchyard/server/internal';
import { needs, queryRows, testDatabaseUrl, waitFor } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { buildConsole, type ConsoleBrowser, launchBrowser, screenshotDir, signedInAs, signInWithForm, startConsole } from './support/console.js';
import { resetWithCatalogue } from './support/database.js';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();
const NIGHTLY = 'inventory.nightly-restock-check';

/** The Schedules page in Debian's Chromium against the real API (which declares the nightly restock check) and `next start`. */
describe('the console’s Schedules page', needs('chromium'), () => {
  let stack: TestStack;
  let consoleUrl: string;
  let stopConsole: () => Promise<void>;
  let browser: ConsoleBrowser;

  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start({ worker: false });
    const created = await stack.post('/v1/schedules', { name: 'stock-pulse', type: 'inventory.restock-check', data: { threshold: 2 }, intervalMs: 300_000 }, { 'X-Actor': 'ada' });
    assert.equal(created.status, 201, created.text);
    buildConsole();
    ({ url: consoleUrl, stop: stopConsole } = await startConsole(stack.apiUrl, stack.token));
    const users = new ConsoleUserStore(new AccessRepository({ query: (text, values) => queryRows(db, text, values) }));
    await users.create({ username: 'dana', password: 'dana-operator-passphrase', role: 'operator' });
    await users.create({ username: 'vera', password: 'vera-viewer-passphrase', role: 'viewer' });
    browser = await launchBrowser();
  });
  // Any console error or uncaught error on any page the test opened fails it.
  afterEach(() => browser?.assertNoPageErrors());
  after(async () => {
    await browser?.close();
    await stopConsole?.();
    await stack?.close();
  });

  const signedIn = async (username: string, password: string): Promise<Page> => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await signInWithForm(page, consoleUrl, username, password);
    await signedInAs(page, username);
    return page;
  };

  it('lists every schedule with its timing, zone, next fire and state; an operator pauses and resumes, audited under her name', async () => {
    const page = await signedIn('dana', 'dana-operator-passphrase');
    await page.getByRole('link', { name: 'Schedules' }).click();
    await page.waitForURL(/\/schedules$/);
    const nightly = page.locator(`tr[data-schedule="${NIGHTLY}"]`);
    await nightly.getByText('0 6 * * * · Europe/Berlin').waitFor();
    assert.match((await nightly.textContent()) ?? '', /code.*inventory\.restock-check.*fire-once/);
    const pulse = page.locator('tr[data-schedule="stock-pulse"]');
    await pulse.getByText('every 5 min').waitFor();
    assert.equal(await pulse.getByTestId('schedule-state').textContent(), 'active');
    await page.screenshot({ path: join(screenshotDir(), 'schedules.png'), fullPage: true });

    await nightly.getByRole('button', { name: 'Pause' }).click();
    await nightly.getByRole('button', { name: 'Confirm' }).click();
    await nightly.getByRole('status').filter({ hasText: `Schedule ${NIGHTLY} paused` }).waitFor();
    await waitFor('the page shows it paused', async () => (await nightly.getByTestId('schedule-state').textContent()) === 'paused');
    assert.deepEqual(await queryRows(db, 'SELECT paused FROM switchyard.schedules WHERE name = $1', [NIGHTLY]), [{ paused: true }]);

    await nightly.getByRole('button', { name: 'Resume' }).click();
    await nightly.getByRole('button', { name: 'Confirm' }).click();
    await nightly.getByRole('status').filter({ hasText: `Schedule ${NIGHTLY} resumed` }).waitFor();
    assert.deepEqual(await queryRows(db, 'SELECT paused FROM switchyard.schedules WHERE name = $1', [NIGHTLY]), [{ paused: false }]);
    assert.deepEqual(await queryRows(db, `SELECT actor, action FROM switchyard.audit_log WHERE target = 'schedule:${NIGHTLY}' ORDER BY id`), [
      { actor: 'dana', action: 'schedule.pause' },
      { actor: 'dana', action: 'schedule.resume' },
    ]);
  });

  it('a viewer sees the schedules but cannot pause them', async () => {
    const page = await signedIn('vera', 'vera-viewer-passphrase');
    await page.goto(`${consoleUrl}/schedules`, { waitUntil: 'domcontentloaded' });
    const pulse = page.locator('tr[data-schedule="stock-pulse"]');
    await pulse.getByText('every 5 min').waitFor();
    assert.equal(await pulse.getByRole('button', { name: 'Pause' }).isDisabled(), true);
  });

  it('links a schedule’s last fire to its event, which says which schedule and tick it came from', async () => {
    await queryRows(db, "UPDATE switchyard.schedules SET next_fire_at = date_trunc('second', now()) WHERE name = 'stock-pulse'");
    const [{ id }] = await waitFor('stock-pulse fired', async () => {
      const rows = await queryRows<{ id: string }>(db, "SELECT last_event_id::text AS id FROM switchyard.schedules WHERE name = 'stock-pulse' AND last_event_id IS NOT NULL");
      return rows.length ? rows : false;
    }, { timeoutMs: 20_000 });
    const page = await signedIn('vera', 'vera-viewer-passphrase');
    await page.goto(`${consoleUrl}/schedules`, { waitUntil: 'domcontentloaded' });
    await page.locator('tr[data-schedule="stock-pulse"]').locator(`a[href="/events/${id}"]`).click();
    await page.waitForURL(new RegExp(`/events/${id}$`));
    assert.match((await page.getByTestId('scheduled-by').textContent()) ?? '', /by stock-pulse for \d{4}-\d{2}-\d{2}/);
  });
});
