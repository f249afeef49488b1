import { createHandlerContext, isNonRetryable } from '@switchyard/core';
import { PrismaService } from '@switchyard/db';
import { aDomainEvent, anOrder, queryRows, resetDatabase, testDatabaseUrl } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ChargePaymentHandler } from './charge-payment.handler.js';
import { PaymentGateway } from './payment-gateway.js';

const db = testDatabaseUrl();

describe('payment.charge', () => {
  const prisma = new PrismaService({ url: db, poolSize: 2 });
  const charge = (handler: ChargePaymentHandler, token: string, event = aDomainEvent('order.placed', anOrder({ token }))) =>
    handler.handle(event, createHandlerContext(prisma, { handler: 'payment.charge', event }));

  before(() => prisma.$connect());
  beforeEach(() => resetDatabase(db));
  after(() => prisma.$disconnect());

  it('charges the total once and records the payment, however often it runs', async () => {
    const handler = new ChargePaymentHandler(new PaymentGateway({ failureRate: 0, timeoutMs: 10 }));
    const event = aDomainEvent('order.placed', anOrder({ token: 'tok_visa' }));
    const first = await charge(handler, 'tok_visa', event);
    const second = await charge(handler, 'tok_visa', event);
    assert.equal(second.chargeId, first.chargeId, 'the gateway deduplicated on our idempotency key');
    assert.deepEqual(await queryRows(db, 'SELECT kind, amount, gateway_ref, idempotency_key FROM payments'), [
      { kind: 'captured', amount: 4500, gateway_ref: first.chargeId, idempotency_key: `${event.id}.payment.charge` },
    ]);
  });

  it('treats a decline as final and a timeout or outage as worth retrying', async () => {
    const handler = new ChargePaymentHandler(new PaymentGateway({ failureRate: 0, timeoutMs: 10 }));
    await assert.rejects(charge(handler, 'tok_declined'), (error: Error) => error.name === 'CardDeclinedError' && isNonRetryable(error));
    await assert.rejects(charge(handler, 'tok_unavailable'), (error: Error) => error.name === 'GatewayTimeoutError' && !isNonRetryable(error));
    const flaky = new ChargePaymentHandler(new PaymentGateway({ failureRate: 1, timeoutMs: 10 }));
    await assert.rejects(charge(flaky, 'tok_visa'), (error: Error) => error.name === 'GatewayUnavailableError' && !isNonRetryable(error));
    assert.deepEqual(await queryRows(db, 'SELECT * FROM payments'), []);
  });
});
