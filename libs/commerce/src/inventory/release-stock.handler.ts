import type { OrderCancelled } from '@switchyard/contracts';
import { type DomainEvent, EventHandler, type Handler, type HandlerContext } from '@switchyard/core';

/** Gives a cancelled order's reserved stock back. */
@EventHandler({
  name: 'inventory.release',
  on: 'order.cancelled',
  queue: 'inventory',
  attempts: 5,
})
export class ReleaseStockHandler implements Handler<OrderCancelled> {
  async handle(event: DomainEvent<OrderCancelled>, ctx: HandlerContext): Promise<{ released: number }> {
    const result = await ctx.once(async (tx) => {
      const reservations = await tx.stockReservation.findMany({
        where: { orderId: event.data.orderId, status: 'reserved' },
        orderBy: { sku: 'asc' },
      });
      for (const { sku, quantity } of reservations) {
        await tx.$executeRaw`
          UPDATE stock_items SET available = available + ${quantity}, reserved = reserved - ${quantity}, updated_at = now()
          WHERE sku = ${sku}`;
      }
      await tx.stockReservation.updateMany({
        where: { orderId: event.data.orderId, status: 'reserved' },
        data: { status: 'released', releasedAt: new Date() },
      });
      return reservations.length;
    });
    if (result.applied && result.value === 0) ctx.logger.log(`Order ${event.data.orderId} had no reserved stock`);
    return { released: result.applied ? result.value : 0 };
  }
}
