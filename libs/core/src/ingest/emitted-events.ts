import type { TransactionClient } from '@switchyard/db';
import type { OutboxEntry } from '../outbox/outbox-entry.js';
import type { EventToStore } from './event-store.js';

// Emitted events have no idempotency key: their ids are deterministic (see
// FollowUpEmitter), so a second insert of one is the same event and is
// skipped (ON CONFLICT), with its jobs. Runs in the handler's transaction.
const STORE_EMITTED_SQL = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
    id uuid, type text, source text, subject text, data jsonb, priority int, deliver_at timestamptz,
    correlation_id text, causation_id uuid, jobs jsonb)
), stored_events AS (
  INSERT INTO events (id, type, source, subject, format, data, priority, deliver_at, received_at, correlation_id, causation_id)
  SELECT id, type, source, subject, 'json', data, priority, deliver_at, now(), correlation_id, causation_id
  FROM input
  ON CONFLICT (id) DO NOTHING
  RETURNING id, received_at
), stored_jobs AS (
  INSERT INTO jobs (id, event_id, handler, queue, priority, deliver_at, attempts, backoff, created_at)
  SELECT j.id, i.id, j.handler, j.queue, j.priority, j.deliver_at, j.attempts, j.backoff, now()
  FROM stored_events s JOIN input i ON i.id = s.id
  CROSS JOIN LATERAL jsonb_to_recordset(i.jobs) AS j(
    id text, handler text, queue text, priority int, deliver_at timestamptz, attempts int, backoff jsonb)
)
SELECT id::text AS id, received_at FROM stored_events`;

/**
 * Writes emitted events and their outbox rows in the caller's transaction.
 * Returns the outbox entries of the events actually inserted (with their
 * time of receipt), to publish once that transaction has committed.
 */
export async function storeEmitted(tx: TransactionClient, events: EventToStore[]): Promise<OutboxEntry[]> {
  if (events.length === 0) return [];
  const rows = events.map(({ eventId, incoming, jobs, correlationId, causationId }) => ({
    id: eventId,
    type: incoming.type,
    source: incoming.source,
    subject: incoming.subject,
    data: incoming.data,
    priority: incoming.priority,
    deliver_at: null,
    correlation_id: correlationId,
    causation_id: causationId,
    jobs: jobs.map((job) => ({
      id: job.jobId,
      handler: job.handler,
      queue: job.queue,
      priority: job.priority,
      deliver_at: job.deliverAt?.toISOString() ?? null,
      attempts: job.attempts,
      backoff: job.backoff,
    })),
  }));
  const stored = await tx.$queryRawUnsafe<Array<{ id: string; received_at: Date }>>(STORE_EMITTED_SQL, JSON.stringify(rows));
  const receivedAt = new Map(stored.map((row) => [row.id, row.received_at.toISOString()]));
  return events.flatMap((event) => {
    const at = receivedAt.get(event.eventId);
    return at ? event.jobs.map((job) => ({ ...job, event: { ...job.event, receivedAt: at } })) : [];
  });
}
