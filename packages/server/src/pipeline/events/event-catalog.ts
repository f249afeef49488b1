import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { EventCatalog } from '@switchyard/core';

export type { EventCatalog };

export const EVENT_CATALOG = Symbol('EVENT_CATALOG');

/** The event types of the route registry, as a process sees them now (RouteBook's). */
export interface RegisteredTypes {
  readonly types: ReadonlyMap<string, { schema: StandardSchemaV1 }>;
}

/**
 * The event types this process accepts and the schema of each one's data:
 * its app's catalog (a worker's: its own types, checked by their own code),
 * then the types the route registry holds (everything any worker declared,
 * checked with the JSON Schema it registered: the API's, which has no
 * catalog). Lookups go through Maps: types come from producers, handlers
 * (ctx.emit) and stored schedules, and indexing the catalog object with them
 * would find Object.prototype's `constructor` or `__proto__`, where an
 * unknown type must get the unknown type's answer.
 */
export class EventTypes {
  private readonly schemas: ReadonlyMap<string, StandardSchemaV1>;
  /** The names, as of the registry's types they were computed from (undefined: not yet computed). */
  private namesOf: { registered: RegisteredTypes['types'] | null | undefined; names: readonly string[] } = { registered: undefined, names: [] };

  constructor(
    catalog: EventCatalog,
    private readonly registry: { readonly snapshot: RegisteredTypes } | null = null,
  ) {
    this.schemas = new Map(Object.entries(catalog));
  }

  /** Every type accepted, sorted: what an unknown-type answer lists. */
  get names(): readonly string[] {
    const registered = this.registry?.snapshot.types ?? null;
    if (this.namesOf.registered !== registered) {
      this.namesOf = { registered, names: [...new Set([...this.schemas.keys(), ...(registered?.keys() ?? [])])].sort() };
    }
    return this.namesOf.names;
  }

  /** The schema of `type`'s data; undefined when no one declares such a type. */
  schemaOf(type: string): StandardSchemaV1 | undefined {
    return this.schemas.get(type) ?? this.registry?.snapshot.types.get(type)?.schema;
  }
}
