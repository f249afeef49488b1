import type { OrderPlaced } from '../events/index.js';
import { type DomainEvent, EventHandler, type Handler } from '@switchyard/core';
import { FakeMailer, formatMoney } from '../email/fake-mailer.js';
import type { ShopContext } from '../shop-context.js';

/** Where review requests go. */
export const FRAUD_DESK = 'fraud-desk@shop.example';

/**
 * Asks the fraud desk to look at large orders. The filter keeps every other
 * order.placed from making a job at all: `total` is in minor units, so
 * 100000 is 1,000.00 in the order's currency.
 */
@EventHandler({
  name: 'fraud.review',
  on: 'order.placed',
  queue: 'fraud',
  filter: { 'data.total': { gte: 100_000 } },
})
export class ReviewLargeOrderHandler implements Handler<OrderPlaced> {
  constructor(private readonly mailer: FakeMailer) {}

  async handle(event: DomainEvent<OrderPlaced>, ctx: ShopContext): Promise<void> {
    const { orderId, customer, total, currency } = event.data;
    await ctx.once((tx) =>
      this.mailer.send(tx, {
        template: 'fraud-review',
        to: FRAUD_DESK,
        subject: `Review order ${orderId} (${formatMoney(total, currency)})`,
        body: `Order ${orderId} by customer ${customer.id} totals ${formatMoney(total, currency)}; please review it before it ships.`,
        orderId,
        eventId: event.id,
      }),
    );
  }
}
