import { commerceEvents, type InventoryReserved, type PaymentSucceeded } from '../events/index.js';
import { createHandlerContext } from '@switchyard/server';
import { prismaTransactions } from '@switchyard/core/prisma';
import { type DomainEvent } from '@switchyard/core';
import { aDomainEvent, queryRows, resetDatabase, testDatabaseUrl } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { ShopDatabase } from '../shop-database.js';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ConfirmOrderHandler } from './confirm-order.handler.js';

const db = testDatabaseUrl();
const customer = { id: 'cus_42', email: 'ada@example.com', name: 'Ada Lovelace' };

describe('order.confirm', () => {
  const shop = new ShopDatabase({ url: db, poolSize: 6 });
  const transactions = prismaTransactions(shop);
  const handler = new ConfirmOrderHandler();
  const run = (event: DomainEvent<PaymentSucceeded> | DomainEvent<InventoryReserved>) =>
    handler.handle(event, createHandlerContext(transactions, { handler: 'order.confirm', event, events: commerceEvents }));
  const successes = (orderId: string, correlationId = 'root-1') => ({
    paid: aDomainEvent<PaymentSucceeded>('payment.succeeded', { orderId, customer, amount: 4500, currency: 'EUR', chargeId: 'ch_1' }, { correlationId }),
    reserved: aDomainEvent<InventoryReserved>('inventory.reserved', { orderId, customer, lines: [{ sku: 'SKU-RED-MUG', quantity: 2 }] }, { correlationId }),
  });
  const confirmations = () => queryRows(db, "SELECT data, correlation_id FROM switchyard.events WHERE type = 'order.confirmed'");

  before(() => shop.$connect());
  beforeEach(() => resetDatabase(db));
  after(() => shop.$disconnect());

  it('emits order.confirmed once both successes are recorded, in either order, and once only on re-runs', async () => {
    const { paid, reserved } = successes('ord_a');
    assert.deepEqual(await run(reserved), { confirmed: false });
    assert.deepEqual(await confirmations(), []);
    assert.deepEqual(await run(paid), { confirmed: true });
    await run(paid);
    await run(reserved);
    assert.deepEqual(await confirmations(), [
      { data: { orderId: 'ord_a', customer, total: 4500, currency: 'EUR', lineCount: 1 }, correlation_id: 'root-1' },
    ]);
  });

  it('confirms exactly once when both successes are handled at the same moment', async () => {
    for (let round = 0; round < 10; round++) {
      const { paid, reserved } = successes(`ord_race_${round}`);
      const results = await Promise.all([run(paid), run(reserved)]);
      assert.equal(results.filter((result) => result.confirmed).length, 1, `round ${round}: ${JSON.stringify(results)}`);
    }
    assert.equal((await confirmations()).length, 10);
  });

  it('does not confirm an order whose stock was released (payment failed or cancelled)', async () => {
    const { paid, reserved } = successes('ord_released');
    await queryRows(db, "INSERT INTO shop.order_progress (order_id, released_at) VALUES ('ord_released', now())");
    await run(paid);
    assert.deepEqual(await run(reserved), { confirmed: false });
    assert.deepEqual(await confirmations(), []);
  });
});
