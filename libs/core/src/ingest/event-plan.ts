import { v7 as uuidv7 } from 'uuid';
import type { HandlerDefinition } from '../handlers/event-handler.decorator.js';
import { jobIdFor, type OutboxEntry } from '../outbox/outbox-entry.js';
import type { IncomingEvent } from './envelope.js';
import type { EventToStore } from './event-store.js';

/**
 * Assigns a validated event its id and computes its fan-out: one outbox row
 * per subscribed handler (`routes`), with the handler's defaults unless the
 * producer overrode priority or delay. Ingest and the scheduler both use it.
 */
export function planEvent(incoming: IncomingEvent, routes: HandlerDefinition[]): EventToStore {
  const eventId = uuidv7();
  const now = Date.now();
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
      },
    };
  });
  return {
    eventId,
    incoming,
    jobs,
    response: {
      eventId,
      type: incoming.type,
      jobs: jobs.map((job) => ({ id: job.jobId, queue: job.queue, handler: job.handler })),
      duplicate: false,
    },
  };
}
