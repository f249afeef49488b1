import { z } from 'zod';

/** JSON Schema (draft 2020-12) of each event type's `data`, for OpenAPI and producers. */
export function eventDataJsonSchemas(catalog: Record<string, z.ZodType>): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(catalog).map(([type, schema]) => [type, z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>]),
  );
}
