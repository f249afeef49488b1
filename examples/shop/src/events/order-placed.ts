import { z } from 'zod';
import { customer, minorUnits, orderId } from './shared.js';

const lineItem = z.object({
  sku: z.string().min(1).max(64),
  quantity: z.int().min(1).max(10_000),
  unitPrice: minorUnits,
});

/**
 * `order.placed`: a customer checked out. Amounts are in minor units (cents).
 * The API checks what this schema's JSON Schema says (fields, ranges,
 * patterns); that `total` is the sum of the items is a rule across fields,
 * which JSON Schema cannot say: payment.charge refuses an order that breaks it
 * (`itemsTotal`).
 */
export const orderPlaced = z.object({
  orderId,
  customer,
  items: z.array(lineItem).min(1).max(500),
  total: minorUnits,
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'),
  payment: z.object({
    method: z.literal('card'),
    token: z.string().min(1).max(128),
  }),
});

export type OrderPlaced = z.infer<typeof orderPlaced>;

/** What an order's items add up to: quantity × unitPrice over the lines. */
export function itemsTotal(order: Pick<OrderPlaced, 'items'>): number {
  return order.items.reduce((total, item) => total + item.quantity * item.unitPrice, 0);
}
