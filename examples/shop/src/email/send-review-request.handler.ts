import type { OrderShipped } from '../events/index.js';
import { type DomainEvent, EventHandler, type Handler } from '@switchyard/core';
import { EMAIL_QUEUE, FakeMailer } from './fake-mailer.js';
import type { ShopContext } from '../shop-context.js';

const THREE_DAYS_MS = 3 * 24 * 3_600_000;

/** Asks for a review once the parcel has had time to arrive: delayed three days unless the producer says otherwise. */
@EventHandler({ name: 'email.review-request', on: 'order.shipped', ...EMAIL_QUEUE, priority: 50, delay: THREE_DAYS_MS })
export class SendReviewRequestHandler implements Handler<OrderShipped> {
  constructor(private readonly mailer: FakeMailer) {}

  async handle(event: DomainEvent<OrderShipped>, ctx: ShopContext): Promise<void> {
    const { orderId, customer } = event.data;
    await ctx.once((tx) =>
      this.mailer.send(tx, {
        template: 'review-request',
        to: customer.email,
        subject: `How was order ${orderId}?`,
        body: `Hi ${customer.name ?? 'there'}, we hope your order arrived safely. Tell us what you think?`,
        orderId,
        eventId: event.id,
      }),
    );
  }
}
