import type { DomainEvent } from './handler.types.js';

/** Depths of nesting an ordering path may name in `data`, for the compiler's sake. */
type Depth = [never, 0, 1, 2, 3];

/** Dotted paths to the string and number fields of `T` (nullable or optional ones too: absent means unordered), up to four levels deep. */
type FieldPaths<T, D extends number = 4> = [D] extends [never]
  ? never
  : T extends readonly unknown[]
    ? never
    : T extends object
      ? { [K in keyof T & string]: NonNullable<T[K]> extends string | number ? K : `${K}.${FieldPaths<NonNullable<T[K]>, Depth[D]>}` }[keyof T & string]
      : never;

/**
 * Where an ordering key is read from the event, as data the API can follow
 * without the handler's code: `data.<field>[.<field>…]`, `subject`, `source`,
 * `type` or `correlationId`. Typed by the handler's event data when it is
 * known: `@EventHandler<OrderPlaced>({ orderingKey: 'data.customer.id' })`.
 */
export type OrderingKeyPath<TData = unknown> =
  | 'subject'
  | 'source'
  | 'type'
  | 'correlationId'
  | (unknown extends TData ? `data.${string}` : `data.${FieldPaths<TData>}`);

const ENVELOPE = new Set(['subject', 'source', 'type', 'correlationId']);
const DATA_PATH = /^data(\.[A-Za-z0-9_$-]+)+$/;

/** Why `path` is not an ordering key path, or null when it is one. */
export function orderingPathError(path: string): string | null {
  if (ENVELOPE.has(path) || DATA_PATH.test(path)) return null;
  return 'must be "subject", "source", "type", "correlationId" or a dotted path into the data ("data.customerId")';
}

/**
 * Reads an ordering key path from an event: the value there (a number as its
 * decimal string), or undefined when it is absent. Own properties only, so a
 * path can never reach a prototype.
 */
export function readOrderingPath(path: string, event: DomainEvent): unknown {
  if (ENVELOPE.has(path)) return event[path as keyof DomainEvent];
  let value: unknown = event.data;
  for (const segment of path.split('.').slice(1)) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
}
