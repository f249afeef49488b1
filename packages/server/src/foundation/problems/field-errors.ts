import type { FieldError } from '@switchyard/core/contracts';
import type { z } from 'zod';

/** Zod issues as `{ path, message }` with dotted paths; `prefix` roots them (`data`). */
export function toFieldErrors(error: z.ZodError, prefix?: string): FieldError[] {
  const path = (parts: PropertyKey[]) =>
    [prefix, ...parts.map(String)].filter((part) => part !== undefined && part !== '').join('.') || '(body)';
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: path([...issue.path, key]), message: 'is not a known field' }))
      : [{ path: path(issue.path), message: issue.message }],
  );
}
