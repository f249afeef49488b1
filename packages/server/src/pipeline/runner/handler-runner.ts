import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { type Job, Worker } from 'bullmq';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../../foundation/config/core-config.js';
import { createRedisClient, type RedisClient } from '../../foundation/connections/redis-client.js';
import { HandlerRegistry, type QueueSettings } from '../handlers/handler-registry.js';
import type { JobPayload } from '../queues/job-payload.js';
import { OutboxPublisher } from '../outbox/outbox-publisher.js';
import { QueueRegistry } from '../queues/queue-registry.js';
import { CrashQuarantine } from './crash-quarantine.js';
import { FailureRecorder } from './failure-recorder.js';
import { JobProcessor } from './job-processor.js';
import { type ConsumerState, QueueConsumer } from './queue-consumer.js';
import { selectQueues } from './queue-selection.js';

/**
 * Runs one BullMQ Worker per queue that has handlers in this process (or per
 * queue of those named in WORKER_QUEUES: the registry keeps every handler, so
 * ctx.emit still routes to queues this process does not consume). On
 * shutdown it stops taking jobs and gives in-flight ones the grace period to
 * finish; any still running then are handed back to their queue at once and
 * taken over by another worker (their effects are guarded, so a re-run is
 * safe), except at-most-once jobs, which are never started twice.
 */
