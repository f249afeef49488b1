import type { OrderPlaced } from '@switchyard/contracts';
import { type DomainEvent, EventHandler, type Handler, type HandlerContext } from '@switchyard/core';
import { v7 as uuidv7 } from 'uuid';
import { PaymentGateway } from './payment-gateway.js';

/** Charges the order total to the customer's card and records the payment. */
@EventHandler({
  name: 'payment.charge',
  on: 'order.placed',
  queue: 'payment',
  priority: 1,
  attempts: 5,
  backoff: { type: 'exponential', delay: 500, jitter: 0.5 },
  concurrency: 20,
})
export class ChargePaymentHandler implements Handler<OrderPlaced> {
  constructor(private readonly gateway: PaymentGateway) {}

  async handle(event: DomainEvent<OrderPlaced>, ctx: HandlerContext): Promise<{ chargeId: string }> {
    const { orderId, total, currency, payment } = event.data;
    // The gateway deduplicates on our key, so a re-run after a crash between
    // charge and commit does not charge twice; the guard records it once.
    const charge = await this.gateway.charge({ amount: total, currency, token: payment.token, idempotencyKey: ctx.idempotencyKey });
    await ctx.once((tx) =>
      tx.payment.create({
        data: { id: uuidv7(), orderId, kind: 'captured', amount: total, currency, gatewayRef: charge.id, idempotencyKey: ctx.idempotencyKey },
      }),
    );
    return { chargeId: charge.id };
  }
}
