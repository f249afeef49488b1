import type { InventoryReserved, OrderConfirmed, PaymentSucceeded } from '../events/index.js';
import { type DomainEvent, EventHandler, type Handler } from '@switchyard/core';
import { lockOrderProgress } from './order-progress.js';
import type { ShopContext } from '../shop-context.js';

type Success = DomainEvent<PaymentSucceeded> | DomainEvent<InventoryReserved>;

/**
 * The order saga's join: records each success for the order and, once both
 * the payment and the reservation are in, emits `order.confirmed` — in the
 * same transaction as the record, under the order's row lock, so two
 * successes handled at once on two workers confirm the order exactly once,
 * and a crash anywhere re-runs into the same outcome.
 */
@EventHandler({
  name: 'order.confirm',
  on: ['payment.succeeded', 'inventory.reserved'],
  queue: 'orders',
  attempts: 5,
  concurrency: 10,
})
export class ConfirmOrderHandler implements Handler<PaymentSucceeded | InventoryReserved> {
  async handle(event: Success, ctx: ShopContext): Promise<{ confirmed: boolean }> {
    const result = await ctx.once(async (tx) => {
      const { orderId, customer } = event.data;
      await lockOrderProgress(tx, orderId);
      const customerJson = JSON.stringify(customer);
      const [row] =
        event.type === 'payment.succeeded'
          ? await tx.$queryRaw<Progress[]>`
              UPDATE shop.order_progress SET paid_at = now(), amount = ${(event.data as PaymentSucceeded).amount},
                     currency = ${(event.data as PaymentSucceeded).currency}, customer = ${customerJson}::jsonb, updated_at = now()
              WHERE order_id = ${orderId} RETURNING paid_at, reserved_at, confirmed_at, released_at, amount, currency, item_count`
          : await tx.$queryRaw<Progress[]>`
              UPDATE shop.order_progress SET reserved_at = now(), item_count = ${(event.data as InventoryReserved).lines.length},
                     customer = ${customerJson}::jsonb, updated_at = now()
              WHERE order_id = ${orderId} RETURNING paid_at, reserved_at, confirmed_at, released_at, amount, currency, item_count`;
      if (!row.paid_at || !row.reserved_at || row.confirmed_at || row.released_at) return false;
      const confirmed: OrderConfirmed = { orderId, customer, total: row.amount!, currency: row.currency!, lineCount: row.item_count! };
      const emitted = await ctx.emit('order.confirmed', confirmed, { subject: orderId });
      await tx.$executeRaw`
        UPDATE shop.order_progress SET confirmed_at = now(), confirmed_event_id = ${emitted.eventId}::uuid WHERE order_id = ${orderId}`;
      return true;
    });
    return { confirmed: result.applied && result.value };
  }
}

interface Progress {
  paid_at: Date | null;
  reserved_at: Date | null;
  confirmed_at: Date | null;
  released_at: Date | null;
  amount: number | null;
  currency: string | null;
  item_count: number | null;
}
