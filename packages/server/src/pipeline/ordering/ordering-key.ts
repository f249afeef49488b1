import type { HandlerDefinition } from '@switchyard/core';
import type { DomainEvent } from '@switchyard/core';

/** Longest ordering key accepted: keys are stored on every job and in `ordering_keys`. */
export const MAX_ORDERING_KEY_LENGTH = 512;

export type OrderingKeyResult = { ok: true; key: string | null } | { ok: false; reason: string };

/**
 * The ordering key of `event` for a handler: null for an unordered handler or
 * when the event has nothing at the handler's path (that event needs no
 * order). A key that is not a short non-empty string is the producer's
 * problem as often as the handler's (a field the schema allows to be an
 * object), so the caller rejects the event rather than guessing.
 */
export function orderingKeyOf(definition: HandlerDefinition, event: DomainEvent): OrderingKeyResult {
  if (!definition.ordering) return { ok: true, key: null };
  const { path } = definition.ordering;
  const key = definition.ordering.key(event);
  if (key === null || key === undefined) return { ok: true, key: null };
  if (typeof key !== 'string') return { ok: false, reason: `its ordering key ${path} is ${kindOf(key)}, not a string or number` };
  if (key.length === 0 || key.length > MAX_ORDERING_KEY_LENGTH) {
    return { ok: false, reason: `its ordering key must be 1 to ${MAX_ORDERING_KEY_LENGTH} characters (got ${key.length})` };
  }
  if (key.includes('\u0000')) return { ok: false, reason: 'its ordering key contains a NUL character' };
  return { ok: true, key };
}

/** "an array", "an object", "a boolean": what a path found instead of a key. */
function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
