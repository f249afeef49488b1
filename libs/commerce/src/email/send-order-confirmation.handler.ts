import type { OrderPlaced } from '@switchyard/contracts';
import { type DomainEvent, EventHandler, type Handler, type HandlerContext } from '@switchyard/core';
import { EMAIL_QUEUE, FakeMailer, formatMoney } from './fake-mailer.js';

@EventHandler({ name: 'email.order-confirmation', on: 'order.placed', ...EMAIL_QUEUE })
export class SendOrderConfirmationHandler implements Handler<OrderPlaced> {
  constructor(private readonly mailer: FakeMailer) {}

  async handle(event: DomainEvent<OrderPlaced>, ctx: HandlerContext): Promise<void> {
    const { orderId, customer, total, currency, items } = event.data;
    await ctx.once((tx) =>
      this.mailer.send(tx, {
        template: 'order-confirmation',
        to: customer.email,
        subject: `Order ${orderId} received`,
        body: `Hi ${customer.name ?? 'there'}, thanks for your order of ${items.length} item(s), ${formatMoney(total, currency)} in total.`,
        orderId,
        eventId: event.id,
      }),
    );
  }
}
