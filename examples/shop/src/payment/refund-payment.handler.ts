import type { OrderCancelled } from '../events/index.js';
import { type DomainEvent, EventHandler, type Handler } from '@switchyard/core';
import { ShopDatabase } from '../shop-database.js';
import { lockOrderProgress } from '../orders/order-progress.js';
import { PaymentGateway } from './payment-gateway.js';
import { refundCapture } from './refunds.js';
import type { ShopContext } from '../shop-context.js';

/**
 * Refunds what was captured for a cancelled order, if anything was. The
 * order is marked cancelled under its lock before the capture is looked
 * for, and payment.charge records a capture under the same lock, then looks
 * for a cancellation: whichever comes second sees the other and refunds.
 */
@EventHandler({
  name: 'payment.refund',
  on: 'order.cancelled',
  queue: 'payment',
  priority: 1,
  attempts: 5,
  backoff: { type: 'exponential', delay: 500, jitter: 0.5 },
})
export class RefundPaymentHandler implements Handler<OrderCancelled> {
  constructor(
    private readonly gateway: PaymentGateway,
    private readonly prisma: ShopDatabase,
  ) {}

  async handle(event: DomainEvent<OrderCancelled>, ctx: ShopContext): Promise<{ refundId: string | null }> {
    const { orderId } = event.data;
    const captured = await this.prisma.$transaction(async (tx) => {
      await lockOrderProgress(tx, orderId);
      await tx.$executeRaw`UPDATE shop.order_progress SET cancelled_at = coalesce(cancelled_at, now()) WHERE order_id = ${orderId}`;
      return tx.payment.findFirst({ where: { orderId, kind: 'captured' } });
    });
    if (!captured) {
      ctx.logger.log(`Order ${orderId} has no captured payment to refund`);
      return { refundId: null };
    }
    return { refundId: await refundCapture(this.gateway, ctx, captured) };
  }
}
