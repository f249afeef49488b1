import { z } from 'zod';

export const orderId = z.string().min(1).max(64);

/** An amount in minor units (cents): integers only, so no rounding can creep in. */
export const minorUnits = z.int().min(0).max(100_000_000_000);

export const customer = z.object({
  id: z.string().min(1).max(64),
  email: z.email(),
  name: z.string().min(1).max(200).optional(),
});
