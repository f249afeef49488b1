import { commerceEvents, type OrderPlaced } from '../events/index.js';
import { createHandlerContext } from '@switchyard/server';
import { prismaTransactions } from '@switchyard/core/prisma';
import { isNonRetryable } from '@switchyard/core';
import { aDomainEvent, queryRows, resetDatabase, testDatabaseUrl } from '@switchyard/testing';
import { anOrder } from '../builders.js';
import assert from 'node:assert/strict';
import { ShopDatabase } from '../shop-database.js';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SEED_STOCK } from '../stock.seed.js';
import { ReserveStockHandler } from './reserve-stock.handler.js';

const db = testDatabaseUrl();

describe('inventory.reserve', () => {
  const shop = new ShopDatabase({ url: db, poolSize: 4 });
  const transactions = prismaTransactions(shop);
  const handler = new ReserveStockHandler();
  const run = (order: OrderPlaced, event = aDomainEvent('order.placed', order)) =>
    handler.handle(event, createHandlerContext(transactions, { handler: 'inventory.reserve', event, events: commerceEvents }));
  const stock = async (sku: string) =>
    (await queryRows<{ available: number; reserved: number }>(db, 'SELECT available, reserved FROM shop.stock_items WHERE sku = $1', [sku]))[0];

  before(() => shop.$connect());
  beforeEach(() => resetDatabase(db, { 'shop.stock_items': SEED_STOCK }));
  after(() => shop.$disconnect());

  it('moves ordered quantities from available to reserved, merging lines of one SKU', async () => {
    const order = anOrder({
      items: [
        { sku: 'SKU-RED-MUG', quantity: 2, unitPrice: 1 },
        { sku: 'SKU-BLUE-TEE', quantity: 1, unitPrice: 1 },
        { sku: 'SKU-RED-MUG', quantity: 3, unitPrice: 1 },
      ],
    });
    assert.deepEqual(await run(order), { reserved: 2 });
    assert.deepEqual(await stock('SKU-RED-MUG'), { available: 999_995, reserved: 5 });
    assert.deepEqual(await queryRows(db, 'SELECT sku, quantity FROM shop.stock_reservations WHERE order_id = $1 ORDER BY sku', [order.orderId]), [
      { sku: 'SKU-BLUE-TEE', quantity: 1 },
      { sku: 'SKU-RED-MUG', quantity: 5 },
    ]);
  });

  it('reserves once however many times the same event runs, even concurrently', async () => {
    const order = anOrder();
    const event = aDomainEvent('order.placed', order);
    await Promise.all([run(order, event), run(order, event), run(order, event)]);
    await run(order, event);
    assert.deepEqual(await stock('SKU-RED-MUG'), { available: 999_998, reserved: 2 });
    assert.deepEqual(await queryRows(db, 'SELECT type, data, causation_id FROM switchyard.events'), [
      {
        type: 'inventory.reserved',
        data: { orderId: order.orderId, customer: order.customer, lines: [{ sku: 'SKU-BLUE-TEE', quantity: 1 }, { sku: 'SKU-RED-MUG', quantity: 2 }] },
        causation_id: event.id,
      },
    ], 'inventory.reserved emitted once');
  });

  it('reserves nothing for an order released before its reservation (payment.failed came first)', async () => {
    const order = anOrder();
    await queryRows(db, 'INSERT INTO shop.order_progress (order_id, released_at, payment_failed_at) VALUES ($1, now(), now())', [order.orderId]);
    assert.deepEqual(await run(order), { reserved: 0 });
    assert.deepEqual(await stock('SKU-RED-MUG'), { available: 1_000_000, reserved: 0 });
    assert.deepEqual(await queryRows(db, 'SELECT * FROM switchyard.events'), []);
  });

  it('refuses, without retries and without side effects, an unknown SKU or short stock', async () => {
    const unknown = anOrder({ items: [{ sku: 'SKU-RED-MUG', quantity: 1, unitPrice: 1 }, { sku: 'SKU-NOPE', quantity: 1, unitPrice: 1 }] });
    await assert.rejects(run(unknown), (error: Error) => isNonRetryable(error) && error.message === 'Unknown SKU SKU-NOPE');
    const short = anOrder({ items: [{ sku: 'SKU-LAST-ONE', quantity: 2, unitPrice: 1 }] });
    await assert.rejects(run(short), (error: Error) => isNonRetryable(error) && /2 ordered, 1 available/.test(error.message));
    assert.deepEqual(await stock('SKU-RED-MUG'), { available: 1_000_000, reserved: 0 });
    assert.deepEqual(await queryRows(db, 'SELECT * FROM switchyard.processed_keys'), [], 'a failed run records nothing, so a fixed retry can apply');
    assert.deepEqual(await queryRows(db, 'SELECT * FROM switchyard.events'), [], 'and emits nothing');
  });

  it('refuses a second event for an order that already has stock reserved', async () => {
    const order = anOrder();
    await run(order);
    await assert.rejects(run(order), (error: Error) => isNonRetryable(error) && /already has stock reserved/.test(error.message));
    assert.deepEqual(await stock('SKU-RED-MUG'), { available: 999_998, reserved: 2 });
  });
});
