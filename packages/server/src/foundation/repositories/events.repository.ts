import { Injectable } from '@nestjs/common';
import type { BackoffPolicy, SqlExecutor } from '@switchyard/core';
import type { PoolClient } from 'pg';
import { type EventModel, type IdempotencyKeyModel, type JobModel, PgPool, Prisma, PrismaService, ReadPrismaService, type TransactionClient } from '../../db/index.js';
import {
  APPEND_SQL,
  type EmittedEventRecord,
  eventCondition,
  type EventSearch,
  MARK_PUBLISHED_SQL,
  type NewEventRecord,
  type ReplayJobRecord,
  STORE_EMITTED_SQL,
} from './events.sql.js';

export type { EmittedEventRecord, EventSearch, NewEventRecord, NewJobRecord, ReplayJobRecord } from './events.sql.js';

// Rows of the hot path (ingest's append, handlers' emits, the relay, a
// released ordering key) keep the statements' column names: the pipeline
// maps each straight into its own objects, and a second mapping here would
// cost an object per event or job for nothing. The same goes for the JSON
// documents the statements read with jsonb_to_recordset (NewEventRecord and
// the like, in events.sql.ts beside the column lists they must match).

/** A stored event: when the database received it, and its jobs held behind an earlier job of their key. */
export interface AppendedEventRow {
  id: string;
  received_at: Date;
  held_job_ids: string[] | null;
}

/** What STORE_EMITTED_SQL answers: the time as text, so every handlers' driver reads the same. */
export type EmittedEventRow = {
  id: string;
  received_at: string;
  held_job_ids: string[] | null;
};

/** An outbox row joined with its event, as the relay and a released ordering key read it. */
export interface OutboxJobRow {
  id: string;
  queue: string;
  handler: string;
  priority: number | null;
  deliver_at: Date | null;
  attempts: number;
  backoff: BackoffPolicy;
  event_id: string;
  type: string;
  source: string;
  subject: string | null;
  time: Date | null;
  data: unknown;
  received_at: Date;
  correlation_id: string | null;
  causation_id: string | null;
  kind: 'fanout' | 'redrive' | 'replay';
  operation_id: string | null;
  ordering_key: string | null;
}

/** One line of the event search's page. */
export interface EventSummary {
  id: string;
  type: string;
  source: string;
  sourceEventId: string | null;
  subject: string | null;
  receivedAt: Date;
  jobCount: number;
}

/** A stored event as a replay delivers it again. */
export interface ReplayableEvent {
  id: string;
  type: string;
  source: string;
  subject: string | null;
  time: Date | null;
  data: unknown;
  extensions: Record<string, unknown> | null;
  receivedAt: Date;
  priority: number | null;
  correlationId: string | null;
  causationId: string | null;
}

/** A client that can run tagged SQL: PrismaService, or an interactive transaction's client. */
export type Queryable = Pick<TransactionClient, '$queryRaw'>;

