import type { InventoryReserved, OrderPlaced } from '../events/index.js';
import { type DomainEvent, EventHandler, type Handler, NonRetryableError } from '@switchyard/core';
import { lockOrderProgress } from '../orders/order-progress.js';
import { stockLines } from './stock-lines.js';
import { reserveStock } from './stock-moves.js';
import type { ShopContext } from '../shop-context.js';

/** Takes each ordered item out of available stock, all or nothing, and emits `inventory.reserved`. */
@EventHandler({
  name: 'inventory.reserve',
  on: 'order.placed',
  queue: 'inventory',
  attempts: 5,
  concurrency: 20,
})
export class ReserveStockHandler implements Handler<OrderPlaced> {
  async handle(event: DomainEvent<OrderPlaced>, ctx: ShopContext): Promise<{ reserved: number }> {
    const { orderId, customer } = event.data;
    const lines = stockLines(event.data.items);
    const result = await ctx.once(async (tx) => {
      // The order's lock first: a payment failure handled before us has released
      // the order (inventory.release), and stock reserved now would never come back.
      const progress = await lockOrderProgress(tx, orderId);
      if (progress.released_at) return false;
      // Another event for the same order already reserved it: a producer bug that retrying cannot fix.
      const earlier = await tx.stockReservation.findFirst({ where: { orderId } });
      if (earlier) throw new NonRetryableError(`Order ${orderId} already has stock reserved by an earlier event`);
      // Throwing rolls the order's lock back too; nothing was taken.
      const shortage = await reserveStock(tx, orderId, lines);
      if (shortage) throw new NonRetryableError(shortage);
      // In the reservation's transaction: reserved and announced, or neither.
      await ctx.emit('inventory.reserved', { orderId, customer, lines } satisfies InventoryReserved, { subject: orderId });
      return true;
    });
    if (result.applied && !result.value) ctx.logger.log(`Order ${orderId} was released before its stock was reserved; nothing reserved`);
    return { reserved: result.applied && result.value ? lines.length : 0 };
  }
}
