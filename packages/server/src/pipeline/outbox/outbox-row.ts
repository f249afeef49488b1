import type { OutboxJobRow } from '../../foundation/repositories/events.repository.js';
import type { OutboxEntry } from './outbox-entry.js';

/** An outbox row joined with its event, as the relay and a released ordering key read it. */
export type OutboxRow = OutboxJobRow;

/** The outbox entry a row stands for. */
export function toEntry(row: OutboxRow): OutboxEntry {
  return {
    jobId: row.id,
    queue: row.queue,
    handler: row.handler,
    priority: row.priority,
    deliverAt: row.deliver_at,
    attempts: row.attempts,
    backoff: row.backoff,
    event: {
      id: row.event_id,
      type: row.type,
      source: row.source,
      subject: row.subject,
      time: row.time?.toISOString() ?? null,
      data: row.data,
      receivedAt: row.received_at.toISOString(),
      correlationId: row.correlation_id ?? row.event_id,
      causationId: row.causation_id,
    },
    ...(row.kind !== 'fanout' ? { delivery: { kind: row.kind, ...(row.operation_id ? { operationId: row.operation_id } : {}) } } : {}),
    orderingKey: row.ordering_key,
  };
}
