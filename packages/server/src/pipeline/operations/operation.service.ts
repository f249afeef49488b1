import { Injectable } from '@nestjs/common';
import type { OperationKind, OperationState, OperationStatus } from '@switchyard/core/contracts';
import type { TransactionClient } from '../../db/index.js';
import { type NewOperation as OperationRecord, OperationsRepository } from '../../foundation/repositories/operations.repository.js';
import { isUuid } from '../../foundation/paging/cursor.js';
import { ProblemError, problems } from '../../foundation/problems/problem.js';
import { Signal } from '../../foundation/background/signal.js';

/** Wakes the operation runner when an operation is created. */
@Injectable()
export class OperationSignal extends Signal {}

/** A bulk operation to create: its kind, who asked, and the SELECT of the records it covers. */
export interface NewOperation extends OperationRecord {
  kind: OperationKind;
}

/** Creates tracked bulk operations and reports their progress. */
@Injectable()
export class OperationService {
  constructor(
    private readonly operations: OperationsRepository,
    private readonly signal: OperationSignal,
  ) {}

  /**
   * Snapshots the matching records and queues the operation, inside the
   * caller's transaction (with its audit row). The runner takes it from there.
   */
  async create(tx: TransactionClient, operation: NewOperation): Promise<{ id: string; matched: number }> {
    return this.operations.create(tx, operation);
  }

  /**
   * Replaces the params of an operation `create` just made in `tx`: its
   * audit row, written next, refers to the operation, and the operation's
   * batches find that row's id (`auditId`) in its params.
   */
  setParams(tx: TransactionClient, id: string, params: Record<string, unknown>): Promise<void> {
    return this.operations.setParams(tx, id, params);
  }

  /** Call after the creating transaction committed. */
  started(): void {
    this.signal.wake();
  }

  async get(id: string): Promise<OperationStatus> {
    const row = isUuid(id) ? await this.operations.findById(id) : null;
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
