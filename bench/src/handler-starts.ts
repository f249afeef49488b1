// What a worker process's handlers measured, and how it answers the harness.
// Switchyard's worker (worker.main.ts) and every peer's worker record the
// same two delays per handler start and reply to the same IPC messages, so a
// scenario measures any of them the same way (Started.ask).
import { sentAtOf } from './payload.js';
import { type ProcessPauses, pausesSummary, resetPauses, watchPauses } from './process-pauses.js';
import { preciseNow, Samples, summarise } from './stats.js';
import type { LatencySummary } from './stats.js';

/** BullMQ's own times of a job, for the workers that run on BullMQ. */
export interface JobTimes {
  /** When the producer's add created the job (job.timestamp). */
  enqueuedAt: number;
  /** When a worker moved it to active (job.processedOn). */
  activeAt: number;
}

/** The reply to {type:'latency'} and {type:'reset'}. */
export interface HandlerStartsSummary {
  started: number;
  fromAccepted: LatencySummary;
  fromSent: LatencySummary;
  /** The worker's share of sent → start, per job, where BullMQ's times were given: created → active, active → handler start. */
  stages: { pickup: LatencySummary; runner: LatencySummary };
  /** The worker process's event-loop lateness and GC pauses since the last reset. */
  pauses: ProcessPauses;
}

/**
 * Per handler start: the time since the event was accepted (when the system
 * under test stored or queued it) and, when the producer put it in the data
 * (`data.bench.sentAt`, see payload.ts), since it was sent.
 */
export class HandlerStarts {
  started = 0;
  readonly fromAccepted = new Samples();
  readonly fromSent = new Samples();
  readonly pickup = new Samples();
  readonly runner = new Samples();

  /** `acceptedAt` in ms since the epoch (NaN or null: unknown); `data` is the event's data; `job` BullMQ's times of the job, if any. */
  record(acceptedAt: number | null, data: unknown, job?: JobTimes): void {
    const now = preciseNow();
    this.started++;
    if (acceptedAt !== null && Number.isFinite(acceptedAt)) this.fromAccepted.push(now - acceptedAt);
    const sentAt = sentAtOf(data);
    if (sentAt === null) return;
    this.fromSent.push(now - sentAt);
    if (!job) return;
    this.pickup.push(job.activeAt - job.enqueuedAt);
    this.runner.push(now - job.activeAt);
  }

  /** Drops the samples; `started` keeps counting (scenarios read differences of it). */
  reset(): void {
    this.fromAccepted.clear();
    this.fromSent.clear();
    this.pickup.clear();
    this.runner.clear();
  }

  summary(): HandlerStartsSummary {
    return {
      started: this.started,
      fromAccepted: summarise(this.fromAccepted.values()),
      fromSent: summarise(this.fromSent.values()),
      stages: { pickup: summarise(this.pickup.values()), runner: summarise(this.runner.values()) },
      pauses: pausesSummary(),
    };
  }
}

/** Answers the harness's {type:'latency'} with the summary and {type:'reset'} by clearing first. */
export function answerOverIpc(starts: HandlerStarts): void {
  watchPauses();
  process.on('message', (message: { type?: string; id?: number }) => {
    if (message.type === 'reset') {
      starts.reset();
      resetPauses();
    }
    if (message.type === 'latency' || message.type === 'reset') process.send?.({ type: 'reply', id: message.id, ...starts.summary() });
  });
}
