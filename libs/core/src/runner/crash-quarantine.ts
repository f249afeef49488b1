import { Injectable } from '@nestjs/common';
import { DelayedError, type Job } from 'bullmq';

/** How long a job turned away by the quarantine waits before BullMQ offers it again. */
const STEP_ASIDE_MS = 250;

/**
 * Runs jobs that were in flight when a worker died (BullMQ's stalled counter
 * is above 0) alone in this process. Such a job may be the one that killed the
 * worker, or an innocent bystander of that crash. Without isolation a poison
 * message that crashes every worker takes every job running beside it over
 * the stalled limit too, and they all end as dead letters. Run alone, a
 * bystander completes and only the poison crashes again.
 *
 * Jobs never wait in BullMQ's active state behind a quarantined job: they
 * step aside (back to delayed, no attempt used), so a crash while the
 * suspect runs cannot count against them. A suspect itself waits only for
 * the jobs already running to finish; new ones step aside meanwhile.
 */
@Injectable()
export class CrashQuarantine {
  private running = 0;
  private suspectRunning = false;
  private suspectsWaiting = 0;
  private readonly drained: Array<() => void> = [];

  async run<T>(job: Job, token: string | undefined, work: () => Promise<T>): Promise<T> {
    const suspect = (job.stalledCounter ?? 0) > 0;
    if (this.suspectRunning || (!suspect && this.suspectsWaiting > 0)) return this.stepAside(job, token);
    if (!suspect) return this.shared(work);
    this.suspectsWaiting++;
    try {
      while (this.running > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
    } finally {
      this.suspectsWaiting--;
    }
    // Another suspect may have taken the turn while this one waited.
    if (this.suspectRunning) return this.stepAside(job, token);
    this.suspectRunning = true;
    try {
      return await work();
    } finally {
      this.suspectRunning = false;
    }
  }

  private async shared<T>(work: () => Promise<T>): Promise<T> {
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      if (this.running === 0) for (const resolve of this.drained.splice(0)) resolve();
    }
  }

  private async stepAside(job: Job, token: string | undefined): Promise<never> {
    await job.moveToDelayed(Date.now() + STEP_ASIDE_MS, token);
    throw new DelayedError();
  }
}
