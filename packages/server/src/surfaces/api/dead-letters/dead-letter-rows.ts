import type { DeadLetterStatus, DeadLetterSummary } from '@switchyard/core/contracts';
import { Prisma } from '../../../db/index.js';

/** A dead_letters row as raw queries return it. */
export interface DeadLetterRow {
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

/** The columns of DeadLetterRow, for SELECT lists over `dead_letters d`. */
export const SUMMARY_COLUMNS = Prisma.sql`d.id::text AS id, d.status, d.queue, d.handler, d.event_type, d.event_id::text AS event_id,
  d.job_id, d.error_name, d.error_message, d.fingerprint, d.attempts_made, d.redrives, d.first_failed_at, d.last_failed_at`;

export function toSummary(row: DeadLetterRow): DeadLetterSummary {
  return {
    id: row.id,
    status: row.status as DeadLetterStatus,
    queue: row.queue,
    handler: row.handler,
    eventType: row.event_type,
    eventId: row.event_id,
    jobId: row.job_id,
    errorName: row.error_name,
    errorMessage: row.error_message,
    fingerprint: row.fingerprint,
    attemptsMade: row.attempts_made,
    redrives: row.redrives,
    firstFailedAt: row.first_failed_at.toISOString(),
    lastFailedAt: row.last_failed_at.toISOString(),
  };
}
