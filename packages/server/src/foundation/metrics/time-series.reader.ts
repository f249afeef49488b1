import { Inject, Injectable } from '@nestjs/common';
import type { LagPoint, MetricSeries, ThroughputPoint } from '@switchyard/core/contracts';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../config/core-config.js';
import { ProblemError, problems } from '../problems/problem.js';
import { RedisConnection } from '../connections/redis-connection.js';
import { DURATION_BOUNDS_MS } from './histogram.js';
import { bucketStart, lagKey, RESOLUTIONS, type Resolution, statsKey } from './time-series-keys.js';

export interface RecentStats {
  completedPerSec: number;
  failedPerSec: number;
  /** Over the last complete 5-second bucket. */
  lastCompletedPerSec: number;
  lastFailedPerSec: number;
  waitBins: number[];
  processingBins: number[];
}

const MAX_POINTS = 2_000;
const BINS = DURATION_BOUNDS_MS.length + 1;

/** Reads the per-queue time series that workers and the lag sampler write to Redis. */
@Injectable()
export class TimeSeriesReader {
  constructor(
    private readonly redis: RedisConnection,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
  ) {}

  /** Rates over the last minute and duration histograms over the last five, per queue. */
  async recent(queues: string[], now = Date.now()): Promise<Map<string, RecentStats>> {
    const fine = RESOLUTIONS.fine;
    const current = bucketStart(now, fine);
    // The current bucket is still filling: rates use the 12 complete ones before it.
    const buckets = Array.from({ length: 60 }, (_, index) => current - (index + 1) * fine.seconds);
    const hashes = await this.hashes(buckets.map((bucket) => statsKey(this.config.queuePrefix, fine, bucket)));
    const stats = new Map<string, RecentStats>();
    for (const queue of queues) {
      const entry: RecentStats = {
        completedPerSec: 0,
        failedPerSec: 0,
        lastCompletedPerSec: Number(hashes[0]?.[`${queue}|c`] ?? 0) / fine.seconds,
        lastFailedPerSec: Number(hashes[0]?.[`${queue}|f`] ?? 0) / fine.seconds,
        waitBins: new Array(BINS).fill(0),
        processingBins: new Array(BINS).fill(0),
      };
      hashes.forEach((hash, index) => {
        if (index < 12) {
          entry.completedPerSec += Number(hash[`${queue}|c`] ?? 0) / 60;
          entry.failedPerSec += Number(hash[`${queue}|f`] ?? 0) / 60;
        }
        for (let bin = 0; bin < BINS; bin++) {
          entry.waitBins[bin] += Number(hash[`${queue}|w|${bin}`] ?? 0);
          entry.processingBins[bin] += Number(hash[`${queue}|p|${bin}`] ?? 0);
        }
      });
      stats.set(queue, entry);
    }
    return stats;
  }

  async throughput(queue: string, query: SeriesQuery): Promise<MetricSeries<ThroughputPoint>> {
    const range = this.range(query);
    const keys = range.buckets.map((bucket) => statsKey(this.config.queuePrefix, range.resolution, bucket));
    const hashes = await this.hashes(keys);
    const points: ThroughputPoint[] = [];
    for (let start = 0; start < hashes.length; start += range.perPoint) {
      const window = hashes.slice(start, start + range.perPoint);
      const completed = window.reduce((sum, hash) => sum + Number(hash[`${queue}|c`] ?? 0), 0);
      const failed = window.reduce((sum, hash) => sum + Number(hash[`${queue}|f`] ?? 0), 0);
      points.push({
        t: new Date(range.buckets[start] * 1000).toISOString(),
        completed,
        failed,
        completedPerSec: completed / range.step,
        failedPerSec: failed / range.step,
      });
    }
    return { queue, stepSeconds: range.step, from: range.from.toISOString(), to: range.to.toISOString(), points };
  }

