import type { DeadLetterFilter } from '@switchyard/core/contracts';
import { Prisma } from '../../../db/index.js';
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

/** The SQL condition for a filter, over `dead_letters` aliased `d`. */
export function deadLetterCondition(filter: DeadLetterFilter): Prisma.Sql {
  const conditions: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (filter.status) conditions.push(Prisma.sql`d.status = ${filter.status}`);
  if (filter.queue) conditions.push(Prisma.sql`d.queue = ${filter.queue}`);
  if (filter.handler) conditions.push(Prisma.sql`d.handler = ${filter.handler}`);
  if (filter.eventType) conditions.push(Prisma.sql`d.event_type = ${filter.eventType}`);
  if (filter.fingerprint) conditions.push(Prisma.sql`d.fingerprint = ${filter.fingerprint}`);
  if (filter.since) conditions.push(Prisma.sql`d.last_failed_at >= ${new Date(filter.since)}`);
  if (filter.until) conditions.push(Prisma.sql`d.last_failed_at < ${new Date(filter.until)}`);
  // Matches the trigram index dead_letters_search_idx.
  if (filter.q) conditions.push(Prisma.sql`(d.error_message || ' ' || d.payload::text) ILIKE ${`%${escapeLike(filter.q)}%`}`);
  return Prisma.join(conditions, ' AND ');
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
