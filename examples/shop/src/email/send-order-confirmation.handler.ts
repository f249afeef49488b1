import type { OrderConfirmed } from '../events/index.js';
import { type DomainEvent, EventHandler, type Handler } from '@switchyard/core';
import { EMAIL_QUEUE, FakeMailer, formatMoney } from './fake-mailer.js';
import type { ShopContext } from '../shop-context.js';

/** Tells the customer once the order is confirmed: paid and its stock reserved (not merely placed). */
@EventHandler({ name: 'email.order-confirmation', on: 'order.confirmed', ...EMAIL_QUEUE })
export class SendOrderConfirmationHandler implements Handler<OrderConfirmed> {
  constructor(private readonly mailer: FakeMailer) {}

  async handle(event: DomainEvent<OrderConfirmed>, ctx: ShopContext): Promise<void> {
    const { orderId, customer, total, currency, lineCount } = event.data;
    await ctx.once((tx) =>
      this.mailer.send(tx, {
        template: 'order-confirmation',
        to: customer.email,
        subject: `Order ${orderId} confirmed`,
        body: `Hi ${customer.name ?? 'there'}, your order of ${lineCount} item(s), ${formatMoney(total, currency)} in total, is confirmed.`,
        orderId,
        eventId: event.id,
      }),
    );
  }
}