@Injectable()
export class HandlerRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(HandlerRunner.name);
  private readonly workers: Worker<JobPayload>[] = [];
  private readonly consumers: QueueConsumer[] = [];
  /** Each Worker's own connection (BullMQ duplicates it for blocking reads); closed after the workers. */
  private readonly connections: RedisClient[] = [];
  /** Jobs this process is running, with their lock tokens, so shutdown can hand them back. */
  private readonly inFlight = new Map<string, { job: Job<JobPayload>; token: string | undefined }>();
  private stopping = false;

  constructor(
    private readonly registry: HandlerRegistry,
    private readonly processor: JobProcessor,
    private readonly failures: FailureRecorder,
    private readonly quarantine: CrashQuarantine,
    private readonly queues: QueueRegistry,
    private readonly publisher: OutboxPublisher,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
  ) {}

  onApplicationBootstrap(): void {
    const queues = selectQueues(this.registry.queues(), this.config.worker.queues);
    for (const queue of queues) this.workers.push(this.startWorker(queue));
    this.quarantine.attach(this.workers, () => this.stopping);
    this.logger.log(
      `Worker ${this.config.worker.id} running ${queues.map((q) => `${q.name}×${q.concurrency}`).join(', ') || 'no queues'}` +
        (this.config.worker.queues.length ? ' (WORKER_QUEUES)' : ''),
    );
  }

  private startWorker(queue: QueueSettings): Worker<JobPayload> {
    const { worker } = this.config;
    // Workers block on Redis: their commands must wait out a reconnect (or a
    // cluster failover) rather than fail, hence maxRetriesPerRequest null.
    const connection = createRedisClient(this.config, { connectionName: `switchyard:${worker.id}:${queue.name}`, maxRetriesPerRequest: null });
    connection.on('error', () => undefined); // reported through the Worker's error event below
    this.connections.push(connection);
    const instance = new Worker<JobPayload>(
      queue.name,
      async (job, token) => {
        const key = `${job.queueName}:${job.id}`;
        this.inFlight.set(key, { job, token });
        try {
          const canCrash = this.registry.get(job.name)?.definition.delivery !== 'at-most-once';
          return await this.quarantine.run(job, token, () => this.processor.process(job, token), { canCrash });
        } finally {
          this.inFlight.delete(key);
        }
      },
      {
        connection,
        prefix: this.queues.prefixOf(queue.name),
        name: worker.id,
        concurrency: queue.concurrency,
        limiter: queue.rateLimit ?? undefined,
        lockDuration: worker.lockDurationMs,
        stalledInterval: worker.stalledIntervalMs,
        maxStalledCount: worker.maxStalledCount,
      },
    );
    instance.on('failed', (job, error) => void this.onFailedElsewhere(job, error));
    let lastError = '';
    // BullMQ reports every failed reconnect; one line per distinct error is enough.
    instance.on('error', (error) => {
      if (error.message !== lastError) this.logger.warn(`Worker for ${queue.name}: ${error.message}`);
      lastError = error.message;
    });
    instance.on('ready', () => (lastError = ''));
    this.consumers.push(new QueueConsumer(queue.name, instance, connection));
    return instance;
  }

  /** Whether each queue's worker in this process is taking jobs, and why not (read-only: for readiness). */
  consumerStates(): Promise<ConsumerState[]> {
    return Promise.all(this.consumers.map((consumer) => consumer.state()));
  }

  /**
   * Failures BullMQ decides without our processor (a job that stalled more
   * often than allowed: its worker kept dying) still become dead letters.
   */
  private async onFailedElsewhere(job: Job<JobPayload> | undefined, error: Error): Promise<void> {
    if (!job || this.processor.wasRecorded(error) || !job.finishedOn) return;
    const failedAt = new Date(job.finishedOn);
    for (let attempt = 1; attempt <= 5; attempt++) {
      try {
        const toPublish = await this.failures.record({
          jobId: job.id ?? '',
          queue: job.queueName,
          handler: job.name,
          event: job.data.event,
          attempt: Math.max(job.attemptsMade, 1),
          error,
          retryable: false,
          final: true,
          startedAt: job.processedOn ? new Date(job.processedOn) : failedAt,
          finishedAt: failedAt,
        });
        await this.publisher.publishAfterCommit(toPublish);
        return;
      } catch (recordError) {
        this.logger.warn(`Dead letter for job ${job.id} not written yet (${(recordError as Error).message})`);
        await new Promise((resolve) => setTimeout(resolve, 1_000 * attempt));
      }
    }
    this.logger.error(`Gave up writing the dead letter of job ${job.id}; it stays in BullMQ's failed set`);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    const graceful = Promise.all(this.workers.map((worker) => worker.close()));
    // The connections are ours, not BullMQ's: close them once the workers are done with them.
    const closed = graceful
      .catch(() => undefined)
      .then(() => Promise.all(this.connections.map((connection) => connection.quit().catch(() => connection.disconnect()))));
    // Handed-back jobs' workers close later (if ever, before exit): their connections with them.
    if (!(await this.stopWorkers(graceful))) await closed;
  }

  /** Stops the workers within the grace period; true if jobs had to be handed back. */
  private async stopWorkers(graceful: Promise<unknown>): Promise<boolean> {
    const grace = this.config.worker.shutdownGraceMs;
    const timedOut = await Promise.race([
      graceful.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), grace).unref()),
    ]);
    if (!timedOut) return false;
    // Not close(true): once close() has begun, BullMQ returns that same pending
    // promise, which waits for the jobs however long they take. And a job merely
    // abandoned stays active until its lock expires, then counts as stalled (one
    // step nearer the stalled limit). Handing it back puts it in the queue now,
    // with no attempt used; the run still going here is absorbed by the guard.
    // Except at-most-once jobs: they started, so they must not start again. Left
    // holding their lock, they complete if they finish before the process exits;
    // otherwise the lock expires, BullMQ offers them again, and their start
    // claim sends them to the dead letters (StartClaim) instead of a re-run.
    const inFlight = [...this.inFlight.values()];
    const running = inFlight.filter(({ job }) => this.registry.get(job.name)?.definition.delivery !== 'at-most-once');
    const kept = inFlight.length - running.length;
    this.logger.warn(
      `${inFlight.length} jobs still running after ${grace} ms; handing ${running.length} back to the queue` +
        (kept ? `, not ${kept} at-most-once job(s): they will not run again and become dead letters unless they finish first` : ''),
    );
    await Promise.all(
      running.map(({ job, token }) =>
        job.moveToWait(token).catch((error: Error) => this.logger.warn(`Could not hand back job ${job.id}: ${error.message}`)),
      ),
    );
    return true;
  }
}
