import { Injectable, Optional } from '@nestjs/common';
import { isPlatformEventType, PLATFORM_EVENT_PREFIX } from '@switchyard/core/contracts';
import { v5 as uuidv5 } from 'uuid';
import { MAX_PRIORITY } from '@switchyard/core';
import { type DomainEvent, type EmitOptions, NonRetryableError, type SqlExecutor } from '@switchyard/core';
import { validateData } from '../events/data-validation.js';
import type { IncomingEvent } from '../events/incoming-event.js';
import { EventTypes } from '../events/event-catalog.js';
import type { EventToStore } from '../events/event-store.js';
import { storeEmitted } from '../events/emitted-events.js';
import { planEvent } from '../events/event-plan.js';
import type { OutboxEntry } from '../outbox/outbox-entry.js';
import { OutboxPublisher } from '../outbox/outbox-publisher.js';
import { RoutingTable } from '../routing/routing-table.js';

/** The namespace of emitted event ids (uuid v5): any fixed uuid, never to change. */
const EMITTED_EVENT_NAMESPACE = '4f9c1d2e-7b3a-5c8d-9e0f-a1b2c3d4e5f6';
const MAX_DELAY_MS = 365 * 24 * 3_600_000;

/**
 * What ctx.emit() does with an event: checks it against the catalog like
 * ingest, plans its fan-out with ingest's routing, writes it with its outbox
 * rows in the handler's transaction, and publishes the jobs after commit.
 * The worker routes with its own routing table: it hosts the same handler
 * modules as the API, as every Switchyard process does.
 */
@Injectable()
export class FollowUpEmitter {
  constructor(
    private readonly routing: RoutingTable,
    private readonly types: EventTypes,
    @Optional() private readonly publisher?: OutboxPublisher,
  ) {}

  /**
   * Validates and plans one emitted event. `seed` names the emission
   * uniquely and stably across re-runs (handler, guard key, sequence); the
   * event id is derived from it, so storing it twice is a no-op.
   */
  async prepare(parent: DomainEvent, handler: string, seed: string, type: string, data: unknown, options: EmitOptions = {}): Promise<EventToStore> {
    const where = `ctx.emit(${JSON.stringify(type)}) in handler ${handler}`;
    if (isPlatformEventType(type)) {
      throw new NonRetryableError(`${where}: types under "${PLATFORM_EVENT_PREFIX}" are Switchyard's own events; handlers cannot emit them`);
    }
    const schema = this.types.schemaOf(type);
    if (!schema) {
      throw new NonRetryableError(`${where}: unknown event type; the catalog has ${this.types.names.join(', ')}`);
    }
    const errors = await validateData(schema, data);
    if (errors.length) throw new NonRetryableError(`${where}: invalid data: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`);
    const { subject, priority, delay } = options;
    if (priority !== undefined && !(Number.isInteger(priority) && priority >= 1 && priority <= MAX_PRIORITY)) {
      throw new NonRetryableError(`${where}: priority must be an integer from 1 to ${MAX_PRIORITY}, got ${priority}`);
    }
    if (delay !== undefined && !(Number.isInteger(delay) && delay >= 0 && delay <= MAX_DELAY_MS)) {
      throw new NonRetryableError(`${where}: delay must be whole milliseconds from 0 to ${MAX_DELAY_MS}, got ${delay}`);
    }
    if (subject !== undefined && (typeof subject !== 'string' || subject.length < 1 || subject.length > 1024)) {
      throw new NonRetryableError(`${where}: subject must be a string of 1 to 1,024 characters`);
    }
    const correlationId = parent.correlationId ?? parent.id; // jobs queued before correlation ids existed
    const incoming: IncomingEvent = {
      format: 'json',
      type,
      source: `urn:switchyard:handler:${handler}`,
      sourceEventId: null,
      subject: subject ?? null,
      time: null,
      dataContentType: null,
      data,
      extensions: null,
      correlationId,
      priority: priority ?? null,
      delayMs: delay ?? null,
      deliverAt: null,
      idempotencyKey: null,
      requestHash: '',
    };
    // Routed like an ingested event, content filters included.
    const planned = planEvent(incoming, this.routing.routesForEvent(incoming), {
      eventId: uuidv5(seed, EMITTED_EVENT_NAMESPACE),
      causality: { correlationId, causationId: parent.id },
    });
    // A handler ordered by key could not compute this event's key: as at ingest, nothing is stored.
    if (!planned.ok) throw new NonRetryableError(`${where}: ${planned.problem.detail ?? planned.problem.title}`);
    return planned.store;
  }

  /** Writes planned events in the transaction `sql` runs in; returns the jobs to publish after it commits. */
  store(sql: SqlExecutor, events: EventToStore[]): Promise<OutboxEntry[]> {
    return storeEmitted(sql, events);
  }

  /**
   * After commit. Never throws: the rows are committed, and a job Redis did
   * not take is published by the API's outbox relay on its next sweep (the
   * worker runs no relay), as is everything when the worker dies right here.
   */
  async publish(entries: OutboxEntry[]): Promise<void> {
    if (entries.length === 0 || !this.publisher) return;
    await this.publisher.publishAfterCommit(entries, 'now');
  }
}
