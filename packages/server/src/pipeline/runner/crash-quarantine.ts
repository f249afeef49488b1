import { Injectable } from '@nestjs/common';
import { DelayedError, type Job } from 'bullmq';

/** How long a job turned away by the quarantine waits before BullMQ offers it again. */
const STEP_ASIDE_MS = 250;
/** How long fetches already under way get to land (and step aside) before a suspect runs. */
const SETTLE_MS = 50;

/** What the quarantine needs of a BullMQ Worker: to stop and restart fetching. */
export interface JobFetcher {
  pause(doNotWaitActive?: boolean): Promise<void>;
  resume(): Promise<void> | void;
}

/**
 * Runs jobs that were in flight when a worker died (BullMQ's stalled counter
 * is above 0) alone in this process. Such a job may be the one that killed the
 * worker, or an innocent bystander of that crash. Without isolation a poison
 * message that crashes every worker takes the jobs running beside it over
 * the stalled limit too, and they all end as dead letters. Run alone, a
 * bystander completes and only the poison crashes again.
 *
 * While a suspect waits for the running jobs to finish and then runs, the
 * process's workers stop fetching, and any job that still arrives steps
 * aside (back to delayed, no attempt used) at once: nothing else is in
 * BullMQ's active state when the suspect runs, so a crash then counts
 * against the suspect alone.
 */
@Injectable()
export class CrashQuarantine {
  private running = 0;
  private isolating = false;
  private readonly drained: Array<() => void> = [];
  private readonly steppingAside = new Set<Promise<void>>();
  private fetchers: JobFetcher[] = [];
  private stopping = () => false;

  /** The workers to pause while a suspect runs; `stopping` says when not to resume them. */
  attach(fetchers: JobFetcher[], stopping: () => boolean): void {
    this.fetchers = fetchers;
    this.stopping = stopping;
  }

  /**
   * `canCrash: false` for jobs of at-most-once handlers: one that was in flight
   * during a crash either claimed its start then (and is refused without
   * running) or never reached its handler, so it cannot be what crashed the
   * worker and needs no isolation. It still steps aside while a suspect runs.
   */
  async run<T>(job: Job, token: string | undefined, work: () => Promise<T>, { canCrash = true }: { canCrash?: boolean } = {}): Promise<T> {
    if (this.isolating) return this.stepAside(job, token);
    if ((job.stalledCounter ?? 0) === 0 || !canCrash) return this.shared(work);
    this.isolating = true;
    try {
      await Promise.all(this.fetchers.map((fetcher) => fetcher.pause(true)));
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      while (this.running > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
      await Promise.all(this.steppingAside);
      return await work();
    } finally {
      this.isolating = false;
      if (!this.stopping()) await Promise.all(this.fetchers.map((fetcher) => fetcher.resume()));
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
    const moved = job.moveToDelayed(Date.now() + STEP_ASIDE_MS, token);
    const tracked = moved.catch(() => undefined);
    this.steppingAside.add(tracked);
    try {
      await moved;
    } finally {
      this.steppingAside.delete(tracked);
    }
    throw new DelayedError();
  }
}
