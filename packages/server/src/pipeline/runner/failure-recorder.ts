import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '../../db/index.js';
import { v7 as uuidv7 } from 'uuid';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../../foundation/config/core-config.js';
import { type AttemptRecord, JobsRepository } from '../../foundation/repositories/jobs.repository.js';
import { errorFingerprint } from '../dead-letters/fingerprint.js';
import { HandlerRegistry } from '../handlers/handler-registry.js';
import { DeadLetterEvents } from '../dead-letters/dead-letter-events.js';
import { releaseKeysIn } from '../ordering/key-release.js';
import type { OutboxEntry } from '../outbox/outbox-entry.js';
import type { DomainEvent } from '@switchyard/core/internal';
import { Redactor } from '../../foundation/redaction/redactor.js';

export interface FailedAttempt {
  jobId: string;
  queue: string;
  handler: string;
  event: DomainEvent;
  attempt: number;
  error: Error;
  retryable: boolean;
  /** No attempt follows: write the dead letter. */
  final: boolean;
  startedAt: Date;
  finishedAt: Date;
}

const MAX_TEXT = 16_384;

/**
 * Records a failed attempt, and on the last one the dead letter, in one
 * transaction. The dead letter is unique per (event, handler): a job that
 * fails for good twice (killed after the write, then re-run, or redriven by
 * an operator and failing again) keeps one record whose attempt history
 * grows; it goes back to `open`, and its trail says so. The payload is
 * stored with REDACT_PATHS masked (a retry takes the data from the event);
 * the error arrives masked already (see JobProcessor). For a handler ordered
 * by key with `afterDeadLetter: 'proceed'`, the same transaction moves the
 * key on to its next job; with `block` the key waits on this dead letter.
 * The same transaction writes `switchyard.job.dead_lettered` (DeadLetterEvents).
 */
@Injectable()
export class FailureRecorder {
  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: JobsRepository,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    private readonly redactor: Redactor,
    private readonly registry: HandlerRegistry,
    private readonly deadLetterEvents: DeadLetterEvents,
  ) {}

  /**
   * Records the attempt; on the last one also the dead letter, its trail,
   * the job's outcome, the key's release (ordered handlers) and the
   * `switchyard.job.dead_lettered` event, in one transaction. Returns the
   * jobs to publish once it committed (the key's next job, the event's
   * fan-out); the caller publishes them, and the relay does if it dies first.
   */
  async record(failure: FailedAttempt): Promise<OutboxEntry[]> {
    const { event, handler, error } = failure;
    const message = truncate(error.message || String(error));
    const errorName = error.name || 'Error';
    const attempt: AttemptRecord = {
      jobId: failure.jobId,
      eventId: event.id,
      handler,
      queue: failure.queue,
      attempt: failure.attempt,
      workerId: this.config.worker.id,
      startedAt: failure.startedAt,
      finishedAt: failure.finishedAt,
      errorName,
      errorMessage: message,
      errorStack: error.stack ? truncate(error.stack) : null,
      retryable: failure.retryable,
    };
    if (!failure.final) {
      await this.jobs.recordAttempt(attempt);
      return [];
    }
    // A handler no longer ordered (or no longer deployed) lets its keys go: nothing would ever unblock them.
    // For an unordered job the release is a no-op, and dead letters are rare enough not to skip it.
    const ordering = this.registry.get(handler)?.definition.ordering;
    const proceed = ordering ? ordering.afterDeadLetter === 'proceed' : true;
    return this.prisma.$transaction(async (tx) => {
      await this.jobs.recordAttempt(attempt, tx);
      // Upsert the dead letter and note the transition in its trail, in one statement.
      const trail = await tx.$queryRaw<Array<{ id: bigint }>>`
        WITH previous AS (
          -- No FOR UPDATE: the upsert below changes this row in the same statement, and a
          -- locking read skips rows its own statement updated; the snapshot read sees the old status.
          SELECT id, status FROM switchyard.dead_letters WHERE event_id = ${event.id}::uuid AND handler = ${handler}
        ), history AS (
          SELECT count(*)::int AS attempts, min(finished_at) AS first_at, max(finished_at) AS last_at
          FROM switchyard.job_attempts WHERE event_id = ${event.id}::uuid AND handler = ${handler}
        ), upserted AS (
          INSERT INTO switchyard.dead_letters (id, job_id, event_id, event_type, handler, queue, payload, error_name, error_message,
                                    fingerprint, attempts_made, first_failed_at, last_failed_at, status)
          SELECT ${uuidv7()}::uuid, ${failure.jobId}, ${event.id}::uuid, ${event.type}, ${handler}, ${failure.queue},
                 ${JSON.stringify(this.redactor.mask(event))}::jsonb, ${errorName}, ${message},
                 ${errorFingerprint(handler, errorName, message)}, h.attempts, h.first_at, h.last_at, 'open'
          FROM history h
          ON CONFLICT (event_id, handler) DO UPDATE
            SET job_id = excluded.job_id, error_name = excluded.error_name, error_message = excluded.error_message,
                fingerprint = excluded.fingerprint, attempts_made = excluded.attempts_made,
                first_failed_at = excluded.first_failed_at, last_failed_at = excluded.last_failed_at,
                status = 'open', updated_at = now()
          RETURNING id
        )
        INSERT INTO switchyard.dead_letter_actions (dead_letter_id, actor, action, from_status, to_status, job_id, reason)
        SELECT u.id, 'system', CASE WHEN p.id IS NULL THEN 'dead-lettered' ELSE 'failed-again' END,
               COALESCE(p.status, 'none'), 'open', ${failure.jobId}, ${message}
        FROM upserted u LEFT JOIN previous p ON p.id = u.id
        RETURNING id`;
      await this.jobs.markDead(tx, { jobId: failure.jobId, attemptsMade: failure.attempt, startedAt: failure.startedAt, finishedAt: failure.finishedAt, failedReason: message });
      const released = proceed ? await releaseKeysIn(tx, [failure.jobId]) : [];
      const announced = await this.deadLetterEvents.announce(tx, trail.map((row) => row.id));
      return [...released, ...announced];
    });
  }
}

/** Fits error text for Postgres: bounded, without NUL bytes or broken surrogates. */
function truncate(raw: string): string {
  const text = raw.replace(/\u0000/g, '\\0').toWellFormed();
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}… (${text.length - MAX_TEXT} more characters)` : text;
}
