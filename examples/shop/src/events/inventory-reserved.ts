import { z } from 'zod';
import { customer, orderId } from './shared.js';

/** `inventory.reserved`: inventory.reserve took every line of the order out of available stock. */
export const inventoryReserved = z.object({
  orderId,
  customer,
  lines: z
    .array(z.object({ sku: z.string().min(1).max(64), quantity: z.int().min(1) }))
    .min(1)
    .max(500),
});

export type InventoryReserved = z.infer<typeof inventoryReserved>;
