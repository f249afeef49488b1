import type { HandlerDefinition } from '@switchyard/core';
import type { DomainEvent } from '@switchyard/core';

/** Longest ordering key accepted: keys are stored on every job and in `ordering_keys`. */
export const MAX_ORDERING_KEY_LENGTH = 512;

export type OrderingKeyResult = { ok: true; key: string | null } | { ok: false; reason: string };

/**
 * The ordering key of `event` for a handler: null for an unordered handler or
 * when its function returns null or undefined (that event needs no order).
 * A throw or a key that is not a short non-empty string is the producer's
 * problem as often as the handler's (a field the schema allows to be absent
 * or numeric), so the caller rejects the event rather than guessing.
 */
export function orderingKeyOf(definition: HandlerDefinition, event: DomainEvent): OrderingKeyResult {
  if (!definition.ordering) return { ok: true, key: null };
  const { path } = definition.ordering;
  let key: unknown;
  try {
    key = definition.ordering.key(event);
  } catch (error) {
    return { ok: false, reason: `its orderingKey function threw: ${(error as Error)?.message ?? String(error)}` };
  }
  if (key === null || key === undefined) return { ok: true, key: null };
  if (typeof key !== 'string') {
    return { ok: false, reason: path ? `its ordering key ${path} is ${kindOf(key)}, not a string or number` : `its orderingKey function returned a ${typeof key}, not a string` };
  }
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
