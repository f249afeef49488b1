import type { TransactionClient } from '../../db/index.js';

/** A job that succeeded and may have had a dead letter (it failed or stalled before, or is a redrive). */
export interface SucceededJob {
  jobId: string;
  eventId: string;
  handler: string;
}

/**
 * Marks the dead letter of a job that finally succeeded `resolved`, with a
 * trail entry, inside the caller's transaction; returns the trail rows'
 * ids (none when there was no open or retrying dead letter). The row lock
 * orders this after an operator's action on the same dead letter.
 */
export async function resolveDeadLetter(tx: TransactionClient, job: SucceededJob): Promise<bigint[]> {
  const rows = await tx.$queryRaw<Array<{ id: bigint }>>`
    WITH target AS (
      SELECT id, status FROM switchyard.dead_letters
      WHERE event_id = ${job.eventId}::uuid AND handler = ${job.handler} AND status IN ('open', 'retrying')
      FOR UPDATE
    ), resolved AS (
      UPDATE switchyard.dead_letters AS d SET status = 'resolved', updated_at = now()
      FROM target t WHERE d.id = t.id
      RETURNING t.id, t.status AS from_status
    )
    INSERT INTO switchyard.dead_letter_actions (dead_letter_id, actor, action, from_status, to_status, job_id)
    SELECT id, 'system', 'resolved', from_status, 'resolved', ${job.jobId} FROM resolved
    RETURNING id`;
  return rows.map((row) => row.id);
}
