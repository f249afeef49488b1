import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '../../db/index.js';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../../foundation/config/core-config.js';
import { DeadLettersRepository } from '../../foundation/repositories/dead-letters.repository.js';
import { type AttemptRecord, JobsRepository } from '../../foundation/repositories/jobs.repository.js';
import { errorFingerprint } from '../dead-letters/fingerprint.js';
import { HandlerRegistry } from '../handlers/handler-registry.js';
import { DeadLetterEvents } from '../dead-letters/dead-letter-events.js';
import { releaseKeysIn } from '../ordering/key-release.js';
import type { OutboxEntry } from '../outbox/outbox-entry.js';
import type { DomainEvent } from '@switchyard/core';
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
    private readonly deadLetters: DeadLettersRepository,
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
      const trail = await this.deadLetters.open(tx, {
        jobId: failure.jobId,
        eventId: event.id,
        eventType: event.type,
        payload: this.redactor.mask(event),
        handler,
        queue: failure.queue,
        errorName,
        errorMessage: message,
        fingerprint: errorFingerprint(handler, errorName, message),
      });
      await this.jobs.markDead(tx, { jobId: failure.jobId, attemptsMade: failure.attempt, startedAt: failure.startedAt, finishedAt: failure.finishedAt, failedReason: message });
      const released = proceed ? await releaseKeysIn(tx, [failure.jobId]) : [];
      const announced = await this.deadLetterEvents.announce(tx, trail);
      return [...released, ...announced];
    });
  }
}

/** Fits error text for Postgres: bounded, without NUL bytes or broken surrogates. */
function truncate(raw: string): string {
  const text = raw.replace(/\u0000/g, '\\0').toWellFormed();
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}… (${text.length - MAX_TEXT} more characters)` : text;
}
