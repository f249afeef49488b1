import { getSharedConfigToken } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { Queue, type QueueOptions } from 'bullmq';
import type { JobPayload } from '../outbox/outbox-entry.js';

/**
 * One BullMQ Queue per queue name, created on first use over the shared
 * connection and key prefix registered with BullModule.forRoot.
 */
@Injectable()
export class QueueRegistry implements BeforeApplicationShutdown {
  private readonly queues = new Map<string, Queue<JobPayload>>();

  constructor(@Inject(getSharedConfigToken()) private readonly bullOptions: QueueOptions) {}

  get(name: string): Queue<JobPayload> {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue<JobPayload>(name, {
        connection: this.bullOptions.connection,
        prefix: this.bullOptions.prefix,
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
