import { PaymentGateway, SEED_STOCK } from '@switchyard/example-shop';
import type { AcceptedEvent, DeadLetterSummary, DeadLetterTransition, RetryAnswer } from '@switchyard/core/contracts';
import type { OrderPlaced } from '@switchyard/example-shop';
import { queryRows, runNode, testDatabaseUrl, waitFor } from '@switchyard/testing';
import { anOrder, orderPlacedEvent } from '@switchyard/example-shop';
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { resetWithCatalogue } from './support/database.js';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();

const UNTOUCHED = [
  { sku: 'SKU-BLUE-TEE', available: 1_000_000, reserved: 0 },
  { sku: 'SKU-RED-MUG', available: 1_000_000, reserved: 0 },
];
const RESERVED = [
  { sku: 'SKU-BLUE-TEE', available: 999_999, reserved: 1 },
  { sku: 'SKU-RED-MUG', available: 999_998, reserved: 2 },
];
const stock = () => queryRows(db, "SELECT sku, available, reserved FROM shop.stock_items WHERE sku IN ('SKU-RED-MUG', 'SKU-BLUE-TEE') ORDER BY sku");
const progressOf = (orderId: string) =>
  queryRows<{ confirmed: boolean; cancelled: boolean; released: boolean; charge_dead: boolean }>(
    db,
    `SELECT confirmed_at IS NOT NULL AS confirmed, cancelled_at IS NOT NULL AS cancelled, released_at IS NOT NULL AS released,
            charge_dead_at IS NOT NULL AS charge_dead
     FROM shop.order_progress WHERE order_id = $1`,
    [orderId],
  ).then((rows) => rows[0]);
const emailsOf = (orderId: string) => queryRows<{ template: string }>(db, 'SELECT template FROM shop.emails WHERE order_id = $1 ORDER BY sent_at', [orderId]).then((rows) => rows.map((row) => row.template));
const paymentsOf = (orderId: string) => queryRows<{ kind: string }>(db, 'SELECT kind FROM shop.payments WHERE order_id = $1 ORDER BY created_at', [orderId]).then((rows) => rows.map((row) => row.kind));
/** Every job of `handler` for the platform events about the charge of `correlationId`'s order, with its state. */
const platformJobs = (correlationId: string) =>
  queryRows<{ type: string; handler: string; outcome: string | null }>(
    db,
    `SELECT e.type, j.handler, j.outcome FROM switchyard.events e JOIN switchyard.jobs j ON j.event_id = e.id
     WHERE e.correlation_id = $1 AND e.type LIKE 'switchyard.%' ORDER BY e.received_at, j.handler`,
    [correlationId],
  );

async function restock(): Promise<void> {
  for (const item of SEED_STOCK) await queryRows(db, 'UPDATE shop.stock_items SET available = $2, reserved = 0 WHERE sku = $1', [item.sku, item.available]);
}

