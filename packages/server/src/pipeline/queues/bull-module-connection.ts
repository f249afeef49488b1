import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../../foundation/config/core-config.js';
import { createRedisClient, type RedisClient } from '../../foundation/connections/redis-client.js';

/**
 * The connection @nestjs/bullmq gives what an app registers beside
 * Switchyard (`BullModule.registerQueue`, `@Processor`, `@QueueEventsListener`
 * on queues of its own): Switchyard's Redis, with the settings BullMQ needs
 * for blocking reads (maxRetriesPerRequest null), which the shared
 * fail-fast connection (RedisConnection) must not have. It connects only
 * when something uses it; BullMQ duplicates it for each worker and listener.
 */
@Injectable()
export class BullModuleConnection implements OnApplicationShutdown {
  private readonly logger = new Logger(BullModuleConnection.name);
  readonly client: RedisClient;
  private lastError = '';

  constructor(@Inject(SWITCHYARD_CONFIG) config: SwitchyardConfig) {
    this.client = createRedisClient(config, { connectionName: `switchyard:${config.worker.id}:app-queues`, lazyConnect: true, maxRetriesPerRequest: null });
    this.client.on('error', (error: Error) => {
      // ioredis repeats the same error on every reconnect attempt; say it once.
      if (error.message !== this.lastError) this.logger.warn(`Redis (the app's own queues): ${error.message}`);
      this.lastError = error.message;
    });
    this.client.on('ready', () => (this.lastError = ''));
  }

  /**
   * After @nestjs/bullmq has closed the queues and workers on it (its module
   * shuts down first). A client still connecting (an app refused at startup)
   * is let finish first: a Cluster client cut off mid-connect can complete
   * the connect anyway and keep its slot refresh timer running.
   */
  async onApplicationShutdown(): Promise<void> {
    if (this.client.status === 'end') return;
    if (this.client.status === 'wait') return this.client.disconnect();
    if (this.client.status !== 'ready') await settled(this.client, 5_000);
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

/** Resolves once `client` is ready or has given up, or after `timeoutMs`. */
function settled(client: RedisClient, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done).off('end', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    client.once('ready', done).once('end', done);
  });
}
