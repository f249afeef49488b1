// Shapes of the queue, metrics and stream endpoints.

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface QueueLag {
  /** Jobs ready to run and not started: waiting + prioritized. */
  backlog: number;
  /** How long the oldest of them has been ready, in ms; 0 when there are none. */
  oldestWaitingAgeMs: number;
  /** backlog ÷ completions per second over the last minute; null when nothing completed. */
  drainTimeMs: number | null;
}

export interface QueueSummary {
  name: string;
  handlers: string[];
  paused: boolean;
  workers: number;
  counts: { waiting: number; prioritized: number; delayed: number; active: number; completed: number; failed: number };
  /** Per second, over the last minute. */
  throughput: { completedPerSec: number; failedPerSec: number };
  /** Per second, over the last complete 5-second bucket: the live chart's value. */
  rate: { completedPerSec: number; failedPerSec: number };
  lag: QueueLag;
  /** Over the last 5 minutes, estimated from histograms. */
  waitMs: Percentiles;
  processingMs: Percentiles;
}

export interface QueueJob {
  id: string;
  name: string;
  state: string;
  data: unknown;
  opts: unknown;
  attemptsMade: number;
  createdAt: string;
  processedAt: string | null;
  finishedAt: string | null;
  delayUntil: string | null;
  priority: number | null;
  returnValue: unknown;
  failedReason: string | null;
  stacktrace: string[];
}

export interface QueueJobPage {
  state: string;
  start: number;
  end: number;
  total: number;
  items: QueueJob[];
}

export interface ThroughputPoint {
  t: string;
  completed: number;
  failed: number;
  completedPerSec: number;
  failedPerSec: number;
}

export interface LagPoint {
  t: string;
  backlog: number | null;
  oldestWaitingAgeMs: number | null;
}

export interface MetricSeries<P> {
  queue: string;
  stepSeconds: number;
  from: string;
  to: string;
  points: P[];
}

/** One message of `GET /v1/stream`: every queue's summary at one instant. */
export interface QueuesSnapshot {
  at: string;
  queues: QueueSummary[];
}