describe('the order saga when the charge fails for good: switchyard.job.* events drive the compensation', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start({ env: { WORKER_LOCK_DURATION_MS: '2000', WORKER_STALLED_INTERVAL_MS: '1000' } });
  });
  beforeEach(async () => {
    await restock();
    // A fresh worker, so a fresh simulated gateway that declines tok_declined again.
    await stack.stopWorker();
    await stack.startWorker();
  });
  after(() => stack.close());

  /** Places an order whose card is declined and waits for the charge's dead letter and its compensation. */
  async function declinedOrder(): Promise<{ order: OrderPlaced; eventId: string; deadLetter: DeadLetterSummary }> {
    const order = anOrder({ token: 'tok_declined' });
    const { status, body } = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(order));
    assert.equal(status, 202);
    const deadLetter = await waitFor('the charge dead-lettered', async () => {
      const [row] = await queryRows<{ id: string }>(db, "SELECT id::text FROM switchyard.dead_letters WHERE event_id = $1 AND handler = 'payment.charge'", [body.eventId]);
      return row && (await stack.get<DeadLetterSummary>(`/v1/dead-letters/${row.id}`)).body;
    });
    return { order, eventId: body.eventId, deadLetter };
  }

  const settled = (correlationId: string) =>
    waitFor('every platform-event job finished', async () => {
      const jobs = await platformJobs(correlationId);
      return jobs.length > 0 && jobs.every((job) => job.outcome === 'completed') && jobs;
    });

  it('releases the stock when the charge is dead-lettered; the event carries the failure and joins the order tree', async () => {
    const { order, eventId, deadLetter } = await declinedOrder();
    assert.deepEqual(await settled(eventId), [{ type: 'switchyard.job.dead_lettered', handler: 'inventory.release-unpaid', outcome: 'completed' }]);
    // Wait for inventory.reserve as well: whichever ran first, nothing stays reserved.
    await waitFor('the reservation settled', async () => (await queryRows(db, "SELECT 1 FROM switchyard.jobs WHERE event_id = $1 AND handler = 'inventory.reserve' AND outcome = 'completed'", [eventId])).length === 1);
    assert.deepEqual(await stock(), UNTOUCHED);
    assert.deepEqual(await progressOf(order.orderId), { confirmed: false, cancelled: false, released: true, charge_dead: true });

    const [event] = await queryRows<{ type: string; source: string; correlation_id: string; causation_id: string; data: DeadLetterTransition<OrderPlaced> }>(
      db,
      "SELECT type, source, correlation_id, causation_id::text, data FROM switchyard.events WHERE type = 'switchyard.job.dead_lettered' AND correlation_id = $1",
      [eventId],
    );
    assert.equal(event.source, 'urn:switchyard:dead-letters');
    assert.equal(event.causation_id, eventId, 'caused by the event whose job failed');
    const { data } = event;
    assert.equal(data.deadLetterId, deadLetter.id);
    assert.equal(data.handler, 'payment.charge');
    assert.equal(data.queue, 'payment');
    assert.equal(data.status, 'open');
    assert.equal(data.actor, 'system');
    assert.deepEqual(data.error, { name: 'CardDeclinedError', message: 'card declined' });
    assert.equal(data.event.id, eventId);
    assert.equal(data.event.correlationId, eventId);
    assert.equal(data.event.data.orderId, order.orderId);
    assert.ok(Number.isInteger(data.sequence) && data.sequence > 0);
  });

  it('retry after the release: the charge goes through, the stock is reserved again and the order confirmed', async () => {
    const { order, eventId, deadLetter } = await declinedOrder();
    await settled(eventId);
    assert.deepEqual(await stock(), UNTOUCHED);

    stack.worker!.get(PaymentGateway, { strict: false }).approve('tok_declined');
    const retry = await stack.post<RetryAnswer>(`/v1/dead-letters/${deadLetter.id}/retry`, '');
    assert.equal(retry.status, 202, JSON.stringify(retry.body));
    await waitFor('the order confirmed', async () => (await progressOf(order.orderId)).confirmed, { timeoutMs: 20_000 });
    assert.deepEqual(await settled(eventId), [
      { type: 'switchyard.job.dead_lettered', handler: 'inventory.release-unpaid', outcome: 'completed' },
      { type: 'switchyard.job.resolved', handler: 'inventory.re-reserve', outcome: 'completed' },
    ]);
    assert.deepEqual(await stock(), RESERVED);
    assert.deepEqual(await progressOf(order.orderId), { confirmed: true, cancelled: false, released: false, charge_dead: false });
    await waitFor('the confirmation email', async () => (await emailsOf(order.orderId)).includes('order-confirmation'));
    assert.deepEqual(await paymentsOf(order.orderId), ['captured']);
    assert.equal((await stack.get<DeadLetterSummary>(`/v1/dead-letters/${deadLetter.id}`)).body.status, 'resolved');
  });

  it('a discard cancels the order and tells the customer; a retry of the discarded charge then charges nothing', async () => {
    const { order, eventId, deadLetter } = await declinedOrder();
    await settled(eventId);
    const discarded = await stack.post(`/v1/dead-letters/${deadLetter.id}/discard`, { reason: 'card blocked by the bank' });
    assert.equal(discarded.status, 200, JSON.stringify(discarded.body));
    await waitFor('the cancellation email', async () => (await emailsOf(order.orderId)).includes('order-cancelled'), { timeoutMs: 20_000 });
    const [cancelled] = await queryRows<{ data: { reason: string } }>(db, "SELECT data FROM switchyard.events WHERE type = 'order.cancelled' AND correlation_id = $1", [eventId]);
    assert.equal(cancelled.data.reason, 'the payment could not be taken (card blocked by the bank)');
    assert.deepEqual(await progressOf(order.orderId), { confirmed: false, cancelled: true, released: true, charge_dead: true });

    // The operator changes their mind; the card now works, but the order is cancelled.
    stack.worker!.get(PaymentGateway, { strict: false }).approve('tok_declined');
    assert.equal((await stack.post(`/v1/dead-letters/${deadLetter.id}/retry`, '')).status, 202);
    await waitFor('the retry resolved', async () => (await stack.get<DeadLetterSummary>(`/v1/dead-letters/${deadLetter.id}`)).body.status === 'resolved');
    assert.deepEqual(await settled(eventId), [
      { type: 'switchyard.job.dead_lettered', handler: 'inventory.release-unpaid', outcome: 'completed' },
      { type: 'switchyard.job.discarded', handler: 'order.cancel-unpaid', outcome: 'completed' },
      { type: 'switchyard.job.resolved', handler: 'inventory.re-reserve', outcome: 'completed' },
    ]);
    await waitFor('every job of the order finished', async () => (await queryRows(db, 'SELECT 1 FROM switchyard.jobs j JOIN switchyard.events e ON e.id = j.event_id WHERE e.correlation_id = $1 AND j.outcome IS NULL', [eventId])).length === 0);
    assert.deepEqual(await paymentsOf(order.orderId), [], 'nothing charged, nothing to refund');
    assert.deepEqual(await stock(), UNTOUCHED);
    assert.deepEqual(await progressOf(order.orderId), { confirmed: false, cancelled: true, released: true, charge_dead: true });
    assert.deepEqual(await emailsOf(order.orderId), ['order-cancelled']);
  });
});

