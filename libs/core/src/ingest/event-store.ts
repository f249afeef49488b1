import { Inject, Injectable } from '@nestjs/common';
import type { AcceptedEvent } from '@switchyard/contracts';
import { PgPool, PrismaService } from '@switchyard/db';
import type { PoolClient } from 'pg';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../config/core-config.js';
import type { OutboxEntry } from '../outbox/outbox-entry.js';
import { MARK_PUBLISHED_CTES } from '../outbox/publish-marks.js';
import type { IncomingEvent } from './envelope.js';

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

// One statement, so one round trip and one implicit transaction: claim the
// idempotency keys, then insert the events whose key this statement claimed
// (or that have none) and their outbox rows. A key held by an in-flight
// transaction makes ON CONFLICT wait for it, so concurrent submits with one
// key resolve to one event. An expired key is taken over. The same statement
// marks earlier flushes' jobs published ($3, see MARK_PUBLISHED_CTES).
const APPEND_SQL = `
WITH ${MARK_PUBLISHED_CTES('$3')}, input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
    id uuid, type text, source text, source_event_id text, subject text, format text,
    data_content_type text, data jsonb, extensions jsonb, "time" timestamptz,
    priority int, deliver_at timestamptz, idempotency_key text, request_hash text,
    response jsonb, jobs jsonb, correlation_id text, causation_id uuid)
), claimed AS (
  INSERT INTO idempotency_keys AS k (key, request_hash, event_id, response, expires_at)
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
  INSERT INTO events (id, type, source, source_event_id, subject, format, data_content_type,
                      data, extensions, "time", priority, deliver_at, received_at, correlation_id, causation_id)
  SELECT id, type, source, source_event_id, subject, format, data_content_type,
         data, extensions, "time", priority, deliver_at, now(), correlation_id, causation_id
  FROM accepted
  RETURNING id, received_at
), stored_jobs AS (
  INSERT INTO jobs (id, event_id, handler, queue, priority, deliver_at, attempts, backoff, created_at)
  SELECT j.id, a.id, j.handler, j.queue, j.priority, j.deliver_at, j.attempts, j.backoff, now()
  FROM accepted a
  CROSS JOIN LATERAL jsonb_to_recordset(a.jobs) AS j(
    id text, handler text, queue text, priority int, deliver_at timestamptz, attempts int, backoff jsonb)
)
SELECT id::text AS id, received_at FROM stored_events`;

/** Writes accepted events with their outbox rows, and reads idempotency keys back. */
@Injectable()
export class EventStore {
  constructor(
    private readonly prisma: PrismaService,
    private readonly pg: PgPool,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
  ) {}

  /**
   * Stores what it can; returns the stored events' ids with their time of
   * receipt. Events missing from the answer found their key already taken.
   * `publishedJobIds` (of earlier appends) are marked published in the same
   * statement.
   */
  async append(events: EventToStore[], publishedJobIds: string[] = []): Promise<Map<string, Date>> {
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
        ? await this.pg.prepared<{ id: string; received_at: Date }>('switchyard_append_events', APPEND_SQL, values)
        : await this.pg.query<{ id: string; received_at: Date }>(APPEND_SQL, values);
    return new Map(stored.map((row) => [row.id, row.received_at]));
  }

  /**
   * Stores `events` inside the caller's transaction (`client` holds it open):
   * the scheduler claims a tick and stores its event in one commit. Returns
   * what `append` returns; an event whose key is taken is not stored.
   */
  async appendWithin(client: PoolClient, events: EventToStore[]): Promise<Map<string, Date>> {
    if (events.length === 0) return new Map();
    const { rows } = await client.query<{ id: string; received_at: Date }>(APPEND_SQL, [JSON.stringify(toRows(events)), this.config.ingest.idempotencyTtlHours, []]);
    return new Map(rows.map((row) => [row.id, row.received_at]));
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
  return events.map(({ eventId, incoming, jobs, response, correlationId, causationId }) => ({
    id: eventId,
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
}
