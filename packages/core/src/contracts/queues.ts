// Shapes of the queue, metrics and stream endpoints.

/** Latency percentiles in ms; null when the window saw no jobs. */
export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** How far a queue's workers are behind: what waits, for how long, and how long it would take to drain. */
export interface QueueLag {
  /** Jobs ready to run and not started: waiting + prioritized. */
  backlog: number;
  /** How long the oldest of them has been ready, in ms; 0 when there are none. */
  oldestWaitingAgeMs: number;
  /** backlog ÷ completions per second over the last minute; null when nothing completed. */
  drainTimeMs: number | null;
}

/** `GET /v1/queues`: one queue, its handlers, its job counts, throughput, lag and latencies. */
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

/** One BullMQ job of a queue as `GET /v1/queues/:name/jobs` lists it (data redacted as configured). */
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

/** `GET /v1/queues/:name/jobs`: a range of one state's jobs, with the total in that state. */
export interface QueueJobPage {
  state: string;
  start: number;
  end: number;
  total: number;
  items: QueueJob[];
}

/** One step of a queue's throughput series: jobs completed and failed in it, and the rates. */
export interface ThroughputPoint {
  t: string;
  completed: number;
  failed: number;
  completedPerSec: number;
  failedPerSec: number;
}

/** One step of a queue's lag series; null where no sample fell in the step. */
export interface LagPoint {
  t: string;
  backlog: number | null;
  oldestWaitingAgeMs: number | null;
}

/** `GET /v1/metrics/throughput` and `/v1/metrics/lag`: a queue's time series from `from` to `to`, one point per step. */
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
