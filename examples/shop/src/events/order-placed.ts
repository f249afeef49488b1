import { z } from 'zod';
import { customer, minorUnits, orderId } from './shared.js';

const lineItem = z.object({
  sku: z.string().min(1).max(64),
  quantity: z.int().min(1).max(10_000),
  unitPrice: minorUnits,
});

/** `order.placed`: a customer checked out. Amounts are in minor units (cents). */
export const orderPlaced = z
  .object({
    orderId,
    customer,
    items: z.array(lineItem).min(1).max(500),
    total: minorUnits,
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'),
    payment: z.object({
      method: z.literal('card'),
      token: z.string().min(1).max(128),
    }),
  })
  .superRefine((order, ctx) => {
    const sum = order.items.reduce((total, item) => total + item.quantity * item.unitPrice, 0);
    if (sum !== order.total) {
      ctx.addIssue({
        code: 'custom',
        path: ['total'],
        message: `must equal the sum of quantity × unitPrice over items (${sum})`,
      });
    }
  });

export type OrderPlaced = z.infer<typeof orderPlaced>;
