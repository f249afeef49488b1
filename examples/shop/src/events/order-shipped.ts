import { z } from 'zod';
import { customer, orderId } from './shared.js';

/** `order.shipped`: the parcel left the warehouse. */
export const orderShipped = z.object({
  orderId,
  customer,
  carrier: z.string().min(1).max(64),
  trackingNumber: z.string().min(1).max(128),
});

export type OrderShipped = z.infer<typeof orderShipped>;
