import { Inject, Injectable } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../../foundation/config/core-config.js';
import { JobsRepository } from '../../foundation/repositories/jobs.repository.js';
import { NonRetryableError } from '@switchyard/core';

/** What a job of an at-most-once handler may do when it is about to start. */
export type StartVerdict =
  /** First start of this job: the claim is committed, run the handler. */
  | { kind: 'claimed' }
  /** A copy of a job that completed (a republish after BullMQ dropped it): nothing to do. */
  | { kind: 'completed-before' }
  /** Its dead letter is written already (a crash between that write and BullMQ hearing of it): fail it as it was. */
  | { kind: 'dead-before'; reason: string }
  /** It started before and may have run: do not run it again. */
  | { kind: 'started-before'; startedAt: Date | null; workerId: string | null };

/**
 * Thrown instead of running an at-most-once job a second time. Non-retryable,
 * so the job becomes a dead letter with this reason; an operator's redrive is
 * a new delivery with a new job id and runs.
 */
export class StartedBeforeError extends NonRetryableError {
  override readonly name = 'StartedBeforeError';
}

/**
 * At-most-once delivery, per job rather than per queue: BullMQ's stalled
 * limit is a Worker setting shared by every handler on the queue, and jobs
 * also come back through other doors (the SIGTERM hand-back, an outbox
 * republish, the crash quarantine). So each job of an at-most-once handler
 * claims its start in Postgres, committed before the handler runs; whichever
 * door a second start comes through, it finds the claim.
 */
@Injectable()
export class StartClaim {
  constructor(
    private readonly jobs: JobsRepository,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
  ) {}

  /** Claims the start of `jobId`; throws only when Postgres cannot be asked (the handler has not run then). */
  async claim(job: { jobId: string; eventId: string; handler: string }): Promise<StartVerdict> {
    const found = await this.jobs.claimStart({ ...job, workerId: this.config.worker.id });
    if (found.claimed) return { kind: 'claimed' };
    if (found.outcome === 'completed') return { kind: 'completed-before' };
    if (found.outcome === 'dead') return { kind: 'dead-before', reason: found.failedReason ?? 'failed for good before' };
    return { kind: 'started-before', startedAt: found.startedAt, workerId: found.workerId };
  }

  /** The dead letter's reason for a second start. */
  static refusal(jobId: string, handler: string, verdict: Extract<StartVerdict, { kind: 'started-before' }>): StartedBeforeError {
    // Details quoted, so every refusal of a handler falls in one dead-letter group (see fingerprint.ts).
    const started = `"${verdict.startedAt?.toISOString() ?? 'unknown'}" on worker "${verdict.workerId ?? 'unknown'}"`;
    return new StartedBeforeError(
      `Job "${jobId}" of at-most-once handler ${handler} started before (${started}) and may have run; ` +
        'at-most-once does not re-run it (retry the dead letter to deliver it again)',
    );
  }
}
