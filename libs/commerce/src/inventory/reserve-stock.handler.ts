import type { OrderPlaced } from '@switchyard/contracts';
import { type DomainEvent, EventHandler, type Handler, type HandlerContext, NonRetryableError } from '@switchyard/core';
import { stockLines } from './stock-lines.js';

/** Takes each ordered item out of available stock, all or nothing. */
@EventHandler({
  name: 'inventory.reserve',
  on: 'order.placed',
  queue: 'inventory',
  attempts: 5,
  concurrency: 20,
})
export class ReserveStockHandler implements Handler<OrderPlaced> {
  async handle(event: DomainEvent<OrderPlaced>, ctx: HandlerContext): Promise<{ reserved: number }> {
    const lines = stockLines(event.data.items);
    await ctx.once(async (tx) => {
      // Another event for the same order already reserved it: a producer bug that retrying cannot fix.
      const earlier = await tx.stockReservation.findFirst({ where: { orderId: event.data.orderId } });
      if (earlier) throw new NonRetryableError(`Order ${event.data.orderId} already has stock reserved by an earlier event`);
      for (const { sku, quantity } of lines) {
        const taken = await tx.$executeRaw`
          UPDATE stock_items SET available = available - ${quantity}, reserved = reserved + ${quantity}, updated_at = now()
          WHERE sku = ${sku} AND available >= ${quantity}`;
        if (taken === 0) {
          // Throwing rolls back the lines already taken: a reservation is all or nothing.
          const item = await tx.stockItem.findUnique({ where: { sku } });
          throw new NonRetryableError(
            item ? `Not enough stock of ${sku}: ${quantity} ordered, ${item.available} available` : `Unknown SKU ${sku}`,
          );
        }
      }
      await tx.stockReservation.createMany({ data: lines.map((line) => ({ orderId: event.data.orderId, ...line })) });
    });
    return { reserved: lines.length };
  }
}
