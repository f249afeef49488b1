import { Injectable, OnModuleInit } from '@nestjs/common';
import { QueueInspector } from '../queues/queue-inspector.js';
import { PrometheusMetrics } from '../../../foundation/metrics/prometheus-metrics.js';
import { DeadLettersRepository } from '../../../foundation/repositories/dead-letters.repository.js';
import { EventsRepository } from '../../../foundation/repositories/events.repository.js';
import { RouteListing } from '../routes/route-listing.js';

/** The gauges the API computes when Prometheus scrapes it. */
@Injectable()
export class ApiGauges implements OnModuleInit {
  constructor(
    private readonly metrics: PrometheusMetrics,
    private readonly inspector: QueueInspector,
    private readonly events: EventsRepository,
    private readonly deadLetters: DeadLettersRepository,
    private readonly routes: RouteListing,
  ) {}

  onModuleInit(): void {
    let lags: Promise<Awaited<ReturnType<QueueInspector['lags']>>> | null = null;
    // One Redis read per scrape serves both queue gauges.
    const currentLags = () => (lags ??= this.inspector.lags().finally(() => setTimeout(() => (lags = null), 1_000)));
    this.metrics.gauge('switchyard_queue_backlog', 'Jobs ready to run and not started (waiting + prioritized).', ['queue'], async (gauge) => {
      for (const lag of await currentLags()) gauge.set({ queue: lag.queue }, lag.backlog);
    });
    this.metrics.gauge('switchyard_queue_oldest_waiting_age_seconds', 'Age of the oldest job ready to run.', ['queue'], async (gauge) => {
      for (const lag of await currentLags()) gauge.set({ queue: lag.queue }, lag.oldestWaitingAgeMs / 1000);
    });
    this.metrics.gauge('switchyard_outbox_backlog', 'Jobs committed in Postgres and not yet handed to BullMQ.', [], async (gauge) => {
      gauge.set(await this.events.countUnpublished());
    });
    this.metrics.gauge('switchyard_dead_letters_open', 'Dead letters waiting for an operator.', [], async (gauge) => {
      gauge.set(await this.deadLetters.countOpen());
    });
    this.metrics.gauge('switchyard_route_workers_online', 'Workers seen running the handler within three heartbeats (the route registry).', ['handler'], async (gauge) => {
      for (const [handler, online] of await this.routes.workersOnline()) gauge.set({ handler }, online);
    });
  }
}
