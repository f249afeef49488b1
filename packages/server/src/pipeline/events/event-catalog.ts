import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { EventCatalog } from '@switchyard/core';

export type { EventCatalog };

export const EVENT_CATALOG = Symbol('EVENT_CATALOG');

/**
 * The catalog as the platform looks event types up in it: a Map of the
 * catalog's own entries, built once at startup. Types come from producers,
 * handlers (ctx.emit) and stored schedules; indexing the catalog object with
 * them would find Object.prototype's `constructor`, `toString` or
 * `__proto__` and fail on them, where an unknown type must get the unknown
 * type's answer.
 */
export class EventTypes {
  /** Every type in the catalog, sorted: what an unknown-type answer lists. */
  readonly names: readonly string[];
  private readonly schemas: ReadonlyMap<string, StandardSchemaV1>;

  constructor(catalog: EventCatalog) {
    this.schemas = new Map(Object.entries(catalog));
    this.names = [...this.schemas.keys()].sort();
  }

  /** The schema of `type`'s data; undefined when the catalog has no such type. */
  schemaOf(type: string): StandardSchemaV1 | undefined {
    return this.schemas.get(type);
  }
}
