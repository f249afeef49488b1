import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '@switchyard/db';
import { v7 as uuidv7 } from 'uuid';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../config/core-config.js';
import type { DomainEvent } from '../handlers/handler.types.js';

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
 * fails for good twice (killed after the write, then re-run) keeps one record
 * whose attempt history grows, and it reopens if it was being retried.
 */
@Injectable()
export class FailureRecorder {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
  ) {}

  async record(failure: FailedAttempt): Promise<void> {
    const { event, handler, error } = failure;
    const message = truncate(error.message || String(error));
    const attempt = this.prisma.$executeRaw`
      INSERT INTO job_attempts (job_id, event_id, handler, queue, attempt, worker_id, started_at, finished_at,
                                duration_ms, error_name, error_message, error_stack, retryable)
      VALUES (${failure.jobId}, ${event.id}::uuid, ${handler}, ${failure.queue}, ${failure.attempt}, ${this.config.worker.id},
              ${failure.startedAt}, ${failure.finishedAt}, ${failure.finishedAt.getTime() - failure.startedAt.getTime()},
              ${error.name || 'Error'}, ${message}, ${error.stack ? truncate(error.stack) : null}, ${failure.retryable})`;
    if (!failure.final) {
      await attempt;
      return;
    }
    await this.prisma.$transaction([
      attempt,
      this.prisma.$executeRaw`
        INSERT INTO dead_letters (id, job_id, event_id, event_type, handler, queue, payload, error_name, error_message,
                                  attempts_made, first_failed_at, last_failed_at, status)
        SELECT ${uuidv7()}::uuid, ${failure.jobId}, ${event.id}::uuid, ${event.type}, ${handler}, ${failure.queue},
               ${JSON.stringify(event)}::jsonb, ${error.name || 'Error'}, ${message},
               count(*), min(a.finished_at), max(a.finished_at), 'open'
        FROM job_attempts a WHERE a.event_id = ${event.id}::uuid AND a.handler = ${handler}
        ON CONFLICT (event_id, handler) DO UPDATE
          SET job_id = excluded.job_id, error_name = excluded.error_name, error_message = excluded.error_message,
              attempts_made = excluded.attempts_made, first_failed_at = excluded.first_failed_at,
              last_failed_at = excluded.last_failed_at, status = 'open', updated_at = now()`,
      this.prisma.$executeRaw`
        UPDATE jobs SET outcome = 'dead', attempts_made = ${failure.attempt}, finished_at = ${failure.finishedAt},
                        processed_at = COALESCE(processed_at, ${failure.startedAt}), failed_reason = ${message}
        WHERE event_id = ${event.id}::uuid AND handler = ${handler}`,
    ]);
  }
}

/** Fits error text for Postgres: bounded, without NUL bytes or broken surrogates. */
function truncate(raw: string): string {
  const text = raw.replace(/\u0000/g, '\\0').toWellFormed();
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}… (${text.length - MAX_TEXT} more characters)` : text;
}
