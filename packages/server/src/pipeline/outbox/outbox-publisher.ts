import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JobsOptions } from 'bullmq';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../../foundation/config/core-config.js';
import { EventsRepository } from '../../foundation/repositories/events.repository.js';
import { QueueRegistry } from '../queues/queue-registry.js';
import { RedisConnection } from '../../foundation/connections/redis-connection.js';
import type { OutboxEntry } from './outbox-entry.js';
import { OutboxSignal } from './outbox-signal.js';
import { PublishMarks } from './publish-marks.js';
import { ReplicaAck } from './replica-ack.js';

/**
 * Hands outbox rows to BullMQ and marks them published. BullMQ ignores an add
 * whose job id it already holds, so publishing a row twice (API and relay
 * racing, or a crash before the mark) cannot make a second job. On Redis
 * Cluster, rows count as published once a replica has their jobs (ReplicaAck).
 */
/** Jobs per addBulk call. */
const SLICE = 500;

@Injectable()
export class OutboxPublisher {
  private readonly logger = new Logger(OutboxPublisher.name);

  constructor(
    private readonly queues: QueueRegistry,
    private readonly redis: RedisConnection,
    private readonly events: EventsRepository,
    private readonly signal: OutboxSignal,
    private readonly marks: PublishMarks,
    private readonly replicaAck: ReplicaAck,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
  ) {}

  /**
   * Right after an ingest commit: publish what Redis takes now, leave the rest
   * to the relay and wake it. Never throws: the events are already safe in
   * Postgres, and the producer's 202 must not depend on Redis. `deferred`
   * leaves the "published" mark to PublishMarks, which writes it a little
   * later, together with other requests' marks, and skips rows a worker
   * already marked.
   */
  async publishAfterCommit(entries: OutboxEntry[], mark: 'now' | 'deferred' = 'now'): Promise<void> {
    if (entries.length === 0) return;
    const record = async (ids: string[]) => (mark === 'deferred' ? this.marks.add(ids) : this.markPublished(ids));
    let published: string[] = [];
    try {
      published = await this.enqueue(entries);
      await record(published);
    } catch (error) {
      // Slices that did reach Redis are marked too; the relay only needs the rest.
      published = (error as { published?: string[] }).published ?? published;
      await record(published).catch(() => undefined);
      this.logger.warn(`Left ${entries.length - published.length} jobs to the outbox relay: ${(error as Error).message}`);
    }
    if (published.length < entries.length) this.signal.wake();
  }

  /**
   * Adds the entries' jobs to their queues, in slices of at most 500 per
   * addBulk so a big batch is several moderate Redis transactions, each with
   * its own timeout. Throws if any slice fails, carrying the ids that made it.
   */
  async enqueue(entries: OutboxEntry[]): Promise<string[]> {
    if (!this.redis.ready) throw new Error(`Redis is not connected (status ${this.redis.client.status})`);
    const slices: Array<[string, OutboxEntry[]]> = [];
    const byQueue = new Map<string, OutboxEntry[]>();
    for (const entry of entries) {
      let list = byQueue.get(entry.queue);
      if (!list) byQueue.set(entry.queue, (list = []));
      list.push(entry);
    }
    for (const [queue, list] of byQueue) {
      for (let start = 0; start < list.length; start += SLICE) slices.push([queue, list.slice(start, start + SLICE)]);
    }
    const published: string[] = [];
    const failures: Error[] = [];
    await Promise.all(
      slices.map(async ([queue, slice]) => {
        try {
          // On Redis Cluster a slice counts as published only once a replica
          // of its master has it too (ReplicaAck): within the same budget.
          const deadline = Date.now() + this.config.outbox.publishTimeoutMs;
          await withTimeout(
            this.replicaAck.replicated(queue, deadline, () =>
              this.queues.get(queue).addBulk(
                slice.map((entry) => ({
                  name: entry.handler,
                  data: {
                    event: entry.event,
                    ...(entry.delivery ? { delivery: entry.delivery } : {}),
                    ...(entry.orderingKey ? { orderingKey: entry.orderingKey } : {}),
                  },
                  opts: this.jobOptions(entry),
                })),
              ),
            ),
            this.config.outbox.publishTimeoutMs,
            `adding ${slice.length} jobs to queue ${queue}${this.replicaAck.required ? ' and hearing from its replicas' : ''}`,
          );
          for (const entry of slice) published.push(entry.jobId);
        } catch (error) {
          failures.push(error as Error);
        }
      }),
    );
    if (failures.length) {
      const error = new Error(failures.map((failure) => failure.message).join('; '));
      throw Object.assign(error, { published });
    }
    return published;
  }

  async markPublished(jobIds: string[]): Promise<void> {
    if (jobIds.length === 0) return;
    await this.events.markPublished(jobIds);
  }

  private jobOptions(entry: OutboxEntry): JobsOptions {
    const { retention } = this.config;
    return {
      jobId: entry.jobId,
      attempts: entry.attempts,
      backoff: { type: entry.backoff.type, delay: entry.backoff.delay, jitter: entry.backoff.jitter },
      ...(entry.priority !== null ? { priority: entry.priority } : {}),
      ...(entry.deliverAt ? { delay: Math.max(0, entry.deliverAt.getTime() - Date.now()) } : {}),
      removeOnComplete: retention.completed,
      removeOnFail: retention.failed,
    };
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms ${what}`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
