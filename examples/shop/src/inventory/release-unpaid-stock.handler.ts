import { type DeadLetterTransition, JOB_DEAD_LETTERED } from '@switchyard/core';
import { type OrderPlaced } from '../events/index.js';
import { type DomainEvent, EventHandler, type Handler, type HandlerContext } from '@switchyard/core';
import { lockOrderProgress, takeChargeTransition } from '../orders/order-progress.js';
import { releaseStock } from './stock-moves.js';
import type { ShopContext } from '../shop-context.js';

/**
 * The saga's compensation for a charge that failed for good: the order's
 * stock goes back on the shelf while an operator decides (a retry that
 * succeeds reserves it again: inventory.re-reserve; a discard cancels the
 * order: order.cancel-unpaid). Acts only on the latest transition of the
 * charge's dead letter.
 */
@EventHandler({
  name: 'inventory.release-unpaid',
  on: JOB_DEAD_LETTERED,
  filter: { 'data.handler': 'payment.charge' },
  queue: 'inventory',
  attempts: 5,
})
export class ReleaseUnpaidStockHandler implements Handler<DeadLetterTransition<OrderPlaced>> {
  async handle(event: DomainEvent<DeadLetterTransition<OrderPlaced>>, ctx: ShopContext): Promise<{ released: number | null }> {
    const { sequence, event: failed } = event.data;
    const { orderId } = failed.data;
    const result = await ctx.once(async (tx) => {
      await lockOrderProgress(tx, orderId);
      if (!(await takeChargeTransition(tx, orderId, sequence))) return null;
      // released_at keeps inventory.reserve (if it has not run yet) from reserving for an unpaid order.
      await tx.$executeRaw`
        UPDATE shop.order_progress SET released_at = coalesce(released_at, now()), charge_dead_at = now(), updated_at = now()
        WHERE order_id = ${orderId}`;
      return releaseStock(tx, orderId);
    });
    if (result.applied && result.value === null) ctx.logger.log(`Order ${orderId}: a later transition of its charge was applied already`);
    return { released: result.applied ? result.value : null };
  }
}
