import type { OrderCancelled, PaymentFailed } from '../events/index.js';
import { type DomainEvent, EventHandler, type Handler } from '@switchyard/core';
import { lockOrderProgress } from '../orders/order-progress.js';
import { releaseStock } from './stock-moves.js';
import type { ShopContext } from '../shop-context.js';

/**
 * Gives an order's reserved stock back when it is cancelled or its payment
 * failed (the saga's compensation), and marks the order released under its
 * lock, so a reservation handled later (payment.failed can arrive first)
 * reserves nothing, and the order is never confirmed.
 */
@EventHandler({
  name: 'inventory.release',
  on: ['order.cancelled', 'payment.failed'],
  queue: 'inventory',
  attempts: 5,
})
export class ReleaseStockHandler implements Handler<OrderCancelled | PaymentFailed> {
  async handle(event: DomainEvent<OrderCancelled | PaymentFailed>, ctx: ShopContext): Promise<{ released: number }> {
    const { orderId } = event.data;
    const result = await ctx.once(async (tx) => {
      await lockOrderProgress(tx, orderId);
      await tx.$executeRaw`
        UPDATE shop.order_progress SET released_at = coalesce(released_at, now()),
               payment_failed_at = CASE WHEN ${event.type}::text = 'payment.failed' THEN coalesce(payment_failed_at, now()) ELSE payment_failed_at END,
               cancelled_at = CASE WHEN ${event.type}::text = 'order.cancelled' THEN coalesce(cancelled_at, now()) ELSE cancelled_at END,
               updated_at = now()
        WHERE order_id = ${orderId}`;
      return releaseStock(tx, orderId);
    });
    if (result.applied && result.value === 0) ctx.logger.log(`Order ${orderId} had no reserved stock`);
    return { released: result.applied ? result.value : 0 };
  }
}
