import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../config/core-config.js';
import { redactUrl } from './redact-url.js';
import { createRedisClient, isCluster, type RedisClient } from './redis-client.js';

/**
 * The process's shared, non-blocking Redis connection, used by every BullMQ
 * Queue. The offline queue is off: while Redis is down, commands fail at once
 * instead of piling up, so ingest falls back to the outbox without waiting.
 */
@Injectable()
export class RedisConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RedisConnection.name);
  readonly client: RedisClient;
  /** True on Redis Cluster (REDIS_CLUSTER_NODES). */
  readonly cluster: boolean;
  private lastError = '';

  constructor(@Inject(SWITCHYARD_CONFIG) config: SwitchyardConfig) {
    this.cluster = isCluster(config);
    const where = this.cluster ? `Cluster ${config.redisClusterNodes.map((node) => `${node.host}:${node.port}`).join(',')}` : redactUrl(config.redisUrl);
    this.client = createRedisClient(config, {
      connectionName: `switchyard:${config.worker.id}`,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 5_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    this.client.on('error', (error: Error) => {
      // ioredis repeats the same error on every reconnect attempt; say it once.
      if (error.message === this.lastError) return;
      this.lastError = error.message;
      this.logger.warn(`Redis ${where}: ${error.message}`);
    });
    this.client.on('ready', () => {
      if (this.lastError) this.logger.log(`Redis ${where} is back`);
      this.lastError = '';
    });
  }

  /** Waits (a little) for the first connection, so requests at startup do not meet a connecting client. */
  async onModuleInit(): Promise<void> {
    if (this.ready) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5_000);
      this.client.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  get ready(): boolean {
    return this.client.status === 'ready';
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
