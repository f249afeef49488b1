import type { OrderCancelled } from '../events/index.js';
import { type DomainEvent, EventHandler, type Handler } from '@switchyard/core';
import { EMAIL_QUEUE, FakeMailer } from './fake-mailer.js';
import type { ShopContext } from '../shop-context.js';

@EventHandler({ name: 'email.order-cancelled', on: 'order.cancelled', ...EMAIL_QUEUE })
export class SendCancellationNoticeHandler implements Handler<OrderCancelled> {
  constructor(private readonly mailer: FakeMailer) {}

  async handle(event: DomainEvent<OrderCancelled>, ctx: ShopContext): Promise<void> {
    const { orderId, customer, reason } = event.data;
    await ctx.once((tx) =>
      this.mailer.send(tx, {
        template: 'order-cancelled',
        to: customer.email,
        subject: `Order ${orderId} cancelled`,
        body: `Hi ${customer.name ?? 'there'}, your order ${orderId} was cancelled${reason ? `: ${reason}` : ''}. Any payment will be refunded.`,
        orderId,
        eventId: event.id,
      }),
    );
  }
}
