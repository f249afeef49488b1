import type { StandardSchemaV1 } from '@standard-schema/spec';

/**
 * The event types this deployment accepts, each with the schema its `data`
 * must satisfy. Any Standard Schema library works (the example uses zod).
 */
export type EventCatalog = Readonly<Record<string, StandardSchemaV1>>;

export const EVENT_CATALOG = Symbol('EVENT_CATALOG');
