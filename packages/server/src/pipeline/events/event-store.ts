import { Inject, Injectable } from '@nestjs/common';
import type { AcceptedEvent } from '@switchyard/core/contracts';
import { PgPool, PrismaService } from '../../db/index.js';
import type { PoolClient } from 'pg';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../../foundation/config/core-config.js';
import type { OutboxEntry } from '../outbox/outbox-entry.js';
import { MARK_PUBLISHED_CTES } from '../outbox/publish-marks.js';
import type { IncomingEvent } from './incoming-event.js';

/** An event ready to store: its id, its envelope, its fan-out and its 202 answer. */
export interface EventToStore {
  eventId: string;
  incoming: IncomingEvent;
  jobs: OutboxEntry[];
  /** The root event's id or the producer's; the emitting event's id (null for producers' events). */
  correlationId: string;
  causationId: string | null;
  response: AcceptedEvent;
}

export interface StoredKey {
  key: string;
  requestHash: string;
  eventId: string;
  response: AcceptedEvent;
}

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
export const SEQUENCED_JOBS_CTES = `
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
// key resolve to one event. An expired key is taken over. The same statement
// marks earlier flushes' jobs published ($3, see MARK_PUBLISHED_CTES).
const APPEND_SQL = `
WITH ${MARK_PUBLISHED_CTES('$3')}, input AS (
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

/** A stored event: when the database received it, and which of its jobs wait for an earlier job of their key. */
export interface StoredEvent {
  receivedAt: Date;
  heldJobIds: string[];
}

/** Writes accepted events with their outbox rows, and reads idempotency keys back. */
@Injectable()
export class EventStore {
  constructor(
    private readonly prisma: PrismaService,
    private readonly pg: PgPool,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
  ) {}

  /**
   * Stores what it can; returns the stored events by id with their time of
   * receipt and held jobs (not to publish: their key is busy). Events missing
   * from the answer found their key already taken. `publishedJobIds` (of
   * earlier appends) are marked published in the same statement.
   */
  async append(events: EventToStore[], publishedJobIds: string[] = []): Promise<Map<string, StoredEvent>> {
    if (events.length === 0) return new Map();
    const rows = toRows(events);
    const values = [JSON.stringify(rows), this.config.ingest.idempotencyTtlHours, publishedJobIds];
    // Alone, the append is prepared once per connection: planning it cost as
    // much as running it. Carrying marks, it is planned with its values: a
    // generic plan of the mark, made while \`jobs\` was small (a fresh install,
    // or the benchmark's truncated tables), scanned the whole table per id
    // once it had grown, until the next autoanalyze.
    const stored =
      publishedJobIds.length === 0
        ? await this.pg.prepared<AppendedRow>('switchyard_append_events', APPEND_SQL, values)
        : await this.pg.query<AppendedRow>(APPEND_SQL, values);
    return storedEvents(stored);
  }

  /**
   * Stores `events` inside the caller's transaction (`client` holds it open):
   * the scheduler claims a tick and stores its event in one commit. Returns
   * what `append` returns; an event whose key is taken is not stored.
   */
  async appendWithin(client: PoolClient, events: EventToStore[]): Promise<Map<string, StoredEvent>> {
    if (events.length === 0) return new Map();
    const { rows } = await client.query<AppendedRow>(APPEND_SQL, [JSON.stringify(toRows(events)), this.config.ingest.idempotencyTtlHours, []]);
    return storedEvents(rows);
  }

  async keys(keys: string[]): Promise<Map<string, StoredKey>> {
    if (keys.length === 0) return new Map();
    const rows = await this.prisma.idempotencyKey.findMany({ where: { key: { in: keys } } });
    return new Map(
      rows.map((row) => [
        row.key,
        { key: row.key, requestHash: row.requestHash, eventId: row.eventId, response: row.response as unknown as AcceptedEvent },
      ]),
    );
  }
}

/** The append statement's input: one JSON record per event, its outbox rows nested. */
function toRows(events: EventToStore[]) {
  // `ord`: the order ordered jobs of one key are numbered in, within the statement.
  return events.map(({ eventId, incoming, jobs, response, correlationId, causationId }, ord) => ({
    id: eventId,
    ord,
    type: incoming.type,
    source: incoming.source,
    source_event_id: incoming.sourceEventId,
    subject: incoming.subject,
    format: incoming.format,
    data_content_type: incoming.dataContentType,
    data: incoming.data,
    extensions: incoming.extensions,
    time: incoming.time,
    priority: incoming.priority,
    deliver_at: incoming.deliverAt,
    idempotency_key: incoming.idempotencyKey,
    request_hash: incoming.requestHash,
    response,
    correlation_id: correlationId,
    causation_id: causationId,
    jobs: jobs.map(toJobRow),
  }));
}

/** An outbox row as the statements that store events read it from their JSON input. */
export function toJobRow(job: OutboxEntry) {
  return {
    id: job.jobId,
    handler: job.handler,
    queue: job.queue,
    priority: job.priority,
    deliver_at: job.deliverAt?.toISOString() ?? null,
    attempts: job.attempts,
    backoff: job.backoff,
    ordering_key: job.orderingKey ?? null,
  };
}

export type AppendedRow = { id: string; received_at: Date; held_job_ids: string[] | null };

/**
 * The jobs to publish once the statement that stored `events` has committed:
 * those of the events it stored, less jobs held behind an earlier job of
 * their ordering key (the job before them publishes them when it ends),
 * each carrying its event's time of receipt.
 */
export function jobsToPublish(events: EventToStore[], stored: Map<string, StoredEvent>): OutboxEntry[] {
  return events.flatMap((event) => {
    const row = stored.get(event.eventId);
    if (!row) return [];
    const held = new Set(row.heldJobIds);
    const receivedAt = row.receivedAt.toISOString();
    return event.jobs.filter((job) => !held.has(job.jobId)).map((job) => ({ ...job, event: { ...job.event, receivedAt } }));
  });
}

export function storedEvents(rows: AppendedRow[]): Map<string, StoredEvent> {
  return new Map(rows.map((row) => [row.id, { receivedAt: row.received_at, heldJobIds: row.held_job_ids ?? [] }]));
}
