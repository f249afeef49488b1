import type { BackoffPolicy } from '@switchyard/core/internal';
import type { DomainEvent } from '@switchyard/core/internal';

/** Why a job exists: the event's fan-out, an operator's redrive, or a replay operation. */
export interface Delivery {
  kind: 'fanout' | 'redrive' | 'replay';
  operationId?: string;
}

/** What a BullMQ job of Switchyard carries: the whole event, so workers need no lookup. */
export interface JobPayload {
  event: DomainEvent;
  /** Absent on fan-out jobs. */
  delivery?: Delivery;
  /**
   * The ordering key, on jobs of handlers ordered by key: the worker moves
   * the key on when the job ends, even if the handler was since redeployed
   * without ordering (its held jobs must not wait forever).
   */
  orderingKey?: string;
}

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
