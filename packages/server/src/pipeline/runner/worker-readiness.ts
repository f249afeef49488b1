import { Injectable } from '@nestjs/common';
import { type Readiness, ReadinessProbe } from '../../foundation/connections/readiness-probe.js';
import { HandlerRunner } from './handler-runner.js';
import type { ConsumerState } from './queue-consumer.js';

/** A worker process's readiness: its services, and each of its queues' consumers. */
export interface WorkerReadinessReport {
  ready: boolean;
  checks: Readiness['checks'] & { workers: 'up' | 'down' };
  /** One entry per queue this process consumes; those not running say why. */
  workers: ConsumerState[];
}

/**
 * Whether a worker process can do its work: Redis and Postgres answer, and
 * every BullMQ Worker it runs is taking jobs. A worker that closed, was
 * paused, stopped fetching or lost its blocking connection takes nothing from
 * its queue while Redis and Postgres look fine, so it counts as not ready.
 */
@Injectable()
export class WorkerReadiness {
  constructor(
    private readonly probe: ReadinessProbe,
    private readonly runner: HandlerRunner,
  ) {}

  async check(): Promise<WorkerReadinessReport> {
    const [services, workers] = await Promise.all([this.probe.check(), this.runner.consumerStates()]);
    const allRunning = workers.every((worker) => worker.state === 'running');
    return { ready: services.ready && allRunning, checks: { ...services.checks, workers: allRunning ? 'up' : 'down' }, workers };
  }
}
