import { Injectable } from '@nestjs/common';
import { uuidv7 } from '../ids/uuid-v7.js';
import { type OperationModel, Prisma, PrismaService, type TransactionClient } from '../../db/index.js';

/** A bulk operation to queue, with the records it covers. */
export interface NewOperation {
  kind: string;
  actor: string;
  filter: unknown;
  params: Record<string, unknown>;
  /** SELECT of `id` (uuid) and `seq` (1, 2, …): the records to act on, in order. */
  items: Prisma.Sql;
}

/** An operation this process now holds the lease of. */
export interface LeasedOperation {
  id: string;
  kind: string;
  actor: string;
  /** What the operation was created with (its kind's own params). */
  params: unknown;
}

/** An item of an operation not acted on yet. */
export interface PendingItem {
  seq: number;
  itemId: string;
}

/** What a batch did to one item: `done`, or `failed` with why. */
export interface ItemMark {
  seq: number;
  status: 'done' | 'failed';
  error: string | null;
}

/** Bulk operations and their items: every statement that reads or writes them. */
@Injectable()
export class OperationsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Stores a running operation and snapshots its items, in the caller's transaction; returns its id and how many items matched. */
  async create(tx: TransactionClient, operation: NewOperation): Promise<{ id: string; matched: number }> {
    const id = uuidv7();
    await tx.operation.create({
      data: { id, kind: operation.kind, status: 'running', actor: operation.actor, filter: operation.filter as object, params: operation.params as object, matched: 0 },
    });
    const matched = await tx.$executeRaw`
      INSERT INTO switchyard.operation_items (operation_id, seq, item_id)
      SELECT ${id}::uuid, x.seq, x.id FROM (${operation.items}) x`;
    await tx.operation.update({ where: { id }, data: { matched } });
    return { id, matched };
  }

  /** Replaces the operation's params, in the creating transaction (to add the id of its audit row, written after it). */
  async setParams(tx: TransactionClient, id: string, params: Record<string, unknown>): Promise<void> {
    await tx.operation.update({ where: { id }, data: { params: params as object } });
  }

  findById(id: string): Promise<OperationModel | null> {
    return this.prisma.operation.findUnique({ where: { id } });
  }

  /**
   * Leases the oldest running operation nobody holds (never held, or its
   * lease lapsed) to `owner` for `leaseSeconds`; null when there is none.
   */
  async claimNext(owner: string, leaseSeconds: number): Promise<LeasedOperation | null> {
    const [operation] = await this.prisma.$queryRaw<LeasedOperation[]>`
      UPDATE switchyard.operations SET lease_owner = ${owner}, lease_until = now() + make_interval(secs => ${leaseSeconds}::float8),
                            started_at = COALESCE(started_at, now())
      WHERE id = (
        SELECT id FROM switchyard.operations WHERE status = 'running' AND (lease_until IS NULL OR lease_until < now())
        ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING id::text AS id, kind, actor, params`;
    return operation ?? null;
  }

  /** The operation's next `limit` items not acted on yet, in order. */
  async pendingItems(tx: TransactionClient, operationId: string, limit: number): Promise<PendingItem[]> {
    const items = await tx.$queryRaw<Array<{ seq: number; item_id: string }>>`
      SELECT seq, item_id::text AS item_id FROM switchyard.operation_items
      WHERE operation_id = ${operationId}::uuid AND status = 'pending' ORDER BY seq LIMIT ${limit}`;
    return items.map((item) => ({ seq: item.seq, itemId: item.item_id }));
  }

  /** Marks the items a batch acted on. */
  async markItems(tx: TransactionClient, operationId: string, marks: ItemMark[]): Promise<void> {
    // Marked by seq, the primary key: no scan of the operation's other items.
    await tx.$executeRaw`
      UPDATE switchyard.operation_items i SET status = x.status, error = x.error
      FROM jsonb_to_recordset(${JSON.stringify(marks)}::jsonb) AS x(seq int, status text, error text)
      WHERE i.operation_id = ${operationId}::uuid AND i.seq = x.seq`;
  }

  /**
   * Counts a batch's items and renews the lease for `leaseSeconds`, if
   * `owner` still holds it; false when another process took it over.
   */
  async recordBatch(tx: TransactionClient, operationId: string, owner: string, counts: { done: number; failed: number }, leaseSeconds: number): Promise<boolean> {
    const renewed = await tx.$executeRaw`
      UPDATE switchyard.operations SET done = done + ${counts.done}, failed = failed + ${counts.failed},
                            lease_until = now() + make_interval(secs => ${leaseSeconds}::float8)
      WHERE id = ${operationId}::uuid AND lease_owner = ${owner}`;
    return renewed > 0;
  }

  /** Completes the operation and lets go of its lease, if `owner` holds it. */
  async complete(tx: TransactionClient, operationId: string, owner: string): Promise<void> {
    await tx.$executeRaw`
      UPDATE switchyard.operations SET status = 'completed', finished_at = now(), lease_owner = NULL, lease_until = NULL
      WHERE id = ${operationId}::uuid AND lease_owner = ${owner}`;
  }

  /** Ends the operation as failed, with why, and lets go of its lease, if `owner` holds it. */
  async fail(operationId: string, owner: string, error: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE switchyard.operations SET status = 'failed', error = ${error}, finished_at = now(), lease_owner = NULL, lease_until = NULL
      WHERE id = ${operationId}::uuid AND lease_owner = ${owner}`;
  }
}
