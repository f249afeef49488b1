import type { DomainEvent } from '@switchyard/core';

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
