import type { StandardSchemaV1 } from '@standard-schema/spec';

/**
 * A team's event catalog: each event type with the Standard Schema (zod,
 * valibot, ArkType, …) of its `data`, as the team's workers register it.
 * The client uses only its type (`createClient<typeof appEvents>`), never
 * the schemas themselves: nothing of the schema library runs in the client.
 */
export type EventCatalog = Readonly<Record<string, StandardSchemaV1>>;

/** A catalog that knows no types: any type name, any data. What `createClient()` without a catalog sends. */
export type AnyCatalog = Readonly<Record<string, StandardSchemaV1<unknown>>>;

/** The event type names of catalog `C`. */
export type EventType<C extends EventCatalog> = Extract<keyof C, string>;

/**
 * What a producer sends as the `data` of event type `T`: its schema's input
 * type, before defaults and transforms apply on the server.
 */
export type EventData<C extends EventCatalog, T extends EventType<C>> = StandardSchemaV1.InferInput<C[T]>;
