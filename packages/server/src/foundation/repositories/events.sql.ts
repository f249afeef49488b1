// The long statements of EventsRepository, with why they are as they are.
// Only events.repository.ts imports this file.
import type { BackoffPolicy } from '@switchyard/core';
import { Prisma } from '../../db/index.js';
import { escapeLike } from './like.js';

// The JSON documents the statements read with jsonb_to_recordset: their keys
// are the column lists below.

/** An outbox row of a new event, as the statements that store events read it. */
export interface NewJobRecord {
  id: string;
  handler: string;
  queue: string;
  priority: number | null;
  /** ISO 8601; null for now. */
  deliver_at: string | null;
  attempts: number;
  backoff: BackoffPolicy;
  ordering_key: string | null;
}

/** An event to append, with its outbox rows nested. */
export interface NewEventRecord {
  id: string;
  /** The order ordered jobs of one key are numbered in, within the statement. */
  ord: number;
  type: string;
  source: string;
  source_event_id: string | null;
  subject: string | null;
  format: string;
  data_content_type: string | null;
  data: unknown;
  extensions: Record<string, unknown> | null;
  time: string | null;
  priority: number | null;
  deliver_at: string | null;
  idempotency_key: string | null;
  request_hash: string;
  /** The answer a replay of its idempotency key gets. */
  response: unknown;
  correlation_id: string;
  causation_id: string | null;
  jobs: NewJobRecord[];
}

/** An event a handler emits (or a dead letter's transition announces), with its outbox rows. */
export interface EmittedEventRecord {
  id: string;
  ord: number;
  type: string;
  source: string;
  subject: string | null;
  data: unknown;
  priority: number | null;
  deliver_at: string | null;
  correlation_id: string;
  causation_id: string | null;
  jobs: NewJobRecord[];
}

/** An outbox row a replay adds (kind `replay`, its operation's id), as the insert reads it. */
export interface ReplayJobRecord {
  id: string;
  event_id: string;
  handler: string;
  queue: string;
  priority: number | null;
  attempts: number;
  backoff: BackoffPolicy;
}

/**
 * Marks the jobs whose ids are in $1 (a text[]) published. Rows already
 * marked (a worker that recorded the job's outcome marks it too) are neither
 * locked nor written. Rows another transaction holds are skipped, never
 * waited for: the only other writers of fresh job rows are workers recording
 * the job's outcome, which sets published_at itself (a job that ran was
 * published). Waiting instead let two statements lock the same rows in
 * opposite orders: deadlocks, each costing a second. NO KEY UPDATE, so a
 * worker inserting an attempt row (a key-share lock through its foreign key)
 * does not make us skip the row. If a worker's outcome write rolls back after
 * we skipped its rows, the relay republishes them after its grace period:
 * BullMQ ignores the add while it still holds the job, else the job runs
 * again — at least once, as every handler expects. Only ever run unprepared:
 * generic plans of it made while `jobs` was small walked the outbox index or
 * the whole table per id.
 */
export const MARK_PUBLISHED_SQL = `
WITH publishable AS (
  SELECT j.id FROM unnest($1::text[]) AS p(id)
  CROSS JOIN LATERAL (
    SELECT id FROM switchyard.jobs WHERE jobs.id = p.id AND published_at IS NULL FOR NO KEY UPDATE SKIP LOCKED
  ) j
)
UPDATE switchyard.jobs SET published_at = now() FROM publishable WHERE jobs.id = publishable.id`;

// Given a CTE `planned` (event_id, ord, and the job's columns), numbers the
// ordered jobs and inserts every job; `stored_jobs` returns (id, event_id,
// held). Shared by the append and by events that handlers emit.
//
// Ordered handlers' jobs get their key's next sequence numbers here, in input
// order. The upsert of `ordering_keys` locks each key's row until commit, so
// appends touching one key commit in the order they took numbers: ingest
// order per key is commit order, whatever the uuidv7 ids say (they are taken
// before the statement, and batches commit out of id order). Rows are
// upserted in (handler, key) order so two appends cannot deadlock. A job is
// the head of its key, published now, when its number is the key's
// `next_seq` (read from the locked, latest row); the others are held.
const SEQUENCED_JOBS_CTES = `
key_counts AS (
  SELECT handler, ordering_key, count(*)::bigint AS n FROM planned WHERE ordering_key IS NOT NULL GROUP BY handler, ordering_key
), sequenced AS (
  INSERT INTO switchyard.ordering_keys AS k (handler, key, last_seq)
  SELECT handler, ordering_key, n FROM key_counts ORDER BY handler, ordering_key
  ON CONFLICT (handler, key) DO UPDATE SET last_seq = k.last_seq + excluded.last_seq
  RETURNING k.handler, k.key, k.last_seq, k.next_seq
), numbered AS (
  SELECT p.id, s.last_seq - c.n + row_number() OVER (PARTITION BY p.handler, p.ordering_key ORDER BY p.ord) AS seq, s.next_seq
  FROM planned p
  JOIN key_counts c ON c.handler = p.handler AND c.ordering_key = p.ordering_key
  JOIN sequenced s ON s.handler = p.handler AND s.key = p.ordering_key
), stored_jobs AS (
  INSERT INTO switchyard.jobs (id, event_id, handler, queue, priority, deliver_at, attempts, backoff, created_at, ordering_key, ordering_seq, held)
  SELECT p.id, p.event_id, p.handler, p.queue, p.priority, p.deliver_at, p.attempts, p.backoff, now(),
         p.ordering_key, n.seq, COALESCE(n.seq <> n.next_seq, false)
  FROM planned p LEFT JOIN numbered n ON n.id = p.id
  RETURNING id, event_id, held
)`;

