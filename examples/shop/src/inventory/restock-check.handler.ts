import type { InventoryRestockCheck } from '../events/index.js';
import { type DomainEvent, EventHandler, EventSchedule, type Handler } from '@switchyard/core';
import type { ShopContext } from '../shop-context.js';

/**
 * Every morning at 06:00 Berlin time, lists the SKUs running low as restock
 * requests. The schedule lives in code beside its handler: every process
 * upserts it at startup, and an operator can pause it from the console. A
 * morning missed while Switchyard was down is caught up with one check.
 */
@EventSchedule({
  name: 'inventory.nightly-restock-check',
  type: 'inventory.restock-check',
  data: { threshold: 5 },
  source: 'urn:shop:inventory',
  cron: '0 6 * * *',
  timeZone: 'Europe/Berlin',
  catchUp: 'fire-once',
})
@EventHandler({ name: 'inventory.restock-check', on: 'inventory.restock-check', queue: 'inventory' })
export class RestockCheckHandler implements Handler<InventoryRestockCheck> {
  async handle(event: DomainEvent<InventoryRestockCheck>, ctx: ShopContext): Promise<{ low: number }> {
    const result = await ctx.once(async (tx) =>
      tx.$executeRaw`
        INSERT INTO shop.restock_requests (event_id, sku, available, threshold)
        SELECT ${event.id}::uuid, sku, available, ${event.data.threshold}
        FROM shop.stock_items WHERE available < ${event.data.threshold}`,
    );
    return { low: result.applied ? result.value : 0 };
  }
}
