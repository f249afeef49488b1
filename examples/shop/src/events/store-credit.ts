import { z } from 'zod';
import { minorUnits } from './shared.js';

const change = z.object({
  customerId: z.string().min(1).max(64),
  /** Minor units (cents), more than zero. */
  amount: minorUnits.min(1),
  /** The producer's reference: a refund, a promotion, an order paid with credit. */
  reference: z.string().min(1).max(128),
});

/** `store-credit.granted`: credit added to a customer's balance. */
export const storeCreditGranted = change;
/** `store-credit.spent`: credit used; refused if it exceeds the balance at its turn. */
export const storeCreditSpent = change;

export type StoreCreditChange = z.infer<typeof change>;
