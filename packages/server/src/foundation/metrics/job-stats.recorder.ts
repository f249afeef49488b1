import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../config/core-config.js';
import { RedisConnection } from '../connections/redis-connection.js';
import { binOf, DURATION_BOUNDS_MS } from './histogram.js';
import { PrometheusMetrics } from './prometheus-metrics.js';
import { bucketStart, RESOLUTIONS, statsKey } from './time-series-keys.js';

const FLUSH_EVERY_MS = 1_000;

/** One queue's and handler's jobs since the last fold. */
interface Tally {
  completed: number;
  failed: number;
  retried: number;
  /** Counts per duration bin (binOf), and the sum of the durations in ms. */
  wait: number[];
  waitSumMs: number;
  processing: number[];
  processingSumMs: number;
}

/**
 * Counts what workers do (completions, failures, retries, wait and
 * processing times) in memory and adds the counts to the Redis time series
 * once a second, in one pipeline: a handful of commands per second, and
 * figures that outlive any API or worker process. The same counts feed this
 * process's Prometheus metrics.
 *
 * A job only bumps numbers in its queue's and handler's tally. The tallies
 * are folded into Redis fields and Prometheus series when their 5-second
 * bucket ends, before each flush and before each scrape: string keys and
 * label hashing per job cost a no-op job's drain several percent.
 */
@Injectable()
export class JobStatsRecorder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobStatsRecorder.name);
  /** key → field → increment, waiting for the next flush */
  private pending = new Map<string, Map<string, number>>();
  private timer: NodeJS.Timeout | null = null;
  private failing = false;
  /** queue → handler → tally */
  private readonly tallies = new Map<string, Map<string, Tally>>();
  /** When the tallies' bucket started and ends (ms); -1 while nothing is tallied. */
  private tallyFrom = -1;
  private tallyUntil = -1;

  constructor(
    private readonly redis: RedisConnection,
    private readonly metrics: PrometheusMetrics,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
  ) {
    metrics.beforeScrape(() => this.fold());
  }

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
    const tally = this.tallyOf(queue, handler);
    tally.completed++;
    this.durations(tally, waitMs, processingMs);
  }

  /** An attempt failed; `final` when no attempt follows (the job is dead-lettered). */
  failed(queue: string, handler: string, final: boolean, waitMs: number | null, processingMs: number): void {
    const tally = this.tallyOf(queue, handler);
    if (final) tally.failed++;
    else tally.retried++;
    this.durations(tally, waitMs, processingMs);
  }

  private durations(tally: Tally, waitMs: number | null, processingMs: number): void {
    if (waitMs !== null) {
      tally.wait[binOf(waitMs)]++;
      tally.waitSumMs += waitMs;
    }
    tally.processing[binOf(processingMs)]++;
    tally.processingSumMs += processingMs;
  }

  private tallyOf(queue: string, handler: string): Tally {
    const now = Date.now();
    if (now >= this.tallyUntil) {
      this.fold();
      this.tallyFrom = bucketStart(now, RESOLUTIONS.fine) * 1000;
      this.tallyUntil = this.tallyFrom + RESOLUTIONS.fine.seconds * 1000;
    }
    let byHandler = this.tallies.get(queue);
    if (!byHandler) this.tallies.set(queue, (byHandler = new Map()));
    let tally = byHandler.get(handler);
    if (!tally) byHandler.set(handler, (tally = emptyTally()));
    return tally;
  }

  /** Moves the tallies into the pending Redis fields of their bucket and into the Prometheus series. */
  private fold(): void {
    if (this.tallyFrom < 0) return;
    const [fine, coarse] = [RESOLUTIONS.fine, RESOLUTIONS.coarse].map((resolution) => {
      const key = statsKey(this.config.queuePrefix, resolution, bucketStart(this.tallyFrom, resolution));
      let fields = this.pending.get(key);
      if (!fields) this.pending.set(key, (fields = new Map()));
      return fields;
    });
    const add = (field: string, amount: number) => {
      if (amount === 0) return;
      fine.set(field, (fine.get(field) ?? 0) + amount);
      coarse.set(field, (coarse.get(field) ?? 0) + amount);
    };
    const { metrics } = this;
    for (const [queue, byHandler] of this.tallies) {
      const queueWait = emptyBins();
      let queueWaitSumMs = 0;
      for (const [handler, tally] of byHandler) {
        add(`${queue}|c`, tally.completed);
        add(`${queue}|f`, tally.failed);
        add(`${queue}|r`, tally.retried);
        tally.wait.forEach((count, bin) => {
          add(`${queue}|w|${bin}`, count);
          queueWait[bin] += count;
        });
        queueWaitSumMs += tally.waitSumMs;
        tally.processing.forEach((count, bin) => add(`${queue}|p|${bin}`, count));
        const labels = { queue, handler };
        if (tally.completed) metrics.jobsCompleted.inc(labels, tally.completed);
        if (tally.failed) metrics.jobsFailed.inc(labels, tally.failed);
        if (tally.retried) metrics.jobsRetried.inc(labels, tally.retried);
        // Every tallied attempt has a processing time.
        metrics.jobProcessing.add(`${queue}|${handler}`, labels, tally.processing, tally.processingSumMs / 1000);
      }
      if (queueWait.some((count) => count > 0)) metrics.jobWait.add(queue, { queue }, queueWait, queueWaitSumMs / 1000);
    }
    this.tallies.clear();
    this.tallyFrom = this.tallyUntil = -1;
  }

  /** Adds the counts gathered since the last flush to Redis; on failure they are kept for the next. */
  async flush(): Promise<void> {
    this.fold();
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
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
    let fields = this.pending.get(key);
    if (!fields) this.pending.set(key, (fields = new Map()));
    fields.set(field, (fields.get(field) ?? 0) + amount);
  }
}

function emptyTally(): Tally {
  return { completed: 0, failed: 0, retried: 0, wait: emptyBins(), waitSumMs: 0, processing: emptyBins(), processingSumMs: 0 };
}

/** A count per duration bin (binOf), the overflow bin included. */
function emptyBins(): number[] {
  return new Array<number>(DURATION_BOUNDS_MS.length + 1).fill(0);
}
