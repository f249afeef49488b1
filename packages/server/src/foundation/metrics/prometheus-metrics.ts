import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
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
  readonly jobWait = new Histogram({
    name: 'switchyard_job_wait_seconds',
    help: 'Time from a job becoming ready to its first attempt starting.',
    labelNames: ['queue'],
    buckets: SECONDS,
    registers: [this.registry],
  });
  readonly jobProcessing = new Histogram({
    name: 'switchyard_job_processing_seconds',
    help: 'Time a handler took per attempt.',
    labelNames: ['queue', 'handler'],
    buckets: SECONDS,
    registers: [this.registry],
  });
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

  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
