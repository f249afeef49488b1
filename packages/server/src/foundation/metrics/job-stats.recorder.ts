import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../config/core-config.js';
import { RedisConnection } from '../connections/redis-connection.js';
import { binOf } from './histogram.js';
import { PrometheusMetrics } from './prometheus-metrics.js';
import { bucketStart, RESOLUTIONS, statsKey } from './time-series-keys.js';

const FLUSH_EVERY_MS = 1_000;

/**
 * Counts what workers do (completions, failures, retries, wait and
 * processing times) in memory and adds the counts to the Redis time series
 * once a second, in one pipeline: O(1) per job on the hot path, a handful of
 * commands per second, and figures that outlive any API or worker process.
 * The same events feed this process's Prometheus metrics.
 */
@Injectable()
export class JobStatsRecorder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobStatsRecorder.name);
  /** key → field → increment */
  private pending = new Map<string, Map<string, number>>();
  private timer: NodeJS.Timeout | null = null;
  private failing = false;
  private currentSecond = -1;
  private currentBuckets: [Map<string, number>, Map<string, number>] | null = null;

  constructor(
    private readonly redis: RedisConnection,
    private readonly metrics: PrometheusMetrics,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  /** A job finished; `waitMs` is how long it waited to start (first attempts only), null otherwise. */
  completed(queue: string, handler: string, waitMs: number | null, processingMs: number): void {
    this.add(queue, 'c', 1);
    this.durations(queue, handler, waitMs, processingMs);
    this.metrics.jobsCompleted.inc({ queue, handler });
  }

  /** An attempt failed; `final` when no attempt follows (the job is dead-lettered). */
  failed(queue: string, handler: string, final: boolean, waitMs: number | null, processingMs: number): void {
    this.add(queue, final ? 'f' : 'r', 1);
    this.durations(queue, handler, waitMs, processingMs);
    (final ? this.metrics.jobsFailed : this.metrics.jobsRetried).inc({ queue, handler });
  }

  private durations(queue: string, handler: string, waitMs: number | null, processingMs: number): void {
    if (waitMs !== null) {
      this.add(queue, `w|${binOf(waitMs)}`, 1);
      this.metrics.jobWait.observe({ queue }, waitMs / 1000);
    }
    this.add(queue, `p|${binOf(processingMs)}`, 1);
    this.metrics.jobProcessing.observe({ queue, handler }, processingMs / 1000);
  }

  /** The two bucket keys of the current second, computed once per second rather than per job. */
  private keysFor(now: number): [Map<string, number>, Map<string, number>] {
    const second = Math.floor(now / 1000);
    if (second !== this.currentSecond || !this.currentBuckets) {
      this.currentSecond = second;
      this.currentBuckets = [RESOLUTIONS.fine, RESOLUTIONS.coarse].map((resolution) => {
        const key = statsKey(this.config.queuePrefix, resolution, bucketStart(now, resolution));
        let fields = this.pending.get(key);
        if (!fields) this.pending.set(key, (fields = new Map()));
        return fields;
      }) as [Map<string, number>, Map<string, number>];
    }
    return this.currentBuckets;
  }

  private add(queue: string, what: string, amount: number): void {
    const field = `${queue}|${what}`;
    for (const fields of this.keysFor(Date.now())) fields.set(field, (fields.get(field) ?? 0) + amount);
  }

  /** Adds the counts gathered since the last flush to Redis; on failure they are kept for the next. */
  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.currentBuckets = null;
    // MULTI: all the increments apply or none do, so a retry after a failure never counts twice.
    const transaction = this.redis.client.multi();
    for (const [key, fields] of batch) {
      for (const [field, amount] of fields) transaction.hincrby(key, field, amount);
      transaction.expire(key, key.includes(':1m:') ? RESOLUTIONS.coarse.ttlSeconds : RESOLUTIONS.fine.ttlSeconds);
    }
    try {
      const results = (await transaction.exec()) ?? [];
      const error = results.find(([failure]) => failure)?.[0];
      if (error) throw error;
      if (this.failing) this.logger.log('Job statistics flowing to Redis again');
      this.failing = false;
    } catch (error) {
      // Keep the counts: merge them back so the next flush carries them.
      for (const [key, fields] of batch) for (const [field, amount] of fields) this.mergeBack(key, field, amount);
      if (!this.failing) this.logger.warn(`Job statistics not written yet: ${(error as Error).message}`);
      this.failing = true;
    }
  }

  private mergeBack(key: string, field: string, amount: number): void {
    this.currentBuckets = null;
    let fields = this.pending.get(key);
    if (!fields) this.pending.set(key, (fields = new Map()));
    fields.set(field, (fields.get(field) ?? 0) + amount);
  }
}
