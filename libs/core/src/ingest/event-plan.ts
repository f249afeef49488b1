import type { Problem } from '@switchyard/contracts';
import type { HandlerDefinition } from '../handlers/event-handler.decorator.js';
import type { DomainEvent } from '../handlers/handler.types.js';
import { orderingKeyOf } from '../ordering/ordering-key.js';
import { jobIdFor, type OutboxEntry } from '../outbox/outbox-entry.js';
import { problems } from '../problems/problem.js';
import { v7 as uuidv7 } from 'uuid';
import type { IncomingEvent } from './envelope.js';
import type { EventToStore } from './event-store.js';

/** A planned event, or why it cannot be stored: a handler ordered by key could not compute this event's key (a 422). */
export type PlannedEvent = { ok: true; store: EventToStore } | { ok: false; problem: Problem };

/**
 * Assigns a validated event its id and computes its fan-out: one outbox row
 * per subscribed handler (`routes`), with the handler's defaults unless the
 * producer overrode priority or delay, and the handler's ordering key if it
 * orders its jobs. Ingest and the scheduler both use it.
 */
export function planEvent(incoming: IncomingEvent, routes: HandlerDefinition[]): PlannedEvent {
  const eventId = uuidv7();
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
  };
  const jobs: OutboxEntry[] = [];
  for (const route of routes) {
    const ordering = orderingKeyOf(route, event);
    if (!ordering.ok) return { ok: false, problem: problems.orderingKeyUnusable(incoming.type, route.name, ordering.reason) };
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
      response: {
        eventId,
        type: incoming.type,
        jobs: jobs.map((job) => ({ id: job.jobId, queue: job.queue, handler: job.handler })),
        duplicate: false,
      },
    },
  };
}
