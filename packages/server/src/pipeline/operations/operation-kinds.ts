import { Injectable } from '@nestjs/common';
import type { OperationKind } from '@switchyard/core/contracts';
import type { TransactionClient } from '../../db/index.js';
import type { OutboxEntry } from '../outbox/outbox-entry.js';

/** Who acts, and as part of which audited action (and operation, for bulk). */
export interface Acting {
  actor: string;
  auditId: bigint;
  operationId?: string;
}

/** What acting on some records did, inside the caller's transaction. */
export interface ActionResult {
  /** Records acted on, with the job made for each (a dead letter's redrive). */
  done: Array<{ id: string; jobId: string | null }>;
  /** Records left alone, with why (its status, a handler no longer deployed). */
  skipped: Array<{ id: string; reason: string; status: string | null; jobId: string | null }>;
  /** Jobs to publish once the transaction commits. */
  toPublish: OutboxEntry[];
}

/** What an operation was created with, as its batches read it back. */
export interface OperationParams {
  ratePerSecond?: number;
  reason?: string;
  auditId?: string;
  handlers?: string[];
}

/** One batch of an operation: acts on `ids` inside the runner's transaction. */
export type OperationBatch = (tx: TransactionClient, ids: string[], acting: Acting, params: OperationParams) => Promise<ActionResult>;

/**
 * What a batch of each kind of bulk operation does. The services that create
 * operations of a kind (dead-letter triage, event replay) define its batch
 * when their module starts, and the runner looks it up: the runner knows no
 * kind, so the features depend on it and never the reverse.
 */
@Injectable()
export class OperationKinds {
  private readonly batches = new Map<string, OperationBatch>();

  define(kind: OperationKind, batch: OperationBatch): void {
    this.batches.set(kind, batch);
  }

  /** The batch of `kind`; throws for a kind this process does not define. */
  batchOf(kind: string): OperationBatch {
    const batch = this.batches.get(kind);
    if (!batch) throw new Error(`Unknown operation kind ${kind}`);
    return batch;
  }
}
