import { z } from 'zod';
import { inventoryRestockCheck } from './inventory-restock-check.js';
import { orderCancelled } from './order-cancelled.js';
import { orderPlaced } from './order-placed.js';
import { orderShipped } from './order-shipped.js';
import { storeCreditGranted, storeCreditSpent } from './store-credit.js';
import { inventoryReserved } from './inventory-reserved.js';
import { orderConfirmed } from './order-confirmed.js';
import { paymentFailed, paymentSucceeded } from './payment-outcomes.js';

/**
 * The event types producers may send, each with the schema its `data` must
 * satisfy. Zod schemas implement Standard Schema, which is all the platform
 * relies on; a new type is one schema file and one line here.
 */
export const commerceEvents = {
  'order.placed': orderPlaced,
  'order.cancelled': orderCancelled,
  'order.shipped': orderShipped,
  'store-credit.granted': storeCreditGranted,
  'store-credit.spent': storeCreditSpent,
  // Follow-up events of the order saga, emitted by handlers (ctx.emit). Producers may send them too.
  'payment.succeeded': paymentSucceeded,
  'payment.failed': paymentFailed,
  'inventory.reserved': inventoryReserved,
  'order.confirmed': orderConfirmed,
  'inventory.restock-check': inventoryRestockCheck,
} as const;

export type CommerceEventType = keyof typeof commerceEvents;

/** The `data` type of an event type in the commerce catalog. */
export type CommerceEventData<T extends CommerceEventType> = z.infer<(typeof commerceEvents)[T]>;