/** Events and their outbox rows (jobs, ordering keys, idempotency keys): every statement that reads or writes them. */
@Injectable()
export class EventsRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly read: ReadPrismaService,
    private readonly pg: PgPool,
  ) {}

  /**
   * Stores what it can of `events` in one statement; answers the stored
   * ones. An event missing from the answer found its idempotency key taken.
   * Idempotency keys claimed now expire after `idempotencyTtlHours`.
   * Prepared once per connection: planning it costs as much as running it.
   */
  appendEvents(events: NewEventRecord[], idempotencyTtlHours: number): Promise<AppendedEventRow[]> {
    return this.pg.prepared<AppendedEventRow>('switchyard_append_events', APPEND_SQL, [JSON.stringify(events), idempotencyTtlHours]);
  }

  /** `appendEvents` inside the transaction `client` holds open. */
  async appendEventsWithin(client: PoolClient, events: NewEventRecord[], idempotencyTtlHours: number): Promise<AppendedEventRow[]> {
    const { rows } = await client.query<AppendedEventRow>(APPEND_SQL, [JSON.stringify(events), idempotencyTtlHours]);
    return rows;
  }

  idempotencyKeys(keys: string[]): Promise<IdempotencyKeyModel[]> {
    return this.prisma.idempotencyKey.findMany({ where: { key: { in: keys } } });
  }

  /** Deletes up to `limit` idempotency keys past their expiry; answers how many. */
  deleteExpiredIdempotencyKeys(limit: number): Prisma.PrismaPromise<number> {
    return this.prisma.$executeRaw`
          DELETE FROM switchyard.idempotency_keys WHERE key IN (
            SELECT key FROM switchyard.idempotency_keys WHERE expires_at < now() LIMIT ${limit})`;
  }

  /** Marks the jobs published, in a statement of its own; skips rows already marked and rows another transaction holds. */
  async markPublished(jobIds: string[]): Promise<void> {
    // Not prepared on purpose: a generic plan for this statement, made while the
    // outbox was small, walked the whole outbox index for every batch later on.
    await this.pg.query(MARK_PUBLISHED_SQL, [jobIds]);
  }

  /**
   * Locks up to `limit` outbox rows nobody published, oldest first, skipping
   * rows another transaction holds: rows not held for their ordering key,
   * written (and released by their key) at least `graceSeconds` ago.
   */
  lockUnpublished(tx: TransactionClient, graceSeconds: number, limit: number): Prisma.PrismaPromise<OutboxJobRow[]> {
    return tx.$queryRaw<OutboxJobRow[]>`
          SELECT j.id, j.queue, j.handler, j.priority, j.deliver_at, j.attempts, j.backoff, j.kind, j.operation_id::text AS operation_id, j.ordering_key,
                 e.id::text AS event_id, e.type, e.source, e.subject, e.time, e.data, e.received_at,
                 e.correlation_id, e.causation_id::text AS causation_id
          FROM switchyard.jobs j JOIN switchyard.events e ON e.id = j.event_id
          WHERE j.published_at IS NULL AND NOT j.held
            AND j.created_at <= now() - make_interval(secs => ${graceSeconds}::float8)
            AND (j.released_at IS NULL OR j.released_at <= now() - make_interval(secs => ${graceSeconds}::float8))
          ORDER BY j.created_at, j.id
          LIMIT ${limit}
          FOR UPDATE OF j SKIP LOCKED`;
  }

  /** Marks published the rows `tx` locked with `lockUnpublished`. */
  markLockedPublished(tx: TransactionClient, jobIds: string[]): Prisma.PrismaPromise<number> {
    return tx.$executeRaw`UPDATE switchyard.jobs SET published_at = now() WHERE id = ANY(${jobIds}::text[])`;
  }

  /** Jobs committed and not yet handed to BullMQ. */
  async countUnpublished(): Promise<number> {
    const [row] = await this.prisma.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM switchyard.jobs WHERE published_at IS NULL`;
    return row.n;
  }

  /** Locks the events (in id order, so two callers never deadlock); for a batch transaction. */
  lockEvents(eventIds: string[]): Prisma.PrismaPromise<unknown> {
    return this.prisma.$queryRaw`SELECT 1 FROM switchyard.events WHERE id = ANY(${eventIds}::uuid[]) ORDER BY id FOR UPDATE`;
  }

  /**
   * Masks `redactPaths` (REDACT_PATHS as switchyard_redact takes them) in the
   * data of those of the events that are finished: every job has an outcome
   * and no dead letter is unresolved. For a batch transaction.
   */
  redactFinished(eventIds: string[], redactPaths: string): Prisma.PrismaPromise<number> {
    return this.prisma.$executeRaw`
      UPDATE switchyard.events e SET data = switchyard.switchyard_redact(e.data, ${redactPaths}::jsonb), redacted_at = now()
      WHERE e.id = ANY(${eventIds}::uuid[]) AND e.redacted_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM switchyard.jobs j WHERE j.event_id = e.id AND j.outcome IS NULL)
        AND NOT EXISTS (SELECT 1 FROM switchyard.dead_letters d WHERE d.event_id = e.id AND d.status <> 'resolved')`;
  }

  /** An event with its jobs (by handler, then age), from the read replica. */
  eventWithJobs(eventId: string): Promise<(EventModel & { jobs: JobModel[] }) | null> {
    return this.read.event.findUnique({ where: { id: eventId }, include: { jobs: { orderBy: [{ handler: 'asc' }, { createdAt: 'asc' }] } } });
  }

  /** An event's id and correlation id, from the read replica; null when there is no such event. */
  correlationOf(eventId: string): Promise<{ id: string; correlationId: string | null } | null> {
    return this.read.event.findUnique({ where: { id: eventId }, select: { id: true, correlationId: true } });
  }

  /**
   * The events of one correlation tree (sharing `correlationId`, and the
   * event `eventId` itself), oldest first, at most `limit`, from the read replica.
   */
  correlatedEvents(correlationId: string, eventId: string, limit: number): Promise<Array<{ id: string; type: string; causationId: string | null; receivedAt: Date }>> {
    return this.read.event.findMany({
      where: { OR: [{ correlationId }, { id: eventId }] },
      select: { id: true, type: true, causationId: true, receivedAt: true },
      orderBy: [{ receivedAt: 'asc' }, { id: 'asc' }],
      take: limit,
    });
  }

  /** The jobs of `eventIds` (by handler, then age) and their dead letters, from the read replica. */
  async jobsOfEvents(eventIds: string[]): Promise<{ jobs: JobModel[]; deadLetters: Array<{ id: string; eventId: string; handler: string }> }> {
    const [jobs, deadLetters] = await Promise.all([
      this.read.job.findMany({ where: { eventId: { in: eventIds } }, orderBy: [{ handler: 'asc' }, { createdAt: 'asc' }] }),
      this.read.deadLetter.findMany({ where: { eventId: { in: eventIds } }, select: { id: true, eventId: true, handler: true } }),
    ]);
    return { jobs, deadLetters };
  }

  /** The dead letters of an event's jobs, from the read replica. */
  deadLettersOf(eventId: string): Promise<Array<{ id: string; handler: string }>> {
    return this.read.deadLetter.findMany({ where: { eventId }, select: { id: true, handler: true } });
  }

  /**
   * A page of the events `search` matches, newest first, from the read
   * replica: `limit` of them after the keyset `after`. `redactPaths`: see
   * eventCondition.
   */
  async search(search: EventSearch, redactPaths: string | null, after: { at: Date; id: string } | null, limit: number): Promise<EventSummary[]> {
    const keyset = after ? Prisma.sql`AND (e.received_at, e.id) < (${after.at}, ${after.id}::uuid)` : Prisma.empty;
    const rows = await this.read.$queryRaw<
      Array<{ id: string; type: string; source: string; source_event_id: string | null; subject: string | null; received_at: Date; job_count: number }>
    >`
      SELECT e.id::text AS id, e.type, e.source, e.source_event_id, e.subject, e.received_at,
             (SELECT count(*)::int FROM switchyard.jobs j WHERE j.event_id = e.id) AS job_count
      FROM switchyard.events e
      WHERE ${eventCondition(search, redactPaths)} ${keyset}
      ORDER BY e.received_at DESC, e.id DESC
      LIMIT ${limit}`;
    return rows.map((row) => ({
      id: row.id,
      type: row.type,
      source: row.source,
      sourceEventId: row.source_event_id,
      subject: row.subject,
      receivedAt: row.received_at,
      jobCount: row.job_count,
    }));
  }

  /** The events `search` matches, oldest first, as a bulk operation's items: SELECT of `id` and `seq`. */
  operationItems(search: EventSearch): Prisma.Sql {
    return Prisma.sql`SELECT e.id, row_number() OVER (ORDER BY e.received_at, e.id)::int AS seq FROM switchyard.events e WHERE ${eventCondition(search, null)}`;
  }

  /** How many events `search` matches, per type. */
  countByType(search: EventSearch): Promise<Array<{ type: string; count: number }>> {
    return this.prisma.$queryRaw<Array<{ type: string; count: number }>>`
      SELECT e.type, count(*)::int AS count FROM switchyard.events e WHERE ${eventCondition(search, null)} GROUP BY e.type`;
  }

  /** The ten oldest events `search` matches: a replay's dry run shows them. */
  async sampleMatching(search: EventSearch): Promise<Array<{ id: string; type: string; receivedAt: Date }>> {
    const rows = await this.prisma.$queryRaw<Array<{ id: string; type: string; received_at: Date }>>`
      SELECT e.id::text AS id, e.type, e.received_at FROM switchyard.events e WHERE ${eventCondition(search, null)} ORDER BY e.received_at, e.id LIMIT 10`;
    return rows.map((row) => ({ id: row.id, type: row.type, receivedAt: row.received_at }));
  }

  /** The events of a replay batch that still exist, inside the batch's transaction. */
  eventsToReplay(tx: TransactionClient, eventIds: string[]): Promise<ReplayableEvent[]> {
    // Aliased to the record's names: the rows are the records.
    return tx.$queryRaw<ReplayableEvent[]>`
      SELECT id::text AS id, type, source, subject, time, data, extensions, received_at AS "receivedAt", priority,
             correlation_id AS "correlationId", causation_id::text AS "causationId"
      FROM switchyard.events WHERE id = ANY(${eventIds}::uuid[])`;
  }

  /** Adds a replay operation's outbox rows, inside its batch's transaction; a row already there is left as it is. */
  addReplayJobs(tx: TransactionClient, operationId: string, jobs: ReplayJobRecord[]): Prisma.PrismaPromise<number> {
    return tx.$executeRaw`
        INSERT INTO switchyard.jobs (id, event_id, handler, queue, priority, attempts, backoff, created_at, kind, operation_id)
        SELECT x.id, x.event_id, x.handler, x.queue, x.priority, x.attempts, x.backoff, now(), 'replay', ${operationId}::uuid
        FROM jsonb_to_recordset(${JSON.stringify(jobs)}::jsonb)
          AS x(id text, event_id uuid, handler text, queue text, priority int, attempts int, backoff jsonb)
        ON CONFLICT (id) DO NOTHING`;
  }
}

/**
 * Moves on the key of each finished job (completed, dead-lettered with
 * `proceed`, or its dead letter discarded) and releases the key's next job,
 * returned for publishing after commit. One round trip: the SQL function
 * `switchyard_release_keys` (prisma/migrations) locks
 * the keys' rows first and reads the jobs in a second statement, with a
 * snapshot taken after the lock; see there why that matters. Only the
 * key's head moves it, so calling this for any job is safe. A key with no
 * next job yet just advances: the next append finds its job at the head.
 *
 * A function rather than a method: it runs on the client its callers hold
 * (a transaction, or PrismaService), and some of them are plain functions.
 */
export function releaseOrderingKeys(db: Queryable, jobIds: string[]): Prisma.PrismaPromise<OutboxJobRow[]> {
  return db.$queryRaw<OutboxJobRow[]>`SELECT * FROM switchyard.switchyard_release_keys(${jobIds}::text[])`;
}

/**
 * Writes emitted events and their outbox rows through `sql`, the handler's
 * transaction (see STORE_EMITTED_SQL); answers those actually inserted. A
 * function rather than a method: it runs on the executor of whatever driver
 * the handlers' transactions use, which its callers hold.
 */
export function storeEmittedEvents(sql: SqlExecutor, events: EmittedEventRecord[]): Promise<EmittedEventRow[]> {
  return sql(STORE_EMITTED_SQL, [JSON.stringify(events)]) as Promise<EmittedEventRow[]>;
}
