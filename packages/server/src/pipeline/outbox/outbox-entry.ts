import type { BackoffPolicy } from '@switchyard/core';
import type { DomainEvent } from '@switchyard/core';
import type { Delivery } from '../queues/job-payload.js';

/** One row of the outbox: a job to hand to BullMQ under its deterministic id. */
export interface OutboxEntry {
  jobId: string;
  queue: string;
  handler: string;
  priority: number | null;
  /** When the job may run; null for now. A republish after an outage keeps it. */
  deliverAt: Date | null;
  attempts: number;
  backoff: BackoffPolicy;
  event: DomainEvent;
  delivery?: Delivery;
  /** The handler's ordering key for the event (fan-out of an ordered handler); null or absent otherwise. */
  orderingKey?: string | null;
}

/**
 * The job id is the event id and the handler name: publishing the same
 * outbox row twice can never make two jobs while BullMQ holds the first.
 */
export function jobIdFor(eventId: string, handler: string): string {
  return `${eventId}.${handler}`;
}
