import type { OrderCancelled, OrderPlaced, OrderShipped } from './events/index.js';
import { randomUUID } from 'node:crypto';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** A valid `order.placed` payload: two mugs and a tee, paid with a card that succeeds. */
export function anOrder(overrides: Partial<OrderPlaced> & { token?: string } = {}): OrderPlaced {
  const { token, ...rest } = overrides;
  const items = rest.items ?? [
    { sku: 'SKU-RED-MUG', quantity: 2, unitPrice: 1250 },
    { sku: 'SKU-BLUE-TEE', quantity: 1, unitPrice: 2000 },
  ];
  return {
    orderId: `ord_${randomUUID().slice(0, 8)}`,
    customer: { id: 'cus_42', email: 'ada@example.com', name: 'Ada Lovelace' },
    currency: 'EUR',
    payment: { method: 'card', token: token ?? 'tok_visa' },
    ...rest,
    items,
    total: rest.total ?? items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0),
  };
}

/** The plain JSON envelope of an `order.placed` event, as a producer posts it. */
export function orderPlacedEvent(order: OrderPlaced = anOrder(), envelope: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'order.placed', source: 'urn:shop:checkout', data: order, ...envelope };
}

export function anOrderCancellation(orderId: string, overrides: DeepPartial<OrderCancelled> = {}): OrderCancelled {
  return { orderId, customer: { id: 'cus_42', email: 'ada@example.com' }, reason: 'changed my mind', ...overrides } as OrderCancelled;
}

export function aShipment(orderId: string, overrides: Partial<OrderShipped> = {}): OrderShipped {
  return { orderId, customer: { id: 'cus_42', email: 'ada@example.com' }, carrier: 'DHL', trackingNumber: 'JD0123456789', ...overrides };
}
