import type { OrderCancelled } from '@switchyard/contracts';
import { type DomainEvent, EventHandler, type Handler, type HandlerContext } from '@switchyard/core';
import { PrismaService } from '@switchyard/db';
import { v7 as uuidv7 } from 'uuid';
import { PaymentGateway } from './payment-gateway.js';

/** Refunds what was captured for a cancelled order, if anything was. */
@EventHandler({
  name: 'payment.refund',
  on: 'order.cancelled',
  queue: 'payment',
  priority: 1,
  attempts: 5,
  backoff: { type: 'exponential', delay: 500, jitter: 0.5 },
})
export class RefundPaymentHandler implements Handler<OrderCancelled> {
  constructor(
    private readonly gateway: PaymentGateway,
    private readonly prisma: PrismaService,
  ) {}

  async handle(event: DomainEvent<OrderCancelled>, ctx: HandlerContext): Promise<{ refundId: string | null }> {
    const captured = await this.prisma.payment.findFirst({ where: { orderId: event.data.orderId, kind: 'captured' } });
    if (!captured) {
      ctx.logger.log(`Order ${event.data.orderId} has no captured payment to refund`);
      return { refundId: null };
    }
    const refund = await this.gateway.refund({
      chargeId: captured.gatewayRef,
      amount: captured.amount,
      currency: captured.currency,
      idempotencyKey: ctx.idempotencyKey,
    });
    await ctx.once((tx) =>
      tx.payment.create({
        data: {
          id: uuidv7(),
          orderId: captured.orderId,
          kind: 'refunded',
          amount: captured.amount,
          currency: captured.currency,
          gatewayRef: refund.id,
          idempotencyKey: ctx.idempotencyKey,
        },
      }),
    );
    return { refundId: refund.id };
  }
}
