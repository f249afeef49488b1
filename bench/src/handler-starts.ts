// What a worker process's handlers measured, and how it answers the harness.
// Switchyard's worker (worker.main.ts) and every peer's worker record the
// same two delays per handler start and reply to the same IPC messages, so a
// scenario measures any of them the same way (Started.ask).
import { Samples, summarise } from './stats.js';
import type { LatencySummary } from './stats.js';

/** The reply to {type:'latency'} and {type:'reset'}. */
export interface HandlerStartsSummary {
  started: number;
  fromAccepted: LatencySummary;
  fromSent: LatencySummary;
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

  /** `acceptedAt` in ms since the epoch (NaN or null: unknown); `data` is the event's data. */
  record(acceptedAt: number | null, data: unknown): void {
    const now = Date.now();
    this.started++;
    if (acceptedAt !== null && Number.isFinite(acceptedAt)) this.fromAccepted.push(now - acceptedAt);
    const sentAt = (data as { bench?: { sentAt?: unknown } } | null | undefined)?.bench?.sentAt;
    if (typeof sentAt === 'number') this.fromSent.push(now - sentAt);
  }

  /** Drops the samples; `started` keeps counting (scenarios read differences of it). */
  reset(): void {
    this.fromAccepted.clear();
    this.fromSent.clear();
  }

  summary(): HandlerStartsSummary {
    return { started: this.started, fromAccepted: summarise(this.fromAccepted.values()), fromSent: summarise(this.fromSent.values()) };
  }
}

/** Answers the harness's {type:'latency'} with the summary and {type:'reset'} by clearing first. */
export function answerOverIpc(starts: HandlerStarts): void {
  process.on('message', (message: { type?: string; id?: number }) => {
    if (message.type === 'reset') starts.reset();
    if (message.type === 'latency' || message.type === 'reset') process.send?.({ type: 'reply', id: message.id, ...starts.summary() });
  });
}
