import { z } from 'zod';

/**
 * `inventory.restock-check`: look for SKUs running low. Emitted by the nightly
 * schedule declared on RestockCheckHandler (libs/commerce); the event's `time`
 * is the schedule's tick.
 */
export const inventoryRestockCheck = z.object({
  /** SKUs with fewer than this many available need restocking. */
  threshold: z.int().min(1).max(1_000_000),
});

export type InventoryRestockCheck = z.infer<typeof inventoryRestockCheck>;
