import type { ShopTransaction } from '../shop-database.js';

export interface OrderProgressRow {
  order_id: string;
  paid_at: Date | null;
  payment_failed_at: Date | null;
  reserved_at: Date | null;
  released_at: Date | null;
  confirmed_at: Date | null;
  cancelled_at: Date | null;
  charge_dead_at: Date | null;
  amount: number | null;
  currency: string | null;
  item_count: number | null;
}

/**
 * The order's saga row, created if missing and locked until `tx` ends. Every
 * saga handler takes this lock first (then stock rows, if any), so handlers
 * of one order run their check-and-act one at a time, in one lock order, on
 * however many workers.
 */
export async function lockOrderProgress(tx: ShopTransaction, orderId: string): Promise<OrderProgressRow> {
  // ON CONFLICT DO UPDATE locks the existing row; two first inserts at once
  // serialise on the primary key, the second then updating (and locking) it.
  const [row] = await tx.$queryRaw<OrderProgressRow[]>`
    INSERT INTO shop.order_progress (order_id) VALUES (${orderId})
    ON CONFLICT (order_id) DO UPDATE SET updated_at = now()
    RETURNING order_id, paid_at, payment_failed_at, reserved_at, released_at, confirmed_at, cancelled_at, charge_dead_at, amount, currency, item_count`;
  return row;
}

/**
 * Under the order's lock: whether a switchyard.job.* event about the order's
 * charge is newer than the last one applied, recording it if so. The events
 * of one dead letter may be handled out of order (different handlers,
 * queues, retries); only the latest transition may act, so a late
 * `dead_lettered` cannot release stock that a later `resolved` re-reserved.
 */
export async function takeChargeTransition(tx: ShopTransaction, orderId: string, sequence: number): Promise<boolean> {
  const taken = await tx.$executeRaw`
    UPDATE shop.order_progress SET charge_transition_seq = ${sequence}, updated_at = now()
    WHERE order_id = ${orderId} AND (charge_transition_seq IS NULL OR charge_transition_seq < ${sequence})`;
  return taken === 1;
}
