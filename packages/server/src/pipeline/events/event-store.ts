import { Inject, Injectable } from '@nestjs/common';
import type { AcceptedEvent } from '@switchyard/core/contracts';
import type { PoolClient } from 'pg';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../../foundation/config/core-config.js';
import { type AppendedEventRow, EventsRepository, type NewEventRecord, type NewJobRecord } from '../../foundation/repositories/events.repository.js';
import type { OutboxEntry } from '../outbox/outbox-entry.js';
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

/** A stored event: when the database received it, and which of its jobs wait for an earlier job of their key. */
export interface StoredEvent {
  receivedAt: Date;
  heldJobIds: string[];
}

/** Writes accepted events with their outbox rows, and reads idempotency keys back. */
@Injectable()
export class EventStore {
  constructor(
    private readonly events: EventsRepository,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
  ) {}

  /**
   * Stores what it can; returns the stored events by id with their time of
   * receipt and held jobs (not to publish: their key is busy). Events missing
   * from the answer found their key already taken.
   */
  async append(events: EventToStore[]): Promise<Map<string, StoredEvent>> {
    if (events.length === 0) return new Map();
    return storedEvents(await this.events.appendEvents(toRows(events), this.config.ingest.idempotencyTtlHours));
  }

  /**
   * Stores `events` inside the caller's transaction (`client` holds it open):
   * the scheduler claims a tick and stores its event in one commit. Returns
   * what `append` returns; an event whose key is taken is not stored.
   */
  async appendWithin(client: PoolClient, events: EventToStore[]): Promise<Map<string, StoredEvent>> {
    if (events.length === 0) return new Map();
    return storedEvents(await this.events.appendEventsWithin(client, toRows(events), this.config.ingest.idempotencyTtlHours));
  }

  async keys(keys: string[]): Promise<Map<string, StoredKey>> {
    if (keys.length === 0) return new Map();
    const rows = await this.events.idempotencyKeys(keys);
    return new Map(
      rows.map((row) => [
        row.key,
        { key: row.key, requestHash: row.requestHash, eventId: row.eventId, response: row.response as unknown as AcceptedEvent },
      ]),
    );
  }
}

/** The append statement's input: one JSON record per event, its outbox rows nested. */
function toRows(events: EventToStore[]): NewEventRecord[] {
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
export function toJobRow(job: OutboxEntry): NewJobRecord {
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

export function storedEvents(rows: AppendedEventRow[]): Map<string, StoredEvent> {
  return new Map(rows.map((row) => [row.id, { receivedAt: row.received_at, heldJobIds: row.held_job_ids ?? [] }]));
}
