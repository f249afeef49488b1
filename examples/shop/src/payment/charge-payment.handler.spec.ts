import { commerceEvents } from '../events/index.js';
import { createHandlerContext } from '@switchyard/server';
import { prismaTransactions } from '@switchyard/core/prisma';
import { isNonRetryable } from '@switchyard/core';
import { aDomainEvent, queryRows, resetDatabase, testDatabaseUrl } from '@switchyard/testing';
import { anOrder } from '../builders.js';
import assert from 'node:assert/strict';
import { ShopDatabase } from '../shop-database.js';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ChargePaymentHandler } from './charge-payment.handler.js';
import { PaymentGateway } from './payment-gateway.js';

const db = testDatabaseUrl();

describe('payment.charge', () => {
  const shop = new ShopDatabase({ url: db, poolSize: 2 });
  const transactions = prismaTransactions(shop);
  const charge = (handler: ChargePaymentHandler, token: string, event = aDomainEvent('order.placed', anOrder({ token }))) =>
    handler.handle(event, createHandlerContext(transactions, { handler: 'payment.charge', event, events: commerceEvents }));
  const emitted = () => queryRows(db, 'SELECT type, data, causation_id, correlation_id FROM switchyard.events ORDER BY received_at');

  before(() => shop.$connect());
  beforeEach(() => resetDatabase(db));
  after(() => shop.$disconnect());

  it('charges the total once, records the payment and emits payment.succeeded once, however often it runs', async () => {
    const handler = new ChargePaymentHandler(new PaymentGateway({ failureRate: 0, timeoutMs: 10 }), shop);
    const order = anOrder({ token: 'tok_visa' });
    const event = aDomainEvent('order.placed', order);
    const first = await charge(handler, 'tok_visa', event);
    const second = await charge(handler, 'tok_visa', event);
    assert.equal(second.chargeId, first.chargeId, 'the gateway deduplicated on our idempotency key');
    assert.deepEqual(await queryRows(db, 'SELECT kind, amount, gateway_ref, idempotency_key FROM shop.payments'), [
      { kind: 'captured', amount: 4500, gateway_ref: first.chargeId, idempotency_key: `${event.id}.payment.charge` },
    ]);
    assert.deepEqual(await emitted(), [
      {
        type: 'payment.succeeded',
        data: { orderId: order.orderId, customer: order.customer, amount: 4500, currency: 'EUR', chargeId: first.chargeId },
        causation_id: event.id,
        correlation_id: event.id,
      },
    ]);
  });

  it('refuses, before any charge, an order whose total is not the sum of its items', async () => {
    const handler = new ChargePaymentHandler(new PaymentGateway({ failureRate: 0, timeoutMs: 10 }), shop);
    const event = aDomainEvent('order.placed', anOrder({ token: 'tok_visa', total: 1 }));
    await assert.rejects(charge(handler, 'tok_visa', event), (error: Error) => isNonRetryable(error) && /total 1 is not the sum of quantity × unitPrice over its items \(4500\)/.test(error.message));
    assert.deepEqual(await queryRows(db, 'SELECT * FROM shop.payments'), []);
    assert.deepEqual(await emitted(), []);
  });

  it('turns a refusal for lack of funds into payment.failed, once, and records no payment', async () => {
    const handler = new ChargePaymentHandler(new PaymentGateway({ failureRate: 0, timeoutMs: 10 }), shop);
    const order = anOrder({ token: 'tok_insufficient_funds' });
    const event = aDomainEvent('order.placed', order, { correlationId: 'checkout-42' });
    assert.deepEqual(await charge(handler, 'tok_insufficient_funds', event), { chargeId: null });
    assert.deepEqual(await charge(handler, 'tok_insufficient_funds', event), { chargeId: null });
    assert.deepEqual(await emitted(), [
      {
        type: 'payment.failed',
        data: { orderId: order.orderId, customer: order.customer, reason: 'insufficient funds' },
        causation_id: event.id,
        correlation_id: 'checkout-42',
      },
    ]);
    assert.deepEqual(await queryRows(db, 'SELECT * FROM shop.payments'), []);
  });

  it('treats a decline as final and a timeout or outage as worth retrying', async () => {
    const handler = new ChargePaymentHandler(new PaymentGateway({ failureRate: 0, timeoutMs: 10 }), shop);
    await assert.rejects(charge(handler, 'tok_declined'), (error: Error) => error.name === 'CardDeclinedError' && isNonRetryable(error));
    await assert.rejects(charge(handler, 'tok_unavailable'), (error: Error) => error.name === 'GatewayTimeoutError' && !isNonRetryable(error));
    const flaky = new ChargePaymentHandler(new PaymentGateway({ failureRate: 1, timeoutMs: 10 }), shop);
    await assert.rejects(charge(flaky, 'tok_visa'), (error: Error) => error.name === 'GatewayUnavailableError' && !isNonRetryable(error));
    assert.deepEqual(await queryRows(db, 'SELECT * FROM shop.payments'), []);
    assert.deepEqual(await emitted(), [], 'a failed charge emits nothing');
  });

  it('charges nothing for an order cancelled before the charge runs (a retry of a discarded charge)', async () => {
    const handler = new ChargePaymentHandler(new PaymentGateway({ failureRate: 0, timeoutMs: 10 }), shop);
    const order = anOrder({ token: 'tok_visa' });
    await queryRows(db, 'INSERT INTO shop.order_progress (order_id, cancelled_at) VALUES ($1, now())', [order.orderId]);
    assert.deepEqual(await charge(handler, 'tok_visa', aDomainEvent('order.placed', order)), { chargeId: null });
    assert.deepEqual(await queryRows(db, 'SELECT * FROM shop.payments'), []);
    assert.deepEqual(await emitted(), []);
  });
});
