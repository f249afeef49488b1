import type { TransactionClient } from '../../db/index.js';
import {
  discardDeadLetters,
  type LockedDeadLetter,
  lockDeadLetters,
  type RedriveJobRecord,
  redriveDeadLetters,
} from '../../foundation/repositories/dead-letters.repository.js';
import type { RoutingTable } from '../routing/routing-table.js';
import type { DeadLetterEvents } from './dead-letter-events.js';
import { releaseKeysIn } from '../ordering/key-release.js';
import type { Acting, ActionResult } from '../operations/operation-kinds.js';

/** The job id of a dead letter's n-th redrive: a double click finds the same id. */
export function redriveJobId(eventId: string, handler: string, redrive: number): string {
  return `${eventId}.${handler}.r${redrive}`;
}

/**
 * Re-enqueues dead letters on their original queues with a fresh attempt
 * budget, inside the caller's transaction: each moves to `retrying`, gains a
 * trail entry, and gets an outbox row for its redrive job. Publishing happens
 * after commit (or by the relay), so a redrive is as durable as an ingest.
 *
 * A redrive of an ordered handler's job takes the failed job's place in its
 * key (same key and sequence number): with `afterDeadLetter: 'block'` the key
 * still waits on that place, and the redrive's success moves it on. When the
 * key has already moved on (`proceed`, or a discard), the redrive runs
 * outside the key's order: its turn has passed.
 */
export async function redrive(tx: TransactionClient, routes: Pick<RoutingTable, 'get'>, ids: string[], acting: Acting): Promise<ActionResult> {
  const rows = await lockDeadLetters(tx, ids);
  const result: ActionResult = { done: [], skipped: missing(ids, rows), toPublish: [] };
  const jobs: RedriveJobRecord[] = [];
  for (const row of rows) {
    const definition = routes.get(row.handler);
    if (row.status !== 'open' && row.status !== 'discarded') {
      const jobId = row.status === 'retrying' ? redriveJobId(row.eventId, row.handler, row.redrives) : null;
      result.skipped.push({ id: row.id, reason: `is ${row.status}`, status: row.status, jobId });
      continue;
    }
    if (!definition) {
      result.skipped.push({ id: row.id, reason: `handler ${row.handler} has no route (never registered, or retired)`, status: row.status, jobId: null });
      continue;
    }
    if (!row.eventExists) {
      result.skipped.push({ id: row.id, reason: `event ${row.eventId} no longer exists`, status: row.status, jobId: null });
      continue;
    }
    const jobId = redriveJobId(row.eventId, row.handler, row.redrives + 1);
    const priority = row.eventPriority ?? definition.priority;
    jobs.push({ jobId, deadLetterId: row.id, fromStatus: row.status, eventId: row.eventId, handler: row.handler, queue: row.queue, priority, attempts: definition.attempts, backoff: definition.backoff, orderingKey: row.orderingKey, orderingSeq: row.orderingSeq });
    result.done.push({ id: row.id, jobId });
    result.toPublish.push({
      jobId,
      queue: row.queue,
      handler: row.handler,
      priority,
      deliverAt: null,
      attempts: definition.attempts,
      backoff: definition.backoff,
      event: row.payload,
      delivery: acting.operationId ? { kind: 'redrive', operationId: acting.operationId } : { kind: 'redrive' },
      orderingKey: row.orderingKey,
    });
  }
  if (jobs.length === 0) return result;
  await redriveDeadLetters(tx, jobs, acting);
  return result;
}

/**
 * Marks open dead letters `discarded` with the operator's reason, inside the
 * caller's transaction, and writes a `switchyard.job.discarded` event for
 * each (so a saga can compensate the step given up). A discarded job of an
 * ordered handler gives up its place: a key blocked on it (`afterDeadLetter:
 * 'block'`) moves on. The key's next job and the events' fan-out are
 * returned to publish.
 */
export async function discard(tx: TransactionClient, events: DeadLetterEvents, ids: string[], reason: string, acting: Acting): Promise<ActionResult> {
  const rows = await lockDeadLetters(tx, ids);
  const result: ActionResult = { done: [], skipped: missing(ids, rows), toPublish: [] };
  const eligible: string[] = [];
  for (const row of rows) {
    if (row.status === 'open') eligible.push(row.id);
    else result.skipped.push({ id: row.id, reason: `is ${row.status}`, status: row.status, jobId: null });
  }
  if (eligible.length === 0) return result;
  const trail = await discardDeadLetters(tx, eligible, reason, acting);
  result.done.push(...eligible.map((id) => ({ id, jobId: null })));
  const ordered = rows.filter((row) => eligible.includes(row.id) && row.orderingKey !== null).map((row) => row.jobId);
  result.toPublish.push(...(await releaseKeysIn(tx, ordered)));
  result.toPublish.push(...(await events.announce(tx, trail)));
  return result;
}

function missing(ids: string[], rows: LockedDeadLetter[]): ActionResult['skipped'] {
  const found = new Set(rows.map((row) => row.id));
  return ids.filter((id) => !found.has(id)).map((id) => ({ id, reason: 'does not exist', status: null, jobId: null }));
}
