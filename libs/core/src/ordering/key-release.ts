import type { Prisma, TransactionClient } from '@switchyard/db';
import type { OutboxEntry } from '../outbox/outbox-entry.js';
import { type OutboxRow, toEntry } from '../outbox/outbox-relay.js';

type Queryable = Pick<TransactionClient, '$queryRaw'>;

/**
 * Locks the `ordering_keys` rows of these jobs' keys, in key order (as ingest
 * locks them, so neither waits on the other in a cycle). Run it as its own
 * statement before `releaseNext` in the same transaction: under READ
 * COMMITTED each statement reads a fresh snapshot, so once this one holds
 * the lock, `releaseNext` sees every job an append committed before us. In a
 * single statement the snapshot would predate a lock wait, and a job
 * appended (held) by the append we waited for would be missed and held
 * forever.
 */
export function lockKeys(db: Queryable, jobIds: string[]): Prisma.PrismaPromise<unknown> {
  return db.$queryRaw`
    SELECT 1 FROM ordering_keys k
    JOIN jobs j ON j.handler = k.handler AND j.ordering_key = k.key
    WHERE j.id = ANY(${jobIds}::text[])
    ORDER BY k.handler, k.key
    FOR UPDATE OF k`;
}

/**
 * The key of each finished job (completed, dead-lettered with `proceed`, or
 * its dead letter discarded) moves on to its next job, which stops being held
 * and is returned for publishing. Only the key's head can move it (the guard
 * on `next_seq`), so a job that finishes twice (a stalled re-run, a redrive
 * of a key that already proceeded) moves nothing the second time. A key with
 * no next job yet just advances: the next append finds its job at the head.
 */
export function releaseNext(db: Queryable, jobIds: string[]): Prisma.PrismaPromise<OutboxRow[]> {
  return db.$queryRaw<OutboxRow[]>`
    WITH finished AS (
      SELECT DISTINCT handler, ordering_key, ordering_seq FROM jobs
      WHERE id = ANY(${jobIds}::text[]) AND ordering_key IS NOT NULL
    ), advanced AS (
      UPDATE ordering_keys k SET next_seq = k.next_seq + 1
      FROM finished f
      WHERE k.handler = f.handler AND k.key = f.ordering_key AND k.next_seq = f.ordering_seq
      RETURNING k.handler, k.key, k.next_seq
    ), released AS (
      UPDATE jobs j SET held = false, released_at = now()
      FROM advanced a
      WHERE j.handler = a.handler AND j.ordering_key = a.key AND j.ordering_seq = a.next_seq AND j.kind = 'fanout' AND j.held
      RETURNING j.id, j.queue, j.handler, j.priority, j.deliver_at, j.attempts, j.backoff, j.kind, j.operation_id, j.event_id, j.ordering_key
    )
    SELECT r.id, r.queue, r.handler, r.priority, r.deliver_at, r.attempts, r.backoff, r.kind, r.operation_id::text AS operation_id,
           e.id::text AS event_id, e.type, e.source, e.subject, e.time, e.data, e.received_at
    FROM released r JOIN events e ON e.id = r.event_id`;
}

/** Both steps inside an interactive transaction; the entries to publish once it commits. */
export async function releaseKeysIn(tx: TransactionClient, jobIds: string[]): Promise<OutboxEntry[]> {
  if (jobIds.length === 0) return [];
  await lockKeys(tx, jobIds);
  return (await releaseNext(tx, jobIds)).map(toEntry);
}
