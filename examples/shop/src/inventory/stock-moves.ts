import type { ShopTransaction } from '../shop-database.js';

export type StockLine = { sku: string; quantity: number };

/**
 * Takes every line out of available stock and records the order's
 * reservation, all or nothing: returns why not (an unknown SKU, too little
 * stock) without touching anything, or null once taken. Rows are locked in
 * SKU order (`stockLines` sorts them), so concurrent orders cannot deadlock.
 * A reservation released earlier (its charge dead-lettered) is taken again.
 */
export async function reserveStock(tx: ShopTransaction, orderId: string, lines: StockLine[]): Promise<string | null> {
  const skus = lines.map((line) => line.sku);
  const items = await tx.$queryRaw<Array<{ sku: string; available: number }>>`
    SELECT sku, available FROM shop.stock_items WHERE sku = ANY(${skus}::text[]) ORDER BY sku FOR UPDATE`;
  const available = new Map(items.map((item) => [item.sku, item.available]));
  for (const { sku, quantity } of lines) {
    const left = available.get(sku);
    if (left === undefined) return `Unknown SKU ${sku}`;
    if (left < quantity) return `Not enough stock of ${sku}: ${quantity} ordered, ${left} available`;
  }
  const json = JSON.stringify(lines);
  await tx.$executeRaw`
    UPDATE shop.stock_items s SET available = s.available - x.quantity, reserved = s.reserved + x.quantity, updated_at = now()
    FROM jsonb_to_recordset(${json}::jsonb) AS x(sku text, quantity int) WHERE s.sku = x.sku`;
  await tx.$executeRaw`
    INSERT INTO shop.stock_reservations (order_id, sku, quantity, status)
    SELECT ${orderId}, x.sku, x.quantity, 'reserved' FROM jsonb_to_recordset(${json}::jsonb) AS x(sku text, quantity int)
    ON CONFLICT (order_id, sku) DO UPDATE SET quantity = excluded.quantity, status = 'reserved', released_at = NULL, created_at = now()`;
  return null;
}

/** Gives the order's reserved stock back; returns how many lines it released (0 when none were reserved). */
export async function releaseStock(tx: ShopTransaction, orderId: string): Promise<number> {
  const reservations = await tx.$queryRaw<StockLine[]>`
    SELECT sku, quantity FROM shop.stock_reservations WHERE order_id = ${orderId} AND status = 'reserved' ORDER BY sku`;
  // One row at a time in SKU order: the lock order reserveStock uses.
  for (const { sku, quantity } of reservations) {
    await tx.$executeRaw`
      UPDATE shop.stock_items SET available = available + ${quantity}, reserved = reserved - ${quantity}, updated_at = now() WHERE sku = ${sku}`;
  }
  await tx.$executeRaw`
    UPDATE shop.stock_reservations SET status = 'released', released_at = now() WHERE order_id = ${orderId} AND status = 'reserved'`;
  return reservations.length;
}
