import { Injectable } from '@nestjs/common';
import type { OperationKind, OperationState, OperationStatus } from '@switchyard/core/contracts';
import { Prisma, PrismaService, type TransactionClient } from '../../db/index.js';
import { v7 as uuidv7 } from 'uuid';
import { isUuid } from '../../foundation/paging/cursor.js';
import { ProblemError, problems } from '../../foundation/problems/problem.js';
import { Signal } from '../../foundation/background/signal.js';

/** Wakes the operation runner when an operation is created. */
@Injectable()
export class OperationSignal extends Signal {}

export interface NewOperation {
  kind: OperationKind;
  actor: string;
  filter: unknown;
  params: Record<string, unknown>;
  /** SELECT of `id` (uuid) and `seq` (1, 2, …): the records to act on, in order. */
  items: Prisma.Sql;
}

/** Creates tracked bulk operations and reports their progress. */
@Injectable()
export class OperationService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly signal: OperationSignal,
  ) {}

  /**
   * Snapshots the matching records and queues the operation, inside the
   * caller's transaction (with its audit row). The runner takes it from there.
   */
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

  /** Call after the creating transaction committed. */
  started(): void {
    this.signal.wake();
  }

  async get(id: string): Promise<OperationStatus> {
    const row = isUuid(id) ? await this.prisma.operation.findUnique({ where: { id } }) : null;
    if (!row) throw new ProblemError(problems.notFound(`No operation with id ${JSON.stringify(id)}`));
    return {
      id: row.id,
      kind: row.kind as OperationKind,
      status: row.status as OperationState,
      actor: row.actor,
      filter: row.filter,
      params: row.params,
      matched: row.matched,
      done: row.done,
      failed: row.failed,
      createdAt: row.createdAt.toISOString(),
      startedAt: row.startedAt?.toISOString() ?? null,
      finishedAt: row.finishedAt?.toISOString() ?? null,
      error: row.error,
    };
  }
}