  async lag(queue: string, query: SeriesQuery): Promise<MetricSeries<LagPoint>> {
    const range = this.range(query);
    const hashes = await this.hashes(range.buckets.map((bucket) => lagKey(this.config.queuePrefix, range.resolution, bucket)));
    const points: LagPoint[] = [];
    for (let start = 0; start < hashes.length; start += range.perPoint) {
      const window = hashes.slice(start, start + range.perPoint);
      // The worst moment of the window: what an operator looking at lag cares about.
      const max = (field: string) => {
        const values = window.map((hash) => hash[`${queue}|${field}`]).filter((value) => value !== undefined).map(Number);
        return values.length ? Math.max(...values) : null;
      };
      points.push({ t: new Date(range.buckets[start] * 1000).toISOString(), backlog: max('b'), oldestWaitingAgeMs: max('a') });
    }
    return { queue, stepSeconds: range.step, from: range.from.toISOString(), to: range.to.toISOString(), points };
  }

  /** Writes one lag sample (all replicas may; the last write of a bucket wins). */
  async writeLag(samples: Array<{ queue: string; backlog: number; oldestWaitingAgeMs: number }>, now = Date.now()): Promise<void> {
    const transaction = this.redis.client.multi();
    for (const resolution of [RESOLUTIONS.fine, RESOLUTIONS.coarse]) {
      const key = lagKey(this.config.queuePrefix, resolution, bucketStart(now, resolution));
      for (const sample of samples) {
        transaction.hset(key, `${sample.queue}|b`, sample.backlog, `${sample.queue}|a`, Math.round(sample.oldestWaitingAgeMs));
      }
      transaction.expire(key, resolution.ttlSeconds);
    }
    await transaction.exec();
  }

  private range(query: SeriesQuery): { from: Date; to: Date; step: number; resolution: Resolution; buckets: number[]; perPoint: number } {
    const to = query.to ? parseTime(query.to, 'to') : new Date();
    const from = query.from ? parseTime(query.from, 'from') : new Date(to.getTime() - 3_600_000);
    if (from >= to) throw bad('from', 'must be before to');
    const fineAvailableSince = Date.now() - RESOLUTIONS.fine.ttlSeconds * 1000;
    const defaultStep = from.getTime() >= fineAvailableSince && to.getTime() - from.getTime() <= 3_600_000 ? 5 : 60;
    const step = query.step === undefined ? defaultStep : Number(query.step);
    if (!Number.isInteger(step) || step < 5 || step % 5 !== 0) throw bad('step', 'must be a whole number of seconds, a multiple of 5');
    const resolution = step % 60 === 0 ? RESOLUTIONS.coarse : RESOLUTIONS.fine;
    if (resolution === RESOLUTIONS.fine && from.getTime() < fineAvailableSince) {
      throw bad('step', '5-second data is kept for 2 hours; for older ranges use a step that is a multiple of 60');
    }
    const first = bucketStart(from.getTime(), resolution);
    const last = bucketStart(to.getTime() - 1, resolution);
    const perPoint = step / resolution.seconds;
    const points = Math.ceil((last - first + resolution.seconds) / step);
    if (points > MAX_POINTS) throw bad('step', `would give ${points} points; the limit is ${MAX_POINTS}, so use a larger step`);
    const buckets: number[] = [];
    for (let bucket = first; bucket <= last; bucket += resolution.seconds) buckets.push(bucket);
    return { from, to, step, resolution, buckets, perPoint };
  }

  private async hashes(keys: string[]): Promise<Array<Record<string, string>>> {
    if (keys.length === 0) return [];
    const pipeline = this.redis.client.pipeline();
    for (const key of keys) pipeline.hgetall(key);
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, value]) => {
      if (error) throw error;
      return (value ?? {}) as Record<string, string>;
    });
  }
}

export interface SeriesQuery {
  from?: string;
  to?: string;
  step?: string;
}

function parseTime(raw: string, name: string): Date {
  const date = new Date(raw);
  if (Number.isNaN(date.getTime())) throw bad(name, 'must be an RFC 3339 timestamp');
  return date;
}

function bad(path: string, message: string): ProblemError {
  return new ProblemError(problems.invalidRequest(`${path} ${message}`, [{ path, message }]));
}
