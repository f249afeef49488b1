import type { HandlerDefinition } from '../handlers/event-handler.decorator.js';
import { jobIdFor, type OutboxEntry } from '../outbox/outbox-entry.js';
import type { IncomingEvent } from './envelope.js';
import type { EventToStore } from './event-store.js';

/** Where an event sits in its tree: null causation for events from producers. */
export interface Causality {
  correlationId: string;
  causationId: string | null;
}

/**
 * Computes an event's fan-out: one outbox entry per subscribed handler, with
 * the handler's defaults unless the event overrides priority or delay. Used
 * by ingest and by ctx.emit, so an emitted event routes exactly like an
 * ingested one.
 */
export function planFanOut(
  eventId: string,
  incoming: IncomingEvent,
  routes: HandlerDefinition[],
  causality: Causality = { correlationId: incoming.correlationId ?? eventId, causationId: null },
  now = Date.now(),
): EventToStore {
  const producerDeliverAt =
    incoming.deliverAt !== null ? new Date(incoming.deliverAt) : incoming.delayMs !== null ? new Date(now + incoming.delayMs) : null;
  const jobs = routes.map((route): OutboxEntry => {
    const deliverAt = producerDeliverAt ?? (route.delay > 0 ? new Date(now + route.delay) : null);
    return {
      jobId: jobIdFor(eventId, route.name),
      queue: route.queue,
      handler: route.name,
      priority: incoming.priority ?? route.priority,
      deliverAt: deliverAt && deliverAt.getTime() > now ? deliverAt : null,
      attempts: route.attempts,
      backoff: route.backoff,
      event: {
        id: eventId,
        type: incoming.type,
        source: incoming.source,
        subject: incoming.subject,
        time: incoming.time !== null ? new Date(incoming.time).toISOString() : null,
        data: incoming.data,
        receivedAt: '', // set from the database clock once stored
        correlationId: causality.correlationId,
        causationId: causality.causationId,
      },
    };
  });
  return {
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
  };
}
