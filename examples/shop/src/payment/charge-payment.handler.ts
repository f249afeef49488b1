import { itemsTotal, type OrderPlaced, type PaymentFailed, type PaymentSucceeded } from '../events/index.js';
import { type DomainEvent, EventHandler, type Handler, NonRetryableError } from '@switchyard/core';
import { ShopDatabase } from '../shop-database.js';
import { v7 as uuidv7 } from 'uuid';
import { lockOrderProgress } from '../orders/order-progress.js';
import { type Charge, InsufficientFundsError, PaymentGateway } from './payment-gateway.js';
import { refundCapture } from './refunds.js';
import type { ShopContext } from '../shop-context.js';

/**
 * Charges the order total to the customer's card, records the payment and
 * emits `payment.succeeded`; a refusal for lack of funds emits
 * `payment.failed` instead (the saga's business outcome, not a failure of the
 * job). A hard decline (`tok_declined`) becomes a dead letter: the saga then
 * releases the stock until an operator retries or discards it (see
 * inventory.release-unpaid, inventory.re-reserve, order.cancel-unpaid).
 * An order whose total is not the sum of its items is refused before any
 * charge, as a dead letter: the API's schema check cannot see that rule.
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
  constructor(
    private readonly gateway: PaymentGateway,
    private readonly prisma: ShopDatabase,
  ) {}

  async handle(event: DomainEvent<OrderPlaced>, ctx: ShopContext): Promise<{ chargeId: string | null; refundId?: string }> {
    const { orderId, customer, total, currency, payment } = event.data;
    const sum = itemsTotal(event.data);
    if (sum !== total) throw new NonRetryableError(`Order ${orderId}: its total ${total} is not the sum of quantity × unitPrice over its items (${sum}); not charging it`);
    // A cancelled order is not charged (its failed charge was discarded, then retried; or the customer cancelled).
    if (await this.cancelled(orderId)) {
      ctx.logger.log(`Order ${orderId} was cancelled; not charging it`);
      return { chargeId: null };
    }
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
      // Under the order's lock, as payment.refund marks a cancellation: one of the two sees the other.
      await lockOrderProgress(tx, orderId);
      await tx.payment.create({
        data: { id: uuidv7(), orderId, kind: 'captured', amount: total, currency, gatewayRef: charge.id, idempotencyKey: ctx.idempotencyKey },
      });
      // Recorded and announced in one transaction: never one without the other.
      await ctx.emit('payment.succeeded', succeeded, { subject: orderId });
    });
    // Cancelled while we charged (after the check above): payment.refund may have looked before our capture committed.
    if (await this.cancelled(orderId)) {
      const refundId = await refundCapture(this.gateway, ctx, { orderId, gatewayRef: charge.id, amount: total, currency }, 'refund');
      return { chargeId: charge.id, refundId };
    }
    return { chargeId: charge.id };
  }

  private async cancelled(orderId: string): Promise<boolean> {
    const progress = await this.prisma.orderProgress.findUnique({ where: { orderId }, select: { cancelledAt: true } });
    return progress?.cancelledAt != null;
  }
}
