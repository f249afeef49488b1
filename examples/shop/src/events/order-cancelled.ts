import { z } from 'zod';
import { customer, orderId } from './shared.js';

/** `order.cancelled`: release the stock, refund the payment, tell the customer. */
export const orderCancelled = z.object({
  orderId,
  customer,
  reason: z.string().max(500).optional(),
});

export type OrderCancelled = z.infer<typeof orderCancelled>;
