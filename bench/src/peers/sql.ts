// Every statement the peers run on Postgres, in one place: the events tables
// they own (schema `peers`), what their APIs write per request, and what the
// harness reads and empties between steps. graphile-worker keeps its tables
// in `graphile_worker` and pg-boss in `pgboss`, both in the benchmark's
// database, beside Switchyard's `switchyard` (which truncateAll empties; it
// leaves these schemas alone).

export const GRAPHILE_SCHEMA = 'graphile_worker';
export const PG_BOSS_SCHEMA = 'pgboss';

/**
 * A durable peer's events table, what a team would write: one row per event,
 * the Idempotency-Key unique (NULLs allowed: requests without a key), no
 * other index. Switchyard's `events` has seven more, for the console's
 * searches; a peer's team would add theirs as they need them.
 */
function eventsTable(table: string): string {
  return `CREATE SCHEMA IF NOT EXISTS peers;
CREATE TABLE IF NOT EXISTS peers.${table} (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  idempotency_key text UNIQUE,
  type text NOT NULL,
  source text NOT NULL,
  subject text,
  data jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
)`;
}

export const GRAPHILE_EVENTS_TABLE_SQL = eventsTable('graphile_events');
export const PG_BOSS_EVENTS_TABLE_SQL = eventsTable('pg_boss_events');

/**
 * graphile-worker's ingest, one statement (one round trip, one implicit
 * transaction): store the event unless its key is taken, and only for a
 * stored row add one job per task ($5, text[]) through
 * `graphile_worker.add_jobs`, each carrying the whole event, 3 attempts (as
 * Switchyard's jobs; graphile-worker's backoff is exponential). The lateral
 * call depends on the stored row, so a duplicate key adds no job. Answers one
 * row per job added: none for a duplicate.
 * $1 idempotency key, $2 type, $3 source, $4 subject, $5 tasks, $6 data (JSON).
 */
export const GRAPHILE_INGEST_SQL = `
WITH stored AS (
  INSERT INTO peers.graphile_events (idempotency_key, type, source, subject, data)
  VALUES ($1, $2, $3, $4, $6::jsonb)
  ON CONFLICT (idempotency_key) DO NOTHING
  RETURNING id, type, source, subject, data, received_at
), queued AS (
  SELECT id, json_build_object('event', json_build_object(
    'id', id, 'type', type, 'source', source, 'subject', subject, 'data', data, 'receivedAt', received_at)) AS payload
  FROM stored
)
SELECT q.id::text AS event_id, job.id AS job_id
FROM queued q
CROSS JOIN LATERAL ${GRAPHILE_SCHEMA}.add_jobs(ARRAY(
  SELECT ROW(task, q.payload, NULL, NULL, 3, NULL, NULL, NULL)::${GRAPHILE_SCHEMA}.job_spec FROM unnest($5::text[]) AS task
)) AS job`;

/**
 * pg-boss's ingest, first statement of its transaction: store the event
 * unless its key is taken; answers the row (none for a duplicate), whose
 * jobs the API then inserts through pg-boss in the same transaction.
 * $1 idempotency key, $2 type, $3 source, $4 subject, $5 data (JSON).
 */
export const PG_BOSS_EVENT_SQL = `
INSERT INTO peers.pg_boss_events (idempotency_key, type, source, subject, data)
VALUES ($1, $2, $3, $4, $5::jsonb)
ON CONFLICT (idempotency_key) DO NOTHING
RETURNING id::text, type, source, subject, data, received_at`;

/** What the harness reads and empties for a durable peer. */
export interface PeerTables {
  /** Events stored. */
  events: string;
  /** Jobs stored, in any state. */
  jobs: string;
  /** Jobs not finished: waiting, retrying or running. */
  unfinished: string;
  /** Empties the peer's events and jobs (the schema, its tasks and queues stay). */
  reset: string;
}

export const GRAPHILE_TABLES: PeerTables = {
  events: 'SELECT count(*)::int AS n FROM peers.graphile_events',
  jobs: `SELECT count(*)::int AS n FROM ${GRAPHILE_SCHEMA}._private_jobs`,
  // graphile-worker deletes a job once it succeeds; failed ones stay, but no-op handlers do not fail.
  unfinished: `SELECT count(*)::int AS n FROM ${GRAPHILE_SCHEMA}._private_jobs`,
  // There is no "remove every job" function; the table is graphile-worker's
  // private one, emptied here only between benchmark steps, with no worker running.
  reset: `TRUNCATE peers.graphile_events, ${GRAPHILE_SCHEMA}._private_jobs`,
};

export const PG_BOSS_TABLES: PeerTables = {
  events: 'SELECT count(*)::int AS n FROM peers.pg_boss_events',
  jobs: `SELECT count(*)::int AS n FROM ${PG_BOSS_SCHEMA}.job`,
  unfinished: `SELECT count(*)::int AS n FROM ${PG_BOSS_SCHEMA}.job WHERE state < 'completed'`,
  // The statement of pg-boss's clearStorage() (plans.clearStorage), plus our events.
  reset: `TRUNCATE peers.pg_boss_events, ${PG_BOSS_SCHEMA}.job, ${PG_BOSS_SCHEMA}.archive`,
};