describe('a worker killed between the dead letter and the compensation', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start({ worker: false, env: { WORKER_LOCK_DURATION_MS: '2000', WORKER_STALLED_INTERVAL_MS: '1000' } });
  });
  after(() => stack.close());

  it('loses no compensation and runs it once: the event was committed with the dead letter, the relay publishes it', async () => {
    const crashing = runNode('e2e/dist/fixtures/crash-after-dead-letter.worker.js', stack.env);
    await waitFor('the crashing worker to start', () => crashing.output().includes('worker ready') || crashing.child.exitCode !== null);
    assert.equal(crashing.child.exitCode, null, crashing.output());
    const order = anOrder({ token: 'tok_declined' });
    const { body } = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(order));
    const { signal } = await crashing.exited;
    assert.equal(signal, 'SIGKILL', 'the worker died right after committing the dead letter, before publishing anything');

    const [announced] = await queryRows<{ id: string }>(db, "SELECT id::text FROM switchyard.events WHERE type = 'switchyard.job.dead_lettered' AND correlation_id = $1", [body.eventId]);
    assert.ok(announced, 'the event was committed with the dead letter');

    // A healthy worker: the API's relay publishes the compensation's job, and the orphaned charge fails again.
    await stack.startWorker();
    await waitFor('the stock released', async () => {
      const [progress] = await queryRows<{ charge_dead: boolean }>(db, 'SELECT charge_dead_at IS NOT NULL AS charge_dead FROM shop.order_progress WHERE order_id = $1', [order.orderId]);
      return progress?.charge_dead;
    }, { timeoutMs: 30_000 });
    await waitFor('BullMQ to fail the orphaned charge', async () => {
      const [letter] = await queryRows<{ attempts_made: number }>(db, "SELECT attempts_made FROM switchyard.dead_letters WHERE event_id = $1 AND handler = 'payment.charge'", [body.eventId]);
      return letter?.attempts_made === 2;
    }, { timeoutMs: 30_000 });
    // The killed worker's last completions may not be in the jobs table (their record is batched): its guard rows are.
    await waitFor('inventory.reserve done', async () => (await queryRows(db, "SELECT 1 FROM switchyard.processed_keys WHERE handler = 'inventory.reserve'")).length === 1, { timeoutMs: 30_000 });
    await waitFor('the compensation recorded complete', async () => (await platformJobs(body.eventId)).every((job) => job.outcome === 'completed'));
    assert.deepEqual(await platformJobs(body.eventId), [{ type: 'switchyard.job.dead_lettered', handler: 'inventory.release-unpaid', outcome: 'completed' }], 'the re-run failing again announced nothing new');
    assert.deepEqual(await queryRows(db, "SELECT count(*)::int AS n FROM switchyard.processed_keys WHERE handler = 'inventory.release-unpaid'"), [{ n: 1 }], 'the compensation applied once');
    assert.deepEqual(await stock(), UNTOUCHED);
  });
});
