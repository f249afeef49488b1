import { Injectable } from '@nestjs/common';
import type { TransactionClient } from '../../db/index.js';

/** One operator action, as the audit trail records it. */
export interface AuditEntry {
  actor: string;
  /** What was done: `dead-letter.retry`, `queue.pause`, `events.replay`, … */
  action: string;
  /** What it was done to: `dead-letter:<id>`, `queue:<name>`, `operation:<id>`. */
  target: string;
  filter?: unknown;
  count?: number;
  detail?: unknown;
  operationId?: string;
}

/**
 * The audit trail: rows only ever appended, each inside the transaction of
 * the action it records (so every statement takes that transaction). Key and
 * console-user changes write theirs in the same statement as the change
 * (AccessRepository), since the CLI runs them without a transaction.
 */
@Injectable()
export class AuditRepository {
  /** Appends the row of an action; returns its id (dead-letter actions and operations refer to it). */
  async record(tx: TransactionClient, entry: AuditEntry): Promise<bigint> {
    const row = await tx.auditLog.create({
      data: {
        actor: entry.actor,
        action: entry.action,
        target: entry.target,
        filter: entry.filter === undefined ? undefined : (entry.filter as object),
        count: entry.count ?? 1,
        detail: entry.detail === undefined ? undefined : (entry.detail as object),
        operationId: entry.operationId,
      },
      select: { id: true },
    });
    return row.id;
  }
}
