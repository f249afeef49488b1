import type { Problem } from '@switchyard/core/contracts';
import type { HandlerDefinition } from '@switchyard/core';
import type { DomainEvent } from '@switchyard/core';
import { orderingKeyOf } from '../ordering/ordering-key.js';
import { jobIdFor, type OutboxEntry } from '../outbox/outbox-entry.js';
import { problems } from '../../foundation/problems/problem.js';
import { uuidv7 } from '../../foundation/ids/uuid-v7.js';
import type { IncomingEvent } from './incoming-event.js';
import type { EventToStore } from './event-store.js';

/** A planned event, or why it cannot be stored: a handler ordered by key could not compute this event's key (a 422). */
export type PlannedEvent = { ok: true; store: EventToStore } | { ok: false; problem: Problem };

/** Where an event sits in its tree: null causation for events from producers. */
export interface Causality {
  correlationId: string;
  causationId: string | null;
}

/**
 * Assigns a validated event its id and computes its fan-out: one outbox row
 * per subscribed handler (`routes`), with the handler's defaults unless the
 * producer overrode priority or delay, and the handler's ordering key if it
 * orders its jobs. Ingest, the scheduler and ctx.emit all use it. `eventId`
 * and `causality` are given for emitted events (a deterministic id, the
 * emitting event as cause); otherwise the event gets a fresh uuid v7 and is
 * its own root unless the producer named a correlation.
 */
export function planEvent(
  incoming: IncomingEvent,
  routes: HandlerDefinition[],
  options: {
    eventId?: string;
    causality?: Causality;
    /** Given, a handler that cannot key this event is left out (and told here) instead of rejecting the event. */
    onUnkeyable?: (route: HandlerDefinition, reason: string) => void;
  } = {},
): PlannedEvent {
  const eventId = options.eventId ?? uuidv7();
  const causality = options.causality ?? { correlationId: incoming.correlationId ?? eventId, causationId: null };
  const now = Date.now();
  const producerDeliverAt =
    incoming.deliverAt !== null ? new Date(incoming.deliverAt) : incoming.delayMs !== null ? new Date(now + incoming.delayMs) : null;
  const event: DomainEvent = {
    id: eventId,
    type: incoming.type,
    source: incoming.source,
    subject: incoming.subject,
    time: incoming.time !== null ? new Date(incoming.time).toISOString() : null,
    data: incoming.data,
    receivedAt: '', // set from the database clock once stored
    correlationId: causality.correlationId,
    causationId: causality.causationId,
  };
  const jobs: OutboxEntry[] = [];
  for (const route of routes) {
    const ordering = orderingKeyOf(route, event);
    if (!ordering.ok) {
      if (!options.onUnkeyable) return { ok: false, problem: problems.orderingKeyUnusable(incoming.type, route.name, ordering.reason) };
      options.onUnkeyable(route, ordering.reason);
      continue;
    }
    const deliverAt = producerDeliverAt ?? (route.delay > 0 ? new Date(now + route.delay) : null);
    jobs.push({
      jobId: jobIdFor(eventId, route.name),
      queue: route.queue,
      handler: route.name,
      priority: incoming.priority ?? route.priority,
      deliverAt: deliverAt && deliverAt.getTime() > now ? deliverAt : null,
      attempts: route.attempts,
      backoff: route.backoff,
      event,
      orderingKey: ordering.key,
    });
  }
  return {
    ok: true,
    store: {
      eventId,
      incoming,
      jobs,
      ...causality,
      response: {
        eventId,
        type: incoming.type,
        jobs: jobs.map((job) => ({ id: job.jobId, queue: job.queue, handler: job.handler })),
        duplicate: false,
      },
    },
  };
}
