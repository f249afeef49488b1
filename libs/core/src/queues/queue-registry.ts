import { getSharedConfigToken } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { Queue, type QueueOptions } from 'bullmq';
import type { JobPayload } from '../outbox/outbox-entry.js';
import { queueKeyPrefix } from './queue-keys.js';
import { RedisConnection } from './redis-connection.js';

/**
 * One BullMQ Queue per queue name, created on first use over the shared
 * connection, under the queue's key prefix (one hash tag per queue on Redis
 * Cluster, see queueKeyPrefix).
 */
@Injectable()
export class QueueRegistry implements BeforeApplicationShutdown {
  private readonly queues = new Map<string, Queue<JobPayload>>();

  constructor(
    @Inject(getSharedConfigToken()) private readonly bullOptions: QueueOptions,
    private readonly redis: RedisConnection,
  ) {}

  /** The BullMQ key prefix of queue `name`. */
  prefixOf(name: string): string {
    return queueKeyPrefix(this.bullOptions.prefix ?? '{switchyard}', name, this.redis.cluster);
  }

  get(name: string): Queue<JobPayload> {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue<JobPayload>(name, {
        connection: this.bullOptions.connection,
        prefix: this.prefixOf(name),
      });
      // Connection errors surface on the shared connection's logger.
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close().catch(() => undefined)));
    this.queues.clear();
  }
}
