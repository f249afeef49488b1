import { v7 as uuidv7 } from 'uuid';
import type { PaymentGateway } from './payment-gateway.js';
import type { ShopContext } from '../shop-context.js';

export interface Capture {
  orderId: string;
  gatewayRef: string;
  amount: number;
  currency: string;
}

/**
 * Refunds a capture in full and records it, once per capture whoever asks
 * (payment.refund on `order.cancelled`, or payment.charge finding its order
 * cancelled): the gateway deduplicates on a key derived from the charge, and
 * the payments row is unique on it.
 */
export async function refundCapture(gateway: PaymentGateway, ctx: ShopContext, capture: Capture, step?: string): Promise<string> {
  const key = `refund:${capture.gatewayRef}`;
  const refund = await gateway.refund({ chargeId: capture.gatewayRef, amount: capture.amount, currency: capture.currency, idempotencyKey: key });
  await ctx.once(
    (tx) => tx.$executeRaw`
      INSERT INTO shop.payments (id, order_id, kind, amount, currency, gateway_ref, idempotency_key)
      VALUES (${uuidv7()}::uuid, ${capture.orderId}, 'refunded', ${capture.amount}, ${capture.currency}, ${refund.id}, ${key})
      ON CONFLICT (idempotency_key) DO NOTHING`,
    step ? { step } : undefined,
  );
  return refund.id;
}
