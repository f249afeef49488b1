import type { SqlExecutor } from '@switchyard/core';
import { type AppendedEventRow, storeEmittedEvents } from '../../foundation/repositories/events.repository.js';
import type { OutboxEntry } from '../outbox/outbox-entry.js';
import { type EventToStore, jobsToPublish, storedEvents, toJobRow } from './event-store.js';

/**
 * Writes emitted events and their outbox rows in the caller's transaction.
 * Returns the outbox entries of the events actually inserted (with their
 * time of receipt), less held jobs, to publish once that transaction has committed.
 */
export async function storeEmitted(sql: SqlExecutor, events: EventToStore[]): Promise<OutboxEntry[]> {
  if (events.length === 0) return [];
  const rows = events.map(({ eventId, incoming, jobs, correlationId, causationId }, ord) => ({
    id: eventId,
    ord,
    type: incoming.type,
    source: incoming.source,
    subject: incoming.subject,
    data: incoming.data,
    priority: incoming.priority,
    deliver_at: null,
    correlation_id: correlationId,
    causation_id: causationId,
    jobs: jobs.map(toJobRow),
  }));
  const stored = await storeEmittedEvents(sql, rows);
  return jobsToPublish(events, storedEvents(stored.map((row): AppendedEventRow => ({ ...row, received_at: new Date(row.received_at) }))));
}
