import { commerceEvents, type OrderPlaced } from '../events/index.js';
import { type DeadLetterTransition, JOB_DEAD_LETTERED, JOB_DISCARDED, JOB_RESOLVED } from '@switchyard/core';
import { createHandlerContext } from '@switchyard/server';
import { prismaTransactions } from '@switchyard/core/prisma';
import { type DomainEvent } from '@switchyard/core';
import { aDomainEvent, queryRows, resetDatabase, testDatabaseUrl } from '@switchyard/testing';
import { anOrder } from '../builders.js';
import assert from 'node:assert/strict';
import { ShopDatabase } from '../shop-database.js';
import { after, before, beforeEach, describe, it } from 'node:test';
import { CancelUnpaidOrderHandler } from '../orders/cancel-unpaid-order.handler.js';
import { ReReserveStockHandler } from './re-reserve-stock.handler.js';
import { ReleaseUnpaidStockHandler } from './release-unpaid-stock.handler.js';
import { ReserveStockHandler } from './reserve-stock.handler.js';

const db = testDatabaseUrl();

/**
 * The shop's reactions to its charge's dead letter, driven in the orders the
 * platform cannot rule out: its events are separate jobs on separate queues,
 * each retried on its own, so a later transition may be handled first.
 */
describe('the saga around a dead-lettered charge, events in any order', () => {
  const shop = new ShopDatabase({ url: db, poolSize: 4 });
  const transactions = prismaTransactions(shop);
  const release = new ReleaseUnpaidStockHandler();
  const reReserve = new ReReserveStockHandler();
  const cancel = new CancelUnpaidOrderHandler();
  const reserve = new ReserveStockHandler();
  const run = <T>(handler: { handle(event: DomainEvent<T>, ctx: ReturnType<typeof createHandlerContext>): Promise<unknown> }, name: string, event: DomainEvent<T>) =>
    handler.handle(event, createHandlerContext(transactions, { handler: name, event, events: commerceEvents }));

  const order = anOrder({ token: 'tok_declined', items: [{ sku: 'SKU-MUG', quantity: 2, unitPrice: 1000 }] });
  const placed = aDomainEvent('order.placed', order);
  let sequence = 0;
  /** A switchyard.job.* event about `placed`'s charge, each with the next sequence number. */
  const transition = (type: string, status: DeadLetterTransition['status'], reason: string | null = null) =>
    aDomainEvent<DeadLetterTransition<OrderPlaced>>(type, {
      deadLetterId: '018f0000-0000-7000-8000-000000000001',
      sequence: ++sequence,
      handler: 'payment.charge',
      queue: 'payment',
      jobId: `${placed.id}.payment.charge`,
      status,
      attemptsMade: 1,
      redrives: 0,
      error: { name: 'CardDeclinedError', message: 'card declined' },
      event: { id: placed.id, type: placed.type, source: placed.source, subject: null, correlationId: placed.id, data: order },
      actor: reason ? 'alice' : 'system',
      reason,
    });
  const stock = () => queryRows(db, "SELECT available, reserved FROM shop.stock_items WHERE sku = 'SKU-MUG'").then((rows) => rows[0]);
  const emitted = () => queryRows<{ type: string }>(db, 'SELECT type FROM switchyard.events ORDER BY received_at').then((rows) => rows.map((row) => row.type));
  const progress = () =>
    queryRows(db, 'SELECT cancelled_at IS NOT NULL AS cancelled, charge_dead_at IS NOT NULL AS charge_dead FROM shop.order_progress WHERE order_id = $1', [order.orderId]).then((rows) => rows[0]);

  before(() => shop.$connect());
  beforeEach(async () => {
    await resetDatabase(db, { 'shop.stock_items': [{ sku: 'SKU-MUG', name: 'Mug', available: 10 }] });
    sequence = 0;
  });
  after(() => shop.$disconnect());

  it('dead_lettered then resolved: released, then reserved again and announced', async () => {
    await run(reserve, 'inventory.reserve', placed);
    assert.deepEqual(await stock(), { available: 8, reserved: 2 });
    const dead = transition(JOB_DEAD_LETTERED, 'open');
    const resolved = transition(JOB_RESOLVED, 'resolved');
    assert.deepEqual(await run(release, 'inventory.release-unpaid', dead), { released: 1 });
    assert.deepEqual(await stock(), { available: 10, reserved: 0 });
    assert.deepEqual(await run(reReserve, 'inventory.re-reserve', resolved), { outcome: 'reserved' });
    assert.deepEqual(await stock(), { available: 8, reserved: 2 });
    assert.deepEqual(await emitted(), ['inventory.reserved', 'inventory.reserved']);
    assert.deepEqual(await progress(), { cancelled: false, charge_dead: false });
  });

  it('resolved handled before dead_lettered: the late dead_lettered is stale and releases nothing', async () => {
    await run(reserve, 'inventory.reserve', placed);
    const dead = transition(JOB_DEAD_LETTERED, 'open');
    const resolved = transition(JOB_RESOLVED, 'resolved');
    assert.deepEqual(await run(reReserve, 'inventory.re-reserve', resolved), { outcome: 'nothing-released' });
    assert.deepEqual(await run(release, 'inventory.release-unpaid', dead), { released: null });
    assert.deepEqual(await stock(), { available: 8, reserved: 2 }, 'still reserved for the paid order');
  });

  it('released before inventory.reserve ran: the reservation waits, and resolved makes it', async () => {
    await run(release, 'inventory.release-unpaid', transition(JOB_DEAD_LETTERED, 'open'));
    assert.deepEqual(await run(reserve, 'inventory.reserve', placed), { reserved: 0 });
    assert.deepEqual(await stock(), { available: 10, reserved: 0 });
    assert.deepEqual(await run(reReserve, 'inventory.re-reserve', transition(JOB_RESOLVED, 'resolved')), { outcome: 'reserved' });
    assert.deepEqual(await stock(), { available: 8, reserved: 2 });
    assert.deepEqual(await emitted(), ['inventory.reserved']);
  });

  it('resolved when the stock is gone meanwhile: the paid order is cancelled (and so refunded)', async () => {
    await run(reserve, 'inventory.reserve', placed);
    await run(release, 'inventory.release-unpaid', transition(JOB_DEAD_LETTERED, 'open'));
    await queryRows(db, "UPDATE shop.stock_items SET available = 1 WHERE sku = 'SKU-MUG'");
    assert.deepEqual(await run(reReserve, 'inventory.re-reserve', transition(JOB_RESOLVED, 'resolved')), { outcome: 'out-of-stock' });
    assert.deepEqual(await stock(), { available: 1, reserved: 0 });
    assert.deepEqual(await emitted(), ['inventory.reserved', 'order.cancelled']);
    assert.deepEqual(await progress(), { cancelled: true, charge_dead: false });
  });

  it('discarded handled before dead_lettered: cancelled once, and the late dead_lettered changes nothing', async () => {
    await run(reserve, 'inventory.reserve', placed);
    const dead = transition(JOB_DEAD_LETTERED, 'open');
    const discarded = transition(JOB_DISCARDED, 'discarded', 'card blocked');
    assert.deepEqual(await run(cancel, 'order.cancel-unpaid', discarded), { cancelled: true });
    assert.deepEqual(await run(cancel, 'order.cancel-unpaid', discarded), { cancelled: false }, 'a re-run emits nothing more');
    assert.deepEqual(await run(release, 'inventory.release-unpaid', dead), { released: null });
    // The stock goes back through order.cancelled's inventory.release, not this stale event.
    assert.deepEqual(await stock(), { available: 8, reserved: 2 });
    assert.deepEqual(await emitted(), ['inventory.reserved', 'order.cancelled']);
    const [cancelled] = await queryRows<{ data: { reason: string } }>(db, "SELECT data FROM switchyard.events WHERE type = 'order.cancelled'");
    assert.equal(cancelled.data.reason, 'the payment could not be taken (card blocked)');
  });

  it('resolved after a discard (a retry of the discarded charge): the cancelled order is not reserved again', async () => {
    await run(release, 'inventory.release-unpaid', transition(JOB_DEAD_LETTERED, 'open'));
    await run(cancel, 'order.cancel-unpaid', transition(JOB_DISCARDED, 'discarded', 'gave up'));
    assert.deepEqual(await run(reReserve, 'inventory.re-reserve', transition(JOB_RESOLVED, 'resolved')), { outcome: 'cancelled' });
    assert.deepEqual(await stock(), { available: 10, reserved: 0 });
  });
});
