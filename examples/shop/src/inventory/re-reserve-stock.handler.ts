import { type DeadLetterTransition, JOB_RESOLVED } from '@switchyard/core';
import { type InventoryReserved, type OrderCancelled, type OrderPlaced } from '../events/index.js';
import { type DomainEvent, EventHandler, type Handler, type HandlerContext } from '@switchyard/core';
import { lockOrderProgress, takeChargeTransition } from '../orders/order-progress.js';
import { stockLines } from './stock-lines.js';
import { reserveStock } from './stock-moves.js';
import type { ShopContext } from '../shop-context.js';

type Outcome = 'stale' | 'nothing-released' | 'cancelled' | 'reserved' | 'out-of-stock';

/**
 * A charge whose dead letter resolved (an operator's retry went through):
 * the stock released for it is reserved again and `inventory.reserved`
 * emitted, so order.confirm confirms the now-paid order. If the stock is gone
 * meanwhile the order is cancelled (the refund follows from
 * `order.cancelled`). Nothing happens when the order was cancelled, or its
 * stock never released (this event overtook `dead_lettered`).
 */
@EventHandler({
  name: 'inventory.re-reserve',
  on: JOB_RESOLVED,
  filter: { 'data.handler': 'payment.charge' },
  queue: 'inventory',
  attempts: 5,
})
export class ReReserveStockHandler implements Handler<DeadLetterTransition<OrderPlaced>> {
  async handle(event: DomainEvent<DeadLetterTransition<OrderPlaced>>, ctx: ShopContext): Promise<{ outcome: Outcome | null }> {
    const { sequence, event: failed } = event.data;
    const { orderId, customer } = failed.data;
    const lines = stockLines(failed.data.items);
    const result = await ctx.once(async (tx): Promise<Outcome> => {
      const progress = await lockOrderProgress(tx, orderId);
      if (!(await takeChargeTransition(tx, orderId, sequence))) return 'stale';
      if (progress.cancelled_at) return 'cancelled';
      if (!progress.charge_dead_at) return 'nothing-released';
      const shortage = await reserveStock(tx, orderId, lines);
      if (shortage) {
        await tx.$executeRaw`UPDATE shop.order_progress SET cancelled_at = now(), charge_dead_at = NULL, updated_at = now() WHERE order_id = ${orderId}`;
        const reason = `the payment went through on a retry, but ${shortage.charAt(0).toLowerCase()}${shortage.slice(1)}`;
        await ctx.emit('order.cancelled', { orderId, customer, reason } satisfies OrderCancelled, { subject: orderId });
        return 'out-of-stock';
      }
      await tx.$executeRaw`UPDATE shop.order_progress SET released_at = NULL, charge_dead_at = NULL, updated_at = now() WHERE order_id = ${orderId}`;
      await ctx.emit('inventory.reserved', { orderId, customer, lines } satisfies InventoryReserved, { subject: orderId });
      return 'reserved';
    });
    return { outcome: result.applied ? result.value : null };
  }
}
