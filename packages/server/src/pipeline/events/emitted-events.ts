import type { SqlExecutor } from '@switchyard/core/internal';
import type { OutboxEntry } from '../outbox/outbox-entry.js';
import { type AppendedRow, type EventToStore, jobsToPublish, SEQUENCED_JOBS_CTES, storedEvents, toJobRow } from './event-store.js';

// Emitted events have no idempotency key: their ids are deterministic (see
// FollowUpEmitter), so a second insert of one is the same event and is
// skipped (ON CONFLICT), with its jobs. Runs in the handler's transaction,
// through whatever driver the handlers' transactions adapter uses: values go
// in as text (one JSON document) and come back as text, so every driver
// reads the same rows.
// Jobs of handlers ordered by key are numbered as at ingest; all but each
// key's head are held (not published) until the job before them ends.
const STORE_EMITTED_SQL = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
    id uuid, ord int, type text, source text, subject text, data jsonb, priority int, deliver_at timestamptz,
    correlation_id text, causation_id uuid, jobs jsonb)
), stored_events AS (
  INSERT INTO switchyard.events (id, type, source, subject, format, data, priority, deliver_at, received_at, correlation_id, causation_id)
  SELECT id, type, source, subject, 'json', data, priority, deliver_at, now(), correlation_id, causation_id
  FROM input
  ON CONFLICT (id) DO NOTHING
  RETURNING id, received_at
), planned AS (
  SELECT i.id AS event_id, i.ord, j.*
  FROM stored_events s JOIN input i ON i.id = s.id
  CROSS JOIN LATERAL jsonb_to_recordset(i.jobs) AS j(
    id text, handler text, queue text, priority int, deliver_at timestamptz, attempts int, backoff jsonb, ordering_key text)
), ${SEQUENCED_JOBS_CTES}
SELECT s.id::text AS id, to_char(s.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS received_at, h.held_job_ids
FROM stored_events s
LEFT JOIN (SELECT event_id, array_agg(id) AS held_job_ids FROM stored_jobs WHERE held GROUP BY event_id) h ON h.event_id = s.id`;

/**
 * Writes emitted events and their outbox rows in the caller's transaction.
 * Returns the outbox entries of the events actually inserted (with their
 * time of receipt), less held jobs, to publish once that transaction has committed.
 */
export async function storeEmitted(sql: SqlExecutor, events: EventToStore[]): Promise<OutboxEntry[]> {
  if (events.length === 0) return [];
  const rows = events.map(({ eventId, incoming, jobs, correlationId, causationId }, ord) => ({
    id: eventId,
    ord,
    type: incoming.type,
    source: incoming.source,
    subject: incoming.subject,
    data: incoming.data,
    priority: incoming.priority,
    deliver_at: null,
    correlation_id: correlationId,
    causation_id: causationId,
    jobs: jobs.map(toJobRow),
  }));
  const stored = (await sql(STORE_EMITTED_SQL, [JSON.stringify(rows)])) as Array<{ id: string; received_at: string; held_job_ids: string[] | null }>;
  return jobsToPublish(events, storedEvents(stored.map((row): AppendedRow => ({ ...row, received_at: new Date(row.received_at) }))));
}