// One statement, so one round trip and one implicit transaction: claim the
// idempotency keys, then insert the events whose key this statement claimed
// (or that have none) and their outbox rows. A key held by an in-flight
// transaction makes ON CONFLICT wait for it, so concurrent submits with one
// key resolve to one event. An expired key is taken over.
export const APPEND_SQL = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
    id uuid, ord int, type text, source text, source_event_id text, subject text, format text,
    data_content_type text, data jsonb, extensions jsonb, "time" timestamptz,
    priority int, deliver_at timestamptz, idempotency_key text, request_hash text,
    response jsonb, jobs jsonb, correlation_id text, causation_id uuid)
), claimed AS (
  INSERT INTO switchyard.idempotency_keys AS k (key, request_hash, event_id, response, expires_at)
  SELECT idempotency_key, request_hash, id, response, now() + make_interval(hours => $2::int)
  FROM input WHERE idempotency_key IS NOT NULL
  ON CONFLICT (key) DO UPDATE
    SET request_hash = excluded.request_hash, event_id = excluded.event_id,
        response = excluded.response, created_at = now(), expires_at = excluded.expires_at
    WHERE k.expires_at <= now()
  RETURNING event_id
), accepted AS (
  SELECT * FROM input WHERE idempotency_key IS NULL OR id IN (SELECT event_id FROM claimed)
), stored_events AS (
  INSERT INTO switchyard.events (id, type, source, source_event_id, subject, format, data_content_type,
                      data, extensions, "time", priority, deliver_at, received_at, correlation_id, causation_id)
  SELECT id, type, source, source_event_id, subject, format, data_content_type,
         data, extensions, "time", priority, deliver_at, now(), correlation_id, causation_id
  FROM accepted
  RETURNING id, received_at
), planned AS (
  SELECT a.id AS event_id, a.ord, j.*
  FROM accepted a
  CROSS JOIN LATERAL jsonb_to_recordset(a.jobs) AS j(
    id text, handler text, queue text, priority int, deliver_at timestamptz, attempts int, backoff jsonb, ordering_key text)
), ${SEQUENCED_JOBS_CTES}
SELECT e.id::text AS id, e.received_at, h.held_job_ids
FROM stored_events e
LEFT JOIN (SELECT event_id, array_agg(id) AS held_job_ids FROM stored_jobs WHERE held GROUP BY event_id) h ON h.event_id = e.id`;

// Emitted events have no idempotency key: their ids are deterministic (see
// FollowUpEmitter), so a second insert of one is the same event and is
// skipped (ON CONFLICT), with its jobs. Runs in the handler's transaction,
// through whatever driver the handlers' transactions adapter uses: values go
// in as text (one JSON document) and come back as text, so every driver
// reads the same rows.
// Jobs of handlers ordered by key are numbered as at ingest; all but each
// key's head are held (not published) until the job before them ends.
export const STORE_EMITTED_SQL = `
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

/** Filters of the event search (`GET /v1/events`) and of a replay. */
export interface EventSearch {
  type?: string;
  source?: string;
  /** The producer's own id for the event (`events.source_event_id`), exact; with `source`, or across every source without it. */
  sourceId?: string;
  subject?: string;
  since?: Date;
  until?: Date;
  q?: string;
  ids?: string[];
  /** `data.user.id=usr_42` → [['user', 'id'], 'usr_42']. `lines[]` steps into arrays. */
  data: Array<[string[], string]>;
}

/**
 * The SQL condition over `events e`; data paths use containment, which the
 * GIN index serves. `q` reads the data with `redactPaths` (REDACT_PATHS as
 * the SQL function switchyard_redact takes them; null: none) masked, so it
 * cannot find a value the mask hides.
 */
export function eventCondition(search: EventSearch, redactPaths: string | null): Prisma.Sql {
  const conditions: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (search.type) conditions.push(Prisma.sql`e.type = ${search.type}`);
  if (search.source) conditions.push(Prisma.sql`e.source = ${search.source}`);
  // Served by events_source_event_id_idx (partial: events that carry a producer id).
  if (search.sourceId) conditions.push(Prisma.sql`e.source_event_id = ${search.sourceId}`);
  if (search.subject) conditions.push(Prisma.sql`e.subject = ${search.subject}`);
  if (search.since) conditions.push(Prisma.sql`e.received_at >= ${search.since}`);
  if (search.until) conditions.push(Prisma.sql`e.received_at < ${search.until}`);
  if (search.ids) conditions.push(Prisma.sql`e.id = ANY(${search.ids}::uuid[])`);
  if (search.q) {
    const text = redactPaths !== null ? Prisma.sql`switchyard.switchyard_redact(e.data, ${redactPaths}::jsonb)::text` : Prisma.sql`e.data::text`;
    conditions.push(Prisma.sql`${text} ILIKE ${`%${escapeLike(search.q)}%`}`);
  }
  for (const [path, value] of search.data) {
    // The value as text, and as the JSON number, boolean or null it may stand for.
    const alternatives = [value, ...jsonScalar(value)].map((scalar) => JSON.stringify(containment(path, scalar)));
    conditions.push(Prisma.sql`(${Prisma.join(alternatives.map((json) => Prisma.sql`e.data @> ${json}::jsonb`), ' OR ')})`);
  }
  return Prisma.join(conditions, ' AND ');
}

function containment(path: string[], value: unknown): unknown {
  return path.reduceRight<unknown>((inner, segment) => {
    if (segment.endsWith('[]')) return { [segment.slice(0, -2)]: [inner] };
    return { [segment]: inner };
  }, value);
}

function jsonScalar(text: string): unknown[] {
  if (text === 'true' || text === 'false') return [text === 'true'];
  if (text === 'null') return [null];
  if (/^-?\d+(\.\d+)?$/.test(text) && Number.isFinite(Number(text))) return [Number(text)];
  return [];
}
