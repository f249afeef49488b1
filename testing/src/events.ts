import type { DomainEvent } from '@switchyard/server/internal';
import { randomUUID } from 'node:crypto';

/** An accepted event as a handler receives it, for calling `handle()` directly. */
export function aDomainEvent<T>(type: string, data: T, overrides: Partial<DomainEvent<T>> = {}): DomainEvent<T> {
  const id = overrides.id ?? randomUUID();
  return {
    id,
    type,
    source: 'urn:test',
    subject: null,
    time: null,
    data,
    receivedAt: new Date().toISOString(),
    correlationId: id,
    causationId: null,
    ...overrides,
  };
}
