import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../../foundation/config/core-config.js';
import type { JobPayload } from './job-payload.js';
import { BULL_QUEUES, type BullQueues } from './bull-queues.js';
import { queueKeyPrefix } from './queue-keys.js';
import { RedisConnection } from '../../foundation/connections/redis-connection.js';

/**
 * One BullMQ Queue per queue name over the shared connection, under the
 * queue's key prefix (one hash tag per queue on Redis Cluster, see
 * queueKeyPrefix). The queues of this app's handlers are the ones
 * @nestjs/bullmq registered (BULL_QUEUES), so `@InjectQueue(name)` is this
 * very object; any other name (a retired handler's queue, read back from a
 * dead letter) gets a Queue made on first use, the same way.
 */
@Injectable()
export class QueueRegistry implements BeforeApplicationShutdown {
  private readonly queues: Map<string, Queue<JobPayload>>;

  constructor(
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    private readonly redis: RedisConnection,
    @Inject(BULL_QUEUES) registered: BullQueues,
  ) {
    this.queues = new Map(registered);
    // Connection errors surface on the shared connection's logger.
    for (const queue of registered.values()) queue.on('error', () => undefined);
  }

  /** The BullMQ key prefix of queue `name`. */
  prefixOf(name: string): string {
    return queueKeyPrefix(this.config.queuePrefix, name, this.redis.cluster);
  }

  get(name: string): Queue<JobPayload> {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue<JobPayload>(name, { connection: this.redis.client, prefix: this.prefixOf(name) });
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Before the shared connection closes; closing a registered queue again, as @nestjs/bullmq does, is a no-op. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close().catch(() => undefined)));
    this.queues.clear();
  }
}
