import { Inject, Injectable, Logger } from '@nestjs/common';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../../foundation/config/core-config.js';
import { HandlerRegistry } from '../handlers/handler-registry.js';
import { isNonRetryable } from '@switchyard/core';
import type { OutboxEntry } from '../outbox/outbox-entry.js';
import type { JobPayload } from '../queues/job-payload.js';
import { OutboxPublisher } from '../outbox/outbox-publisher.js';
import { JobStatsRecorder } from '../../foundation/metrics/job-stats.recorder.js';
import { OrderingKeys } from '../ordering/ordering-keys.service.js';
import { Redactor } from '../../foundation/redaction/redactor.js';
import { DeadLetterResolver } from './dead-letter-resolver.js';
import { FailureRecorder } from './failure-recorder.js';
import { HandlerContextFactory } from './handler-context.factory.js';
import { OutcomeRecorder } from './outcome-recorder.js';
import { StartClaim, type StartVerdict } from './start-claim.js';

/** How long a job whose dead letter (or at-most-once start claim, or key release) could not be written waits before trying again. */
const DEAD_LETTER_RETRY_MS = 5_000;

/**
 * Runs one attempt of one job: finds its handler, gives it a context, and
 * turns the outcome into BullMQ's terms. A failure is recorded in Postgres
 * before BullMQ hears of it; on the last attempt that record is the dead
 * letter, and a job whose dead letter cannot be written is put back to wait
 * rather than let go.
 */
@Injectable()
export class JobProcessor {
  private readonly logger = new Logger(JobProcessor.name);
  /** Errors thrown after their attempt was recorded, so BullMQ's `failed` event can tell them apart. */
  private readonly recorded = new WeakSet<Error>();

  constructor(
    private readonly registry: HandlerRegistry,
    private readonly contexts: HandlerContextFactory,
    private readonly failures: FailureRecorder,
    private readonly outcomes: OutcomeRecorder,
    private readonly stats: JobStatsRecorder,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    private readonly redactor: Redactor,
    private readonly starts: StartClaim,
    private readonly orderingKeys: OrderingKeys,
    private readonly resolver: DeadLetterResolver,
    private readonly publisher: OutboxPublisher,
  ) {}

  /** Whether `error` came out of `process()` after its attempt was recorded. */
  wasRecorded(error: Error): boolean {
    return this.recorded.has(error);
  }

  /**
   * An ordered job's key moves on before BullMQ hears the job completed. If
   * Postgres cannot take that now, the job goes back to delayed without
   * using an attempt; its re-run finds its effects applied and tries again.
   */
  private async moveKeyOn(job: Job<JobPayload>, token: string | undefined): Promise<void> {
    try {
      await this.orderingKeys.completed(job.id ?? '');
    } catch (error) {
      this.logger.warn(`Job ${job.id} completed but its ordering key could not move on (${(error as Error).message}); holding it for ${DEAD_LETTER_RETRY_MS} ms`);
      await job.moveToDelayed(Date.now() + DEAD_LETTER_RETRY_MS, token);
      throw new DelayedError();
    }
  }

