import type { OrderPlaced } from '../events/index.js';

/**
 * Quantities per SKU, in SKU order. The same SKU on two lines is one
 * reservation; a fixed lock order keeps concurrent orders from deadlocking.
 */
export function stockLines(items: OrderPlaced['items']): Array<{ sku: string; quantity: number }> {
  const totals = new Map<string, number>();
  for (const item of items) totals.set(item.sku, (totals.get(item.sku) ?? 0) + item.quantity);
  return [...totals].sort(([a], [b]) => (a < b ? -1 : 1)).map(([sku, quantity]) => ({ sku, quantity }));
}
