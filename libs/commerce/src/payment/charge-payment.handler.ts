import type { OrderPlaced, PaymentFailed, PaymentSucceeded } from '@switchyard/contracts';
import { type DomainEvent, EventHandler, type Handler, type HandlerContext } from '@switchyard/core';
import { v7 as uuidv7 } from 'uuid';
import { type Charge, InsufficientFundsError, PaymentGateway } from './payment-gateway.js';

/**
 * Charges the order total to the customer's card, records the payment and
 * emits `payment.succeeded`; a refusal for lack of funds emits
 * `payment.failed` instead (the saga's business outcome, not a failure of the
 * job). A hard decline (`tok_declined`) stays a dead letter for an operator.
 */
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

  async handle(event: DomainEvent<OrderPlaced>, ctx: HandlerContext): Promise<{ chargeId: string | null }> {
    const { orderId, customer, total, currency, payment } = event.data;
    let charge: Charge;
    try {
      // The gateway deduplicates on our key, so a re-run after a crash between
      // charge and commit does not charge twice; the guard records it once.
      charge = await this.gateway.charge({ amount: total, currency, token: payment.token, idempotencyKey: ctx.idempotencyKey });
    } catch (error) {
      if (!(error instanceof InsufficientFundsError)) throw error;
      const failed: PaymentFailed = { orderId, customer, reason: error.message };
      await ctx.once(() => ctx.emit('payment.failed', failed, { subject: orderId }));
      return { chargeId: null };
    }
    const succeeded: PaymentSucceeded = { orderId, customer, amount: total, currency, chargeId: charge.id };
    await ctx.once(async (tx) => {
      await tx.payment.create({
        data: { id: uuidv7(), orderId, kind: 'captured', amount: total, currency, gatewayRef: charge.id, idempotencyKey: ctx.idempotencyKey },
      });
      // Recorded and announced in one transaction: never one without the other.
      await ctx.emit('payment.succeeded', succeeded, { subject: orderId });
    });
    return { chargeId: charge.id };
  }
}
