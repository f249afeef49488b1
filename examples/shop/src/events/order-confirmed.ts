import { z } from 'zod';
import { customer, minorUnits, orderId } from './shared.js';

/** `order.confirmed`: the order is paid and its stock reserved (emitted once both succeeded). */
export const orderConfirmed = z.object({
  orderId,
  customer,
  total: minorUnits,
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'),
  /** Distinct SKUs reserved. */
  lineCount: z.int().min(1),
});

export type OrderConfirmed = z.infer<typeof orderConfirmed>;
