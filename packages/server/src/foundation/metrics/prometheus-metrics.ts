import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { BinnedHistogram } from './binned-histogram.js';
import { DURATION_BOUNDS_MS } from './histogram.js';

const SECONDS = DURATION_BOUNDS_MS.map((ms) => ms / 1000);

/**
 * This process's Prometheus metrics (served at /metrics): job outcomes and
 * durations from workers, ingest requests from the API, and gauges the API
 * reads when scraped (backlog, oldest waiting age, outbox, open dead letters).
 */
@Injectable()
export class PrometheusMetrics {
  readonly registry = new Registry();
  private readonly scrapeHooks: Array<() => void> = [];

  readonly jobsCompleted = new Counter({
    name: 'switchyard_jobs_completed_total',
    help: 'Jobs that completed, by queue and handler.',
    labelNames: ['queue', 'handler'],
    registers: [this.registry],
  });
  readonly jobsFailed = new Counter({
    name: 'switchyard_jobs_failed_total',
    help: 'Jobs that failed for good and became dead letters, by queue and handler.',
    labelNames: ['queue', 'handler'],
    registers: [this.registry],
  });
  readonly jobsRetried = new Counter({
    name: 'switchyard_jobs_retried_total',
    help: 'Failed attempts that will be retried, by queue and handler.',
    labelNames: ['queue', 'handler'],
    registers: [this.registry],
  });
  readonly jobWait = new BinnedHistogram(
    'switchyard_job_wait_seconds',
    'Time from a job becoming ready to its first attempt starting.',
    SECONDS,
    this.registry,
  );
  readonly jobProcessing = new BinnedHistogram('switchyard_job_processing_seconds', 'Time a handler took per attempt.', SECONDS, this.registry);
  readonly ingestRequests = new Counter({
    name: 'switchyard_ingest_requests_total',
    help: 'Event ingest requests, by endpoint and HTTP status.',
    labelNames: ['endpoint', 'status'],
    registers: [this.registry],
  });

  readonly scheduleTicks = new Counter({
    name: 'switchyard_schedule_ticks_total',
    help: 'Schedule ticks this process claimed, by schedule and outcome: emitted, skipped (missed ticks, catch-up skip) or failed (nothing emitted; see the schedule\'s lastError).',
    labelNames: ['schedule', 'outcome'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // prom-client names these gauges *_total, which promtool's linter rejects
    // (only counters may end in _total); the process metrics cover the rest.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      this.registry.removeSingleMetric(name);
    }
  }

  /** A gauge whose values are read when Prometheus scrapes. */
  gauge(name: string, help: string, labelNames: string[], collect: (gauge: Gauge) => Promise<void>): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        await collect(this);
      },
    });
  }

  /** `hook` runs before every scrape: to bring figures gathered elsewhere up to date. */
  beforeScrape(hook: () => void): void {
    this.scrapeHooks.push(hook);
  }

  async text(): Promise<{ contentType: string; body: string }> {
    for (const hook of this.scrapeHooks) hook();
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