  async process(job: Job<JobPayload>, token?: string): Promise<unknown> {
    const startedAt = new Date();
    const ctx = this.contexts.create(job, this.registry.get(job.name)?.definition);
    const event = job.data.event;
    const waitMs = waitBeforeFirstStart(job);
    const registered = this.registry.get(job.name);
    let refusal: Error | null = null;
    if (registered?.definition.delivery === 'at-most-once') {
      const verdict = await this.claimStart(job, token, event.id);
      if (verdict.kind === 'completed-before') return null;
      if (verdict.kind === 'started-before') refusal = StartClaim.refusal(ctx.jobId, job.name, verdict);
    }
    try {
      if (!registered) {
        // Most likely a rolling deploy: an older worker meets a newer handler. Retry, do not drop.
        throw new Error(`Worker ${this.config.worker.id} has no handler named "${job.name}" for queue ${job.queueName}`);
      }
      // Recorded like a failure of the handler: the dead letter carries the reason.
      if (refusal) throw refusal;
      const result = await registered.instance.handle(event, ctx);
      if (registered.definition.ordering || job.data.orderingKey) await this.moveKeyOn(job, token);
      // Only a job that failed or stalled before, or a redrive or replay, can have a dead letter to resolve.
      if (ctx.attempt > 1 || (job.attemptsStarted ?? 1) > 1 || ctx.delivery.kind !== 'fanout') await this.resolveDeadLetter(job, token, event.id);
      const finishedAt = new Date();
      this.outcomes.completed({
        jobId: ctx.jobId,
        eventId: event.id,
        handler: job.name,
        attemptsMade: ctx.attempt,
        processedAt: startedAt,
        finishedAt,
      });
      this.stats.completed(ctx.queue, ctx.handler, waitMs, finishedAt.getTime() - startedAt.getTime());
      return result ?? null;
    } catch (thrown) {
      if (thrown instanceof DelayedError) throw thrown;
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      // A message echoing a redacted value (a gateway quoting the card token)
      // would carry it into job_attempts, the dead letter and BullMQ's failedReason.
      if (this.redactor.enabled) {
        error.message = this.redactor.maskText(error.message, event);
        if (error.stack) error.stack = this.redactor.maskText(error.stack, event);
      }
      const retryable = !isNonRetryable(error);
      const final = !retryable || ctx.attempt >= ctx.maxAttempts;
      this.stats.failed(ctx.queue, ctx.handler, final, waitMs, Date.now() - startedAt.getTime());
      let toPublish: OutboxEntry[] = [];
      try {
        toPublish = await this.failures.record({
          jobId: ctx.jobId,
          queue: ctx.queue,
          handler: ctx.handler,
          event,
          attempt: ctx.attempt,
          error,
          retryable,
          final,
          startedAt,
          finishedAt: new Date(),
        });
      } catch (recordError) {
        if (!final) {
          this.logger.warn(`Attempt ${ctx.attempt} of job ${ctx.jobId} failed and could not be recorded: ${(recordError as Error).message}`);
        } else {
          this.logger.error(
            `Job ${ctx.jobId} failed for good but its dead letter could not be written (${(recordError as Error).message}); holding it for ${DEAD_LETTER_RETRY_MS} ms`,
          );
          // Back to delayed without using an attempt: it comes back here as the last attempt again.
          await job.moveToDelayed(Date.now() + DEAD_LETTER_RETRY_MS, token);
          throw new DelayedError();
        }
      }
      // The key's next job and the dead_lettered event's fan-out; the relay publishes them if we die first.
      await this.publisher.publishAfterCommit(toPublish);
      const rethrown = retryable ? error : new UnrecoverableError(error.message);
      this.recorded.add(rethrown);
      throw rethrown;
    }
  }

  /**
   * A job that succeeded resolves its dead letter, if it has one, before
   * BullMQ hears it completed (see DeadLetterResolver). If Postgres cannot
   * take that now, the job waits as in moveKeyOn and its re-run resolves.
   */
  private async resolveDeadLetter(job: Job<JobPayload>, token: string | undefined, eventId: string): Promise<void> {
    let toPublish: OutboxEntry[];
    try {
      toPublish = await this.resolver.resolve({ jobId: job.id ?? '', eventId, handler: job.name });
    } catch (error) {
      this.logger.warn(`Job ${job.id} completed but its dead letter could not be resolved (${(error as Error).message}); holding it for ${DEAD_LETTER_RETRY_MS} ms`);
      await job.moveToDelayed(Date.now() + DEAD_LETTER_RETRY_MS, token);
      throw new DelayedError();
    }
    await this.publisher.publishAfterCommit(toPublish);
  }

  /**
   * Claims the start of an at-most-once job (see StartClaim). A job whose
   * dead letter exists already is failed here as it was, without another
   * record. If the claim cannot be written the handler has not run, so the
   * job waits and comes back without using its one attempt.
   */
  private async claimStart(job: Job<JobPayload>, token: string | undefined, eventId: string): Promise<StartVerdict> {
    let verdict: StartVerdict;
    try {
      verdict = await this.starts.claim({ jobId: job.id ?? '', eventId, handler: job.name });
    } catch (error) {
      this.logger.warn(`Could not claim the start of at-most-once job ${job.id} (${(error as Error).message}); holding it for ${DEAD_LETTER_RETRY_MS} ms`);
      await job.moveToDelayed(Date.now() + DEAD_LETTER_RETRY_MS, token);
      throw new DelayedError();
    }
    if (verdict.kind === 'dead-before') {
      const failed = new UnrecoverableError(verdict.reason);
      this.recorded.add(failed);
      throw failed;
    }
    if (verdict.kind === 'completed-before') this.logger.warn(`At-most-once job ${job.id} completed before; not running it again`);
    return verdict;
  }
}

/** How long a job waited from becoming ready to its first start; null on retries and re-runs. */
function waitBeforeFirstStart(job: Job<JobPayload>): number | null {
  if (job.attemptsMade > 0 || (job.attemptsStarted ?? 1) > 1 || !job.processedOn) return null;
  return Math.max(0, job.processedOn - (job.timestamp + (job.delay ?? 0)));
}
