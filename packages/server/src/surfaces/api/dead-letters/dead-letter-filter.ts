import type { DeadLetterFilter } from '@switchyard/core/contracts';
import { z } from 'zod';
import { toFieldErrors } from '../../../foundation/problems/field-errors.js';
import { ProblemError, problems } from '../../../foundation/problems/problem.js';

const timestamp = z.iso.datetime({ offset: true, message: 'must be an RFC 3339 timestamp' });

export const deadLetterFilterSchema = z.strictObject({
  status: z.enum(['open', 'retrying', 'resolved', 'discarded']).optional(),
  queue: z.string().min(1).max(200).optional(),
  handler: z.string().min(1).max(200).optional(),
  eventType: z.string().min(1).max(255).optional(),
  fingerprint: z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 hex characters').optional(),
  q: z.string().min(1).max(200).optional(),
  since: timestamp.optional(),
  until: timestamp.optional(),
});

/** Validates list/group/bulk filters; a bad one is a 400 naming the parameter. */
export function parseDeadLetterFilter(input: unknown, where = 'query'): DeadLetterFilter {
  const parsed = deadLetterFilterSchema.safeParse(input ?? {});
  if (!parsed.success) throw new ProblemError(problems.invalidRequest(`Invalid dead-letter filter in the ${where}`, toFieldErrors(parsed.error)));
  return parsed.data;
}
