import { z } from 'zod';
import { customer, minorUnits, orderId } from './shared.js';

/** `payment.succeeded`: payment.charge captured the order total (emitted by the handler, not by producers). */
export const paymentSucceeded = z.object({
  orderId,
  customer,
  amount: minorUnits,
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'),
  chargeId: z.string().min(1).max(128),
});

/** `payment.failed`: the bank refused the charge; the order's reservation is released. */
export const paymentFailed = z.object({
  orderId,
  customer,
  reason: z.string().min(1).max(500),
});

export type PaymentSucceeded = z.infer<typeof paymentSucceeded>;
export type PaymentFailed = z.infer<typeof paymentFailed>;
