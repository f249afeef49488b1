import type { DeadLetterFilter } from '@switchyard/core/contracts';
import type { DomainEvent } from '@switchyard/core';
import { Prisma } from '../../db/index.js';
import { escapeLike } from './like.js';

/** A dead_letters row as SUMMARY_COLUMNS select it. */
export interface SummaryRow {
  id: string;
  status: string;
  queue: string;
  handler: string;
  event_type: string;
  event_id: string;
  job_id: string;
  error_name: string;
  error_message: string;
  fingerprint: string;
  attempts_made: number;
  redrives: number;
  first_failed_at: Date;
  last_failed_at: Date;
}

/** A trail entry joined to its dead letter, as DeadLettersRepository.transitions reads it. */
export interface TransitionRow {
  action_id: string;
  action: string;
  from_status: string;
  actor: string;
  reason: string | null;
  job_id: string | null;
  dead_letter_id: string;
  status: 'open' | 'discarded' | 'resolved';
  handler: string;
  queue: string;
  dead_job_id: string;
  error_name: string;
  error_message: string;
  attempts_made: number;
  redrives: number;
  payload: DomainEvent;
}

/** A dead letter locked for an action, as DeadLettersRepository.lockForAction reads it. */
export interface LockedRow {
  id: string;
  status: string;
  event_id: string;
  handler: string;
  queue: string;
  payload: DomainEvent;
  redrives: number;
  event_priority: number | null;
  event_exists: boolean;
  job_id: string;
  ordering_key: string | null;
  ordering_seq: bigint | null;
}

/** A group of matching dead letters, as DeadLettersRepository.groupsMatching reads it. */
export interface GroupRow {
  fingerprint: string;
  handler: string;
  error_name: string;
  count: number;
  open: number;
  first_seen: Date;
  last_seen: Date;
  sample: string;
}

/** The columns of SummaryRow, for SELECT lists over `dead_letters d`. */
export const SUMMARY_COLUMNS = Prisma.sql`d.id::text AS id, d.status, d.queue, d.handler, d.event_type, d.event_id::text AS event_id,
  d.job_id, d.error_name, d.error_message, d.fingerprint, d.attempts_made, d.redrives, d.first_failed_at, d.last_failed_at`;

/** The SQL condition for a filter, over `dead_letters` aliased `d`. */
export function filterCondition(filter: DeadLetterFilter): Prisma.Sql {
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
