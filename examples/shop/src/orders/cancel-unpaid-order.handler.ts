import { type DeadLetterTransition, JOB_DISCARDED } from '@switchyard/core';
import { type OrderCancelled, type OrderPlaced } from '../events/index.js';
import { type DomainEvent, EventHandler, type Handler, type HandlerContext } from '@switchyard/core';
import { lockOrderProgress, takeChargeTransition } from './order-progress.js';
import type { ShopContext } from '../shop-context.js';

/**
 * An operator discarded the order's failed charge: the order will not be
 * paid, so it is cancelled and `order.cancelled` emitted (the customer is
 * told; the stock, if still reserved, is released; nothing was captured to
 * refund). A retry of the discarded charge later finds the order cancelled
 * and charges nothing (payment.charge).
 */
@EventHandler({
  name: 'order.cancel-unpaid',
  on: JOB_DISCARDED,
  filter: { 'data.handler': 'payment.charge' },
  queue: 'orders',
  attempts: 5,
})
export class CancelUnpaidOrderHandler implements Handler<DeadLetterTransition<OrderPlaced>> {
  async handle(event: DomainEvent<DeadLetterTransition<OrderPlaced>>, ctx: ShopContext): Promise<{ cancelled: boolean }> {
    const { sequence, event: failed, reason } = event.data;
    const { orderId, customer } = failed.data;
    const result = await ctx.once(async (tx) => {
      const progress = await lockOrderProgress(tx, orderId);
      if (!(await takeChargeTransition(tx, orderId, sequence)) || progress.cancelled_at || progress.confirmed_at) return false;
      await tx.$executeRaw`UPDATE shop.order_progress SET cancelled_at = now(), updated_at = now() WHERE order_id = ${orderId}`;
      const cancelled: OrderCancelled = { orderId, customer, reason: `the payment could not be taken${reason ? ` (${reason})` : ''}`.slice(0, 500) };
      await ctx.emit('order.cancelled', cancelled, { subject: orderId });
      return true;
    });
    return { cancelled: result.applied && result.value };
  }
}
