import type { TransactionClient } from '../../db/index.js';
import type { HandlerRegistry } from '../handlers/handler-registry.js';
import type { DeadLetterEvents } from './dead-letter-events.js';
import type { DomainEvent } from '@switchyard/core/internal';
import { releaseKeysIn } from '../ordering/key-release.js';
import type { Acting, ActionResult } from '../operations/operation-kinds.js';

interface LockedRow {
  id: string;
  status: string;
  event_id: string;
  handler: string;
  queue: string;
  payload: DomainEvent;
  redrives: number;
  event_priority: number | null;
  event_exists: boolean;
  job_id: string;
  /** The failed job's place in its ordering key; null for unordered handlers. */
  ordering_key: string | null;
  ordering_seq: bigint | null;
}

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
export async function redrive(tx: TransactionClient, registry: HandlerRegistry, ids: string[], acting: Acting): Promise<ActionResult> {
  const rows = await lock(tx, ids);
  const result: ActionResult = { done: [], skipped: missing(ids, rows), toPublish: [] };
  const jobs: Array<Record<string, unknown>> = [];
  for (const row of rows) {
    const definition = registry.get(row.handler)?.definition;
    if (row.status !== 'open' && row.status !== 'discarded') {
      const jobId = row.status === 'retrying' ? redriveJobId(row.event_id, row.handler, row.redrives) : null;
      result.skipped.push({ id: row.id, reason: `is ${row.status}`, status: row.status, jobId });
      continue;
    }
    if (!definition) {
      result.skipped.push({ id: row.id, reason: `handler ${row.handler} is not deployed`, status: row.status, jobId: null });
      continue;
    }
    if (!row.event_exists) {
      result.skipped.push({ id: row.id, reason: `event ${row.event_id} no longer exists`, status: row.status, jobId: null });
      continue;
    }
    const jobId = redriveJobId(row.event_id, row.handler, row.redrives + 1);
    const priority = row.event_priority ?? definition.priority;
    jobs.push({ id: jobId, event_id: row.event_id, handler: row.handler, queue: row.queue, priority, attempts: definition.attempts, backoff: definition.backoff, from_status: row.status, dead_letter_id: row.id, ordering_key: row.ordering_key, ordering_seq: row.ordering_seq?.toString() ?? null });
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
      orderingKey: row.ordering_key,
    });
  }
  if (jobs.length === 0) return result;
  const rowsJson = JSON.stringify(jobs);
  await tx.$executeRaw`
    UPDATE switchyard.dead_letters d SET status = 'retrying', redrives = d.redrives + 1, discard_reason = NULL, updated_at = now()
    FROM jsonb_to_recordset(${rowsJson}::jsonb) AS x(dead_letter_id uuid) WHERE d.id = x.dead_letter_id`;
  await tx.$executeRaw`
    INSERT INTO switchyard.jobs (id, event_id, handler, queue, priority, attempts, backoff, created_at, kind, operation_id, ordering_key, ordering_seq)
    SELECT x.id, x.event_id, x.handler, x.queue, x.priority, x.attempts, x.backoff, now(), 'redrive', ${acting.operationId ?? null}::uuid,
           x.ordering_key, x.ordering_seq
    FROM jsonb_to_recordset(${rowsJson}::jsonb)
      AS x(id text, event_id uuid, handler text, queue text, priority int, attempts int, backoff jsonb, ordering_key text, ordering_seq bigint)`;
  await tx.$executeRaw`
    INSERT INTO switchyard.dead_letter_actions (dead_letter_id, audit_id, actor, action, from_status, to_status, job_id)
    SELECT x.dead_letter_id, ${acting.auditId}, ${acting.actor}, 'retry', x.from_status, 'retrying', x.id
    FROM jsonb_to_recordset(${rowsJson}::jsonb) AS x(dead_letter_id uuid, from_status text, id text)`;
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
  const rows = await lock(tx, ids);
  const result: ActionResult = { done: [], skipped: missing(ids, rows), toPublish: [] };
  const eligible: string[] = [];
  for (const row of rows) {
    if (row.status === 'open') eligible.push(row.id);
    else result.skipped.push({ id: row.id, reason: `is ${row.status}`, status: row.status, jobId: null });
  }
  if (eligible.length === 0) return result;
  const trail = await tx.$queryRaw<Array<{ id: bigint }>>`
    WITH discarded AS (
      UPDATE switchyard.dead_letters SET status = 'discarded', discard_reason = ${reason}, updated_at = now()
      WHERE id = ANY(${eligible}::uuid[]) RETURNING id
    )
    INSERT INTO switchyard.dead_letter_actions (dead_letter_id, audit_id, actor, action, from_status, to_status, reason)
    SELECT id, ${acting.auditId}, ${acting.actor}, 'discard', 'open', 'discarded', ${reason} FROM discarded
    RETURNING id`;
  result.done.push(...eligible.map((id) => ({ id, jobId: null })));
  const ordered = rows.filter((row) => eligible.includes(row.id) && row.ordering_key !== null).map((row) => row.job_id);
  result.toPublish.push(...(await releaseKeysIn(tx, ordered)));
  result.toPublish.push(...(await events.announce(tx, trail.map((row) => row.id))));
  return result;
}

async function lock(tx: TransactionClient, ids: string[]): Promise<LockedRow[]> {
  if (ids.length === 0) return [];
  // Row locks serialise concurrent actions on one dead letter: a double click
  // waits for the first click to commit, then finds it `retrying`. The data
  // comes from the event: the dead letter's payload has REDACT_PATHS masked,
  // and the event keeps them whole while it has a dead letter not resolved.
  return tx.$queryRaw<LockedRow[]>`
    SELECT d.id::text AS id, d.status, d.event_id::text AS event_id, d.handler, d.queue,
           CASE WHEN e.id IS NULL THEN d.payload ELSE jsonb_set(d.payload, '{data}', e.data) END AS payload, d.redrives, e.priority AS event_priority,
           e.id IS NOT NULL AS event_exists, d.job_id, j.ordering_key, j.ordering_seq
    FROM switchyard.dead_letters d LEFT JOIN switchyard.events e ON e.id = d.event_id LEFT JOIN switchyard.jobs j ON j.id = d.job_id
    WHERE d.id = ANY(${ids}::uuid[])
    ORDER BY d.id
    FOR UPDATE OF d`;
}

function missing(ids: string[], rows: LockedRow[]): ActionResult['skipped'] {
  const found = new Set(rows.map((row) => row.id));
  return ids.filter((id) => !found.has(id)).map((id) => ({ id, reason: 'does not exist', status: null, jobId: null }));
}
