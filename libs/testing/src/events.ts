import type { DomainEvent } from '@switchyard/core';
import { randomUUID } from 'node:crypto';

/** An accepted event as a handler receives it, for calling `handle()` directly. */
export function aDomainEvent<T>(type: string, data: T, overrides: Partial<DomainEvent<T>> = {}): DomainEvent<T> {
  return {
    id: randomUUID(),
    type,
    source: 'urn:test',
    subject: null,
    time: null,
    data,
    receivedAt: new Date().toISOString(),
    ...overrides,
  };
}
