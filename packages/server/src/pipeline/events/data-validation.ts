import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { FieldError } from '@switchyard/core/contracts';

/** Validates `data` against its type's schema; errors are rooted at `data`. */
export async function validateData(schema: StandardSchemaV1, data: unknown): Promise<FieldError[]> {
  let result = schema['~standard'].validate(data);
  if (result instanceof Promise) result = await result;
  if (!result.issues) return [];
  return result.issues.map((issue) => ({
    path: ['data', ...(issue.path ?? []).map((segment) => String(typeof segment === 'object' ? segment.key : segment))].join('.'),
    message: issue.message,
  }));
}
