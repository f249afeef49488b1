import type { OrderShipped } from '../events/index.js';
import { type DomainEvent, EventHandler, type Handler } from '@switchyard/core';
import { EMAIL_QUEUE, FakeMailer } from './fake-mailer.js';
import type { ShopContext } from '../shop-context.js';

@EventHandler({ name: 'email.shipping-notice', on: 'order.shipped', ...EMAIL_QUEUE })
export class SendShippingNoticeHandler implements Handler<OrderShipped> {
  constructor(private readonly mailer: FakeMailer) {}

  async handle(event: DomainEvent<OrderShipped>, ctx: ShopContext): Promise<void> {
    const { orderId, customer, carrier, trackingNumber } = event.data;
    await ctx.once((tx) =>
      this.mailer.send(tx, {
        template: 'shipping-notice',
        to: customer.email,
        subject: `Order ${orderId} is on its way`,
        body: `Hi ${customer.name ?? 'there'}, ${carrier} is bringing your order. Tracking number: ${trackingNumber}.`,
        orderId,
        eventId: event.id,
      }),
    );
  }
}
